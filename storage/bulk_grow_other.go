//go:build !(linux && !android) && !darwin

package storage

// growAhead does nothing here; see bulk_grow_unix.go.
func growAhead(path string, size int64) {}

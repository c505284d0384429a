//go:build (linux && !android) || darwin

package storage

import "os"

// growAhead lengthens the file at path to size bytes if it is shorter, as
// bbolt itself grows it (a truncate, sparse where the file system allows).
// bbolt maps at least the whole file whenever it remaps, so a bulk batch
// then remaps once instead of at every doubling of the map, each remap
// copying every page the transaction has touched. Growing only pays for
// itself on a large write, and it is no more than a hint: an error leaves
// bbolt to grow the file as usual.
//
// Only where bbolt locks the file with flock: closing a second descriptor
// would drop an fcntl lock. Not on Windows, where bbolt maps by resizing
// the file anyway.
func growAhead(path string, size int64) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() < size {
		_ = f.Truncate(size)
	}
}

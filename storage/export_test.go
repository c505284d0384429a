package storage

// ClassifyForTest exposes classify: a full disk cannot be made on demand.
var ClassifyForTest = classify

// Age's default scrypt cost takes a second per backup; tests need no such
// protection.
func init() { scryptWorkFactor = 10 }

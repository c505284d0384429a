package storage

// ClassifyForTest exposes classify: a full disk cannot be made on demand.
var ClassifyForTest = classify

// Age's default scrypt cost takes a second per backup; tests need no such
// protection.
func init() { scryptWorkFactor = 10 }

// SetBulkBatchSizeForTest changes the bulk batch size until the test ends.
func SetBulkBatchSizeForTest(t interface{ Cleanup(func()) }, n int) {
	old := bulkBatchSize
	bulkBatchSize = n
	t.Cleanup(func() { bulkBatchSize = old })
}

// SchemaVersionForTest is the layout this program writes.
const SchemaVersionForTest = schemaVersion

// SetMaxPendingForTest changes how many index writes wait, until the test
// ends.
func SetMaxPendingForTest(t interface{ Cleanup(func()) }, n int) {
	old := maxPending
	maxPending = n
	t.Cleanup(func() { maxPending = old })
}

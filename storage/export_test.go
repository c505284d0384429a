package storage

// ClassifyForTest exposes classify: a full disk cannot be made on demand.
var ClassifyForTest = classify

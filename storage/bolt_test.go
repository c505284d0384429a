package storage_test

import (
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return storetest.TempDB(t) })
}

// TestConformanceWithFewPendingWrites runs the suite with index writes made
// every few keys, as a transaction past the bound makes them.
func TestConformanceWithFewPendingWrites(t *testing.T) {
	storage.SetMaxPendingForTest(t, 2)
	storetest.Run(t, func(t *testing.T) app.Store { return storetest.TempDB(t) })
}

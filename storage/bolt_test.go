package storage_test

import (
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return storetest.TempDB(t) })
}

package devices

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/errors"
	"go.uber.org/goleak"
)

// countingBus counts opens.
type countingBus struct {
	*SimBus
	opens atomic.Int32
}

func (b *countingBus) Open(info DeviceInfo) (Device, error) {
	b.opens.Add(1)
	return b.SimBus.Open(info)
}

// unsupportedBus behaves as HIDBus in a CGO_ENABLED=0 build.
type unsupportedBus struct{}

func (unsupportedBus) Enumerate() ([]DeviceInfo, error) { return nil, errors.WithStack(ErrUnsupported) }
func (unsupportedBus) Open(DeviceInfo) (Device, error)  { return nil, errors.WithStack(ErrUnsupported) }

func mkdirWrite(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}

// checkLeaks fails the test if goroutines it started outlive it. Call it
// first: cleanups run last-in first-out, so the check runs after every
// cleanup registered later (such as stopping a Manager).
func checkLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

package notices_test

import (
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/app/reports/fixture"
)

// BenchmarkOutboxFirstRefresh is what opening the outbox costs on a large
// event log: the first fold reads every event once; after that the fold is
// saved and a restart reads only the events after it.
func BenchmarkOutboxFirstRefresh(b *testing.B) {
	lib := fixture.ScaleLibrary(b, demo.ScaleOptions{Titles: 2000, Copies: 10_000, Readers: 1000, PastLoans: 50_000, Seed: 1})
	events := uint64(0)
	lib.View(func(tx app.Tx) error {
		vec, err := tx.Vector()
		for _, n := range vec {
			events += n
		}
		return err
	})
	b.Run("full-fold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			// Forget the saved fold, as on the first start after an upgrade.
			if err := lib.Store().Update(func(tx app.Tx) error { return tx.SetMeta("notices.outbox", nil) }); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := notices.NewOutbox(lib).Pending(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(events), "ns/event")
	})
	b.Run("saved", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := notices.NewOutbox(lib).Pending(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

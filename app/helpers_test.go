package app_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

// start is a Monday.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	lib   *app.Library
	clock *app.FakeClock
	admin app.Actor
	desk  app.Actor
}

// storeMakers are the stores every workflow test runs against; bbolt adds
// itself in bolt_test.go once storage is linked.
var storeMakers = map[string]func(t *testing.T) app.Store{
	"memory": func(t *testing.T) app.Store { return memstore.New() },
}

// eachStore runs fn once per store implementation.
func eachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for name, mk := range storeMakers {
		t.Run(name, func(t *testing.T) {
			fn(t, newFixture(t, mk(t)))
		})
	}
}

func newFixture(t *testing.T, store app.Store) *fixture {
	t.Helper()
	clock := app.NewFakeClock(start)
	lib, err := app.Open(store, app.Options{
		Clock:    clock,
		Rand:     rand.NewChaCha8([32]byte{1}),
		Location: time.UTC,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	admin, err := lib.Setup(app.SetupInput{LibraryName: "测试图书馆", AdminUsername: "admin", AdminName: "Admin", AdminPassword: "secret123"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, lib: lib, clock: clock, admin: admin,
		desk: app.Actor{Username: "desk", Role: app.RoleAssistant}}
}

func (f *fixture) title(name string, isbns ...string) *app.Title {
	f.t.Helper()
	t, err := f.lib.AddTitle(f.admin, app.TitleInput{Title: name, ISBNs: isbns, Authors: []string{"Author"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fixture) copyOf(t *app.Title, barcode string, item app.ItemType) *app.Copy {
	f.t.Helper()
	c, err := f.lib.AddCopy(f.admin, t.ID, app.CopyInput{Barcode: barcode, ItemType: item, Price: 3500})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) reader(card, name, cardType string) *app.Reader {
	f.t.Helper()
	r, err := f.lib.RegisterReader(f.admin, app.ReaderInput{Card: card, Name: name, CardType: cardType, Class: "三年级2班"})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) days(n int) { f.clock.Advance(time.Duration(n) * 24 * time.Hour) }

func wantReason(t *testing.T, err error, want app.Reason) {
	t.Helper()
	if got := app.ReasonOf(err); got != want {
		t.Fatalf("got refusal %q (%v), want %q", got, err, want)
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

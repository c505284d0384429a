package ui

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

// The fixture library is made once: argon2id makes every staff account cost
// seconds, so each test gets a copy of the store instead of a new one.
var (
	baseOnce  sync.Once
	baseStore *memstore.Store
	baseErr   error
)

const testStation = "0123456789abcdef0123456789abcdef"

func newLibraryOn(t *testing.T, store app.Store) (*app.Library, *app.FakeClock) {
	t.Helper()
	clock := app.NewFakeClock(start)
	lib, err := app.Open(store, app.Options{Clock: clock, Location: time.UTC, Station: testStation})
	if err != nil {
		t.Fatal(err)
	}
	return lib, clock
}

func newLibrary(t *testing.T) (*app.Library, *app.FakeClock) {
	t.Helper()
	return newLibraryOn(t, memstore.New())
}

// newFixture returns a fresh copy of the fixture library: an admin, a
// librarian and an assistant, two readers and four titles of two copies.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	baseOnce.Do(func() { baseStore, baseErr = buildBase() })
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	lib, clock := newLibraryOn(t, cloneStore(t, baseStore))
	return &fixture{lib: lib, clock: clock, admin: app.Actor{Username: "ADMIN", Role: app.RoleAdmin}}
}

func buildBase() (*memstore.Store, error) {
	store := memstore.New()
	lib, err := app.Open(store, app.Options{Clock: app.NewFakeClock(start), Location: time.UTC, Station: testStation})
	if err != nil {
		return nil, err
	}
	admin, err := lib.Setup(app.SetupInput{LibraryName: "Test Library", AdminUsername: "admin", AdminName: "Ada", AdminPassword: adminPass})
	if err != nil {
		return nil, err
	}
	if _, err := lib.AddStaff(admin, app.StaffInput{Username: "lib", Name: "Li", Role: app.RoleLibrarian, Password: librarianPass}); err != nil {
		return nil, err
	}
	if _, err := lib.AddStaff(admin, app.StaffInput{Username: "ast", Name: "An", Role: app.RoleAssistant, Password: assistantPass}); err != nil {
		return nil, err
	}
	if _, err := lib.RegisterReader(admin, app.ReaderInput{Card: "R1001", Name: "张三", Class: "三年级二班", CardType: "STU"}); err != nil {
		return nil, err
	}
	if _, err := lib.RegisterReader(admin, app.ReaderInput{Card: "R1002", Name: "Mary Smith", CardType: "REG", Phone: "555-0100"}); err != nil {
		return nil, err
	}
	books := []struct{ title, isbn, author string }{
		{"西游记", "9787020008735", "吴承恩"},
		{"The Little Prince", "9780156012195", "Antoine de Saint-Exupéry"},
		{"红楼梦", "9787020002207", "曹雪芹"},
		{"Charlotte's Web", "9780064400558", "E. B. White"},
	}
	for i, b := range books {
		title, err := lib.AddTitle(admin, app.TitleInput{Title: b.title, ISBNs: []string{b.isbn}, Authors: []string{b.author}})
		if err != nil {
			return nil, err
		}
		for j := 1; j <= 2; j++ {
			if _, err := lib.AddCopy(admin, title.ID, app.CopyInput{Barcode: "T" + itoa(100+i*10+j), Location: "Shelf A"}); err != nil {
				return nil, err
			}
		}
	}
	return store, nil
}

// cloneStore copies every record, the app's meta keys and the event log.
func cloneStore(t *testing.T, src app.Store) *memstore.Store {
	t.Helper()
	dst := memstore.New()
	err := src.View(func(stx app.Tx) error {
		return dst.Update(func(dtx app.Tx) error {
			for _, c := range app.AllCollections {
				err := stx.ForEach(c, func(id string, raw []byte) error {
					r := recordOf(c)
					if r == nil {
						return nil
					}
					if err := json.Unmarshal(raw, r); err != nil {
						return err
					}
					return dtx.Put(r)
				})
				if err != nil {
					return err
				}
			}
			for _, k := range []string{app.MetaStation, app.MetaDatabaseID, app.MetaHLC} {
				v, err := stx.Meta(k)
				if err != nil {
					return err
				}
				if err := dtx.SetMeta(k, v); err != nil {
					return err
				}
			}
			vec, err := stx.Vector()
			if err != nil {
				return err
			}
			for st := range vec {
				if err := stx.EventsAfter(st, 0, dtx.AppendEvent); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func recordOf(c app.Collection) app.Record {
	switch c {
	case app.CollTitles:
		return &app.Title{}
	case app.CollCopies:
		return &app.Copy{}
	case app.CollReaders:
		return &app.Reader{}
	case app.CollCardTypes:
		return &app.CardType{}
	case app.CollRules:
		return &app.Rule{}
	case app.CollClosedDays:
		return &app.ClosedDay{}
	case app.CollLoans:
		return &app.Loan{}
	case app.CollHolds:
		return &app.Hold{}
	case app.CollFines:
		return &app.Fine{}
	case app.CollStaff:
		return &app.Staff{}
	case app.CollSettings:
		return &app.Setting{}
	}
	return nil
}

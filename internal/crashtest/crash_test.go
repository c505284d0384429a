//go:build unix

package crashtest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

const (
	childEnv = "CIRCA_CRASH_CHILD"
	station  = "c4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5hc4a5"
	copies   = 40
	readers  = 20
)

var admin = app.Actor{Username: "admin", Role: app.RoleAdmin}

// TestMain lets the test binary be the child: with CIRCA_CRASH_CHILD set it
// works on the library until killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		seed, _ := strconv.ParseUint(os.Getenv("CIRCA_CRASH_SEED"), 10, 64)
		if err := child(dir, seed); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func openLib(dir string) (*storage.DB, *app.Library, error) {
	db, err := storage.Open(filepath.Join(dir, "library.db"), storage.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, nil, err
	}
	lib, err := app.Open(db, app.Options{Station: station, Location: time.UTC})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, lib, nil
}

// child prints "ACK kind key value" after each change returns, i.e. after
// its transaction is durable.
func child(dir string, seed uint64) error {
	_, lib, err := openLib(dir)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	ack := func(parts ...string) {
		fmt.Fprintln(out, "ACK "+strings.Join(parts, " "))
		out.Flush()
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := 0; ; i++ {
		code := fmt.Sprintf("B%03d", rng.IntN(copies))
		card := fmt.Sprintf("R%03d", rng.IntN(readers))
		switch rng.IntN(4) {
		case 0:
			res, err := lib.CheckOut(admin, card, code, app.CheckOutOptions{Override: true})
			if err == nil {
				ack("out", code, card, res.Loan.ID)
			} else if _, ok := app.RefusalOf(err); !ok {
				return err
			}
		case 1:
			res, err := lib.CheckIn(admin, code)
			if err != nil {
				return err
			}
			if res.WasOnLoan {
				ack("in", code, res.Loan.ID)
			}
		case 2:
			r, err := lib.ReaderByCard(card)
			if err != nil {
				return err
			}
			phone := fmt.Sprintf("139%08d", rng.IntN(1e8))
			in := app.ReaderInput{Card: r.Card, Name: r.Name, CardType: r.CardType, Phone: phone, Class: r.Class}
			if _, err := lib.UpdateReader(admin, r.ID, in); err != nil {
				return err
			}
			ack("phone", card, phone)
		case 3:
			t, err := lib.AddTitle(admin, app.TitleInput{Title: fmt.Sprintf("Imported %d-%d", seed, i)})
			if err != nil {
				return err
			}
			ack("title", t.ID)
		}
	}
}

func setup(t *testing.T, dir string) {
	db, lib, err := openLib(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := lib.InstallDefaults(admin); err != nil {
		t.Fatal(err)
	}
	ti, err := lib.AddTitle(admin, app.TitleInput{Title: "Crash test"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < copies; i++ {
		if _, err := lib.AddCopy(admin, ti.ID, app.CopyInput{Barcode: fmt.Sprintf("B%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < readers; i++ {
		if _, err := lib.RegisterReader(admin, app.ReaderInput{Card: fmt.Sprintf("R%03d", i), Name: "Reader", CardType: "TEA"}); err != nil {
			t.Fatal(err)
		}
	}
}

// model is what the acknowledgements say must be in the file.
type model struct {
	open   map[string]string // barcode → loan ID, from the last ack about it
	closed map[string]bool   // loan IDs acknowledged as returned
	phone  map[string]string // card → phone
	titles []string
}

func (m *model) apply(line string) {
	f := strings.Fields(strings.TrimPrefix(line, "ACK "))
	switch f[0] {
	case "out":
		m.open[f[1]] = f[3]
	case "in":
		if m.open[f[1]] == f[2] {
			delete(m.open, f[1])
		}
		m.closed[f[2]] = true
	case "phone":
		m.phone[f[1]] = f[2]
	case "title":
		m.titles = append(m.titles, f[1])
	}
}

func TestCrashSafety(t *testing.T) {
	// The long run: CIRCA_CRASH_ROUNDS=300 go test ./internal/crashtest
	rounds := 40
	if testing.Short() {
		rounds = 4
	}
	if s := os.Getenv("CIRCA_CRASH_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	dir := t.TempDir()
	setup(t, dir)
	m := &model{open: map[string]string{}, closed: map[string]bool{}, phone: map[string]string{}}
	rng := rand.New(rand.NewPCG(7, 7))
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir, "CIRCA_CRASH_SEED="+strconv.Itoa(round))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of acknowledgements, or a random
		// moment, whichever comes first: often in the middle of a commit.
		killAfter := 1 + rng.IntN(60)
		deadline := time.AfterFunc(time.Duration(50+rng.IntN(400))*time.Millisecond, func() {
			cmd.Process.Signal(syscall.SIGKILL)
		})
		sc := bufio.NewScanner(stdout)
		acks := 0
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "ACK ") {
				continue
			}
			m.apply(line)
			acks++
			if acks == killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
			}
		}
		deadline.Stop()
		cmd.Process.Signal(syscall.SIGKILL)
		werr := cmd.Wait()
		if ee, ok := werr.(*exec.ExitError); ok && ee.ExitCode() == 3 {
			t.Fatalf("round %d: the child failed", round)
		}
		verify(t, dir, m, round)
	}
}

func verify(t *testing.T, dir string, m *model, round int) {
	t.Helper()
	db, lib, err := openLib(dir)
	if err != nil {
		t.Fatalf("round %d: reopening after the kill: %v", round, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("round %d: file or indexes inconsistent: %v", round, err)
	}
	for code, loanID := range m.open {
		c, err := lib.CopyByBarcode(code)
		if err != nil {
			t.Fatal(err)
		}
		loan, err := lib.OpenLoanOf(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The acknowledged loan is there; a later unacknowledged check-in
		// and check-out may have replaced it, but then it must be closed.
		if loan == nil || loan.ID != loanID {
			var l app.Loan
			db.View(func(tx app.Tx) error { _, err := tx.Get(app.CollLoans, loanID, &l); return err })
			if l.ID != loanID {
				t.Fatalf("round %d: acknowledged loan %s of %s is lost", round, loanID, code)
			}
		}
	}
	for loanID := range m.closed {
		var l app.Loan
		db.View(func(tx app.Tx) error { _, err := tx.Get(app.CollLoans, loanID, &l); return err })
		if l.ID != loanID || l.Open() {
			t.Fatalf("round %d: acknowledged return of loan %s is lost", round, loanID)
		}
	}
	for card, phone := range m.phone {
		r, err := lib.ReaderByCard(card)
		if err != nil {
			t.Fatal(err)
		}
		if r.Phone != phone {
			// A later, unacknowledged edit may have landed; it must be
			// one the child made, i.e. a well-formed number.
			if len(r.Phone) != 11 {
				t.Fatalf("round %d: reader %s phone %q, acknowledged %q", round, card, r.Phone, phone)
			}
		}
	}
	for _, id := range m.titles {
		if _, err := lib.Title(id); err != nil {
			t.Fatalf("round %d: acknowledged title %s lost: %v", round, id, err)
		}
	}
	// Nothing half-written: the records are exactly what the event log says.
	hash := func() string {
		h, err := app.StoreStateHash(db)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := hash()
	if err := lib.Rebuild(); err != nil {
		t.Fatalf("round %d: replaying the log: %v", round, err)
	}
	if after := hash(); after != before {
		t.Fatalf("round %d: records disagree with the event log after a crash", round)
	}
}

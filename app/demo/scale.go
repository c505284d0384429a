package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/circa-library/circa/app"
)

// ScaleOptions size the scale library that benchmarks run on.
type ScaleOptions struct {
	Titles  int
	Copies  int
	Readers int
	// PastLoans are returned loans spread over the last two years.
	PastLoans int
	Seed      uint64
	// Now ends the history.
	Now time.Time
	// Progress, when set, hears how far the load is (0..1).
	Progress func(float64)
}

// FullScale is the library of the speed targets; SmallScale is ten
// times smaller, for a quick run.
var (
	FullScale  = ScaleOptions{Titles: 200_000, Copies: 1_000_000, Readers: 100_000, PastLoans: 5_000_000, Seed: 1}
	SmallScale = ScaleOptions{Titles: 20_000, Copies: 100_000, Readers: 10_000, PastLoans: 500_000, Seed: 1}
)

// Writer takes records and events at bulk speed (storage.BulkWriter).
type Writer interface {
	Put(app.Record) error
	// PutEncoded is Put of a record already encoded as json.Marshal does.
	PutEncoded(r app.Record, raw []byte) error
	AppendEvent(*app.Event) error
}

// loansPerEvent is how many past loans one history.imported event carries.
const loansPerEvent = 2000

// ScaleResult says what Scale wrote, so benchmarks can pick real keys.
type ScaleResult struct {
	LastHLC  app.HLC
	Barcodes func(i int) string
	Cards    func(i int) string
	Events   uint64
}

// CopyBarcode and ReaderCard are the keys the scale library uses.
func CopyBarcode(i int) string { return fmt.Sprintf("S%08d", i) }

// ReaderCard is the card number of scale reader i.
func ReaderCard(i int) string { return fmt.Sprintf("C%07d", i) }

// Scale writes the scale library through w: card types and rules, titles,
// copies and readers as record.created events, and the past loans as
// history.imported events, all stamped by station. Every record comes from
// an event, so the library can sync and be replayed like any other.
func Scale(w Writer, station string, opts ScaleOptions) (ScaleResult, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(float64) {}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 7))
	start := opts.Now.AddDate(-2, 0, 0)
	hlc := app.MakeHLC(start, 0)
	var seq uint64
	eventID := func() string {
		seq++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", station, seq)))
		return hex.EncodeToString(sum[:16])
	}
	recordID := func(kind string, i int) string {
		return fmt.Sprintf("%s-%09d", kind, i)
	}
	put := func(r app.Record) error {
		hlc++
		id := eventID()
		ev, raw, err := app.NewRecordEventEncoded(id, station, seq, hlc, r)
		if err != nil {
			return err
		}
		if err := w.AppendEvent(ev); err != nil {
			return err
		}
		return w.PutEncoded(r, raw)
	}
	total := float64(opts.Titles + opts.Copies + opts.Readers + opts.PastLoans)
	done := 0
	tick := func(n int) {
		done += n
		if done%50000 < n {
			progress(float64(done) / total)
		}
	}

	for _, ct := range DefaultCardTypesForScale() {
		if err := put(ct); err != nil {
			return ScaleResult{}, err
		}
	}
	for i, r := range app.DefaultRules {
		rule := r
		rule.Meta = app.Meta{ID: recordID("rule", i)}
		if err := put(&rule); err != nil {
			return ScaleResult{}, err
		}
	}
	titleIDs := make([]string, opts.Titles)
	for i := 0; i < opts.Titles; i++ {
		t := scaleTitle(rng, i)
		t.ID = recordID("title", i)
		titleIDs[i] = t.ID
		if err := put(t); err != nil {
			return ScaleResult{}, err
		}
		tick(1)
	}
	items := []app.ItemType{app.ItemBook, app.ItemBook, app.ItemBook, app.ItemBook, app.ItemMagazine, app.ItemAV}
	copyTitle := make([]int32, opts.Copies)
	for i := 0; i < opts.Copies; i++ {
		ti := i % max(opts.Titles, 1)
		if i >= opts.Titles {
			ti = rng.IntN(max(opts.Titles, 1))
		}
		copyTitle[i] = int32(ti)
		c := &app.Copy{Meta: app.Meta{ID: recordID("copy", i)}, Barcode: CopyBarcode(i), TitleID: titleIDs[ti],
			ItemType: items[rng.IntN(len(items))], Location: "Main", Status: app.CopyAvailable, Price: app.Money(1000 + rng.IntN(9000))}
		if err := put(c); err != nil {
			return ScaleResult{}, err
		}
		tick(1)
	}
	types := []string{"STU", "STU", "STU", "STU", "REG", "TEA", "VIP"}
	readerType := make([]string, opts.Readers)
	readerClass := make([]string, opts.Readers)
	for i := 0; i < opts.Readers; i++ {
		ct := types[rng.IntN(len(types))]
		r := &app.Reader{Meta: app.Meta{ID: recordID("reader", i)}, Card: ReaderCard(i), CardType: ct,
			Status: app.ReaderActive, History: app.HistoryKeep, Expiry: app.DateOf(opts.Now.AddDate(1, 0, 0), time.UTC),
			Name: string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]}
		if ct == "STU" {
			g := grades[rng.IntN(len(grades))]
			r.Grade, r.Class = g, fmt.Sprintf("%s%d班", g, 1+rng.IntN(8))
		}
		readerType[i], readerClass[i] = ct, r.Class
		if err := put(r); err != nil {
			return ScaleResult{}, err
		}
		tick(1)
	}

	// Past loans, in time order, as import events.
	span := opts.Now.Sub(start) - 30*24*time.Hour
	batch := make([]app.Loan, 0, loansPerEvent)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		hlc = max(hlc+1, app.MakeHLC(batch[len(batch)-1].Out, 0))
		id := eventID()
		ev, err := app.NewLoansImportedEvent(id, station, seq, hlc, batch)
		if err != nil {
			return err
		}
		if err := w.AppendEvent(ev); err != nil {
			return err
		}
		for i := range batch {
			if err := w.Put(&batch[i]); err != nil {
				return err
			}
		}
		tick(len(batch))
		batch = batch[:0]
		return nil
	}
	for i := 0; i < opts.PastLoans; i++ {
		out := start.Add(time.Duration(float64(span) * float64(i) / float64(max(opts.PastLoans, 1))))
		out = out.Add(time.Duration(8+rng.IntN(9)) * time.Hour)
		ci, ri := rng.IntN(max(opts.Copies, 1)), rng.IntN(max(opts.Readers, 1))
		back := out.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
		loan := app.Loan{Meta: app.Meta{ID: recordID("loan", i)}, CopyID: recordID("copy", ci),
			TitleID: titleIDs[copyTitle[ci]], ReaderID: recordID("reader", ri), Out: out.UTC(),
			Due: app.DateOf(out.AddDate(0, 0, 21), time.UTC), Returned: &back, CardType: readerType[ri],
			Class: readerClass[ri], ItemType: app.ItemBook, Station: station}
		batch = append(batch, loan)
		if len(batch) == loansPerEvent {
			if err := flush(); err != nil {
				return ScaleResult{}, err
			}
		}
	}
	if err := flush(); err != nil {
		return ScaleResult{}, err
	}
	progress(1)
	return ScaleResult{LastHLC: hlc, Barcodes: CopyBarcode, Cards: ReaderCard, Events: seq}, nil
}

// DefaultCardTypesForScale returns the default card types as records.
func DefaultCardTypesForScale() []*app.CardType {
	var out []*app.CardType
	for i, in := range app.DefaultCardTypes {
		out = append(out, &app.CardType{Meta: app.Meta{ID: fmt.Sprintf("cardtype-%09d", i)}, Code: in.Code,
			Name: in.Name, NameEN: in.NameEN, ValidDays: in.ValidDays, RequirePIN: in.RequirePIN})
	}
	return out
}

var titleWords = strings.Fields("history garden river winter mountain secret journey music science ocean star city dragon " +
	"letters island light shadow children stone forest bird machine dream silver road house fire memory")

var titleChars = []rune("山水风云花月春秋江河海天地人心梦书诗歌光影城乡家国星辰草木鸟鱼龙凤雪雨田园故事小说科学历史音乐旅行少年童话世界时间")

func scaleTitle(rng *rand.Rand, i int) *app.Title {
	t := &app.Title{Year: fmt.Sprint(1950 + rng.IntN(76))}
	if i%3 == 0 {
		n := 2 + rng.IntN(3)
		words := make([]string, n)
		for j := range words {
			words[j] = titleWords[rng.IntN(len(titleWords))]
		}
		t.Title = strings.Join(words, " ") + fmt.Sprintf(" %d", i)
		t.Authors = []string{englishNames[rng.IntN(len(englishNames))]}
		t.Language = "eng"
		t.Dewey = fmt.Sprintf("%03d", rng.IntN(1000))
	} else {
		n := 3 + rng.IntN(5)
		rs := make([]rune, n)
		for j := range rs {
			rs[j] = titleChars[rng.IntN(len(titleChars))]
		}
		t.Title = string(rs)
		t.Authors = []string{string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]}
		t.Language = "chi"
		t.CLC = string(rune('A'+rng.IntN(26))) + fmt.Sprint(rng.IntN(900))
	}
	body := fmt.Sprintf("978790%06d", i%1_000_000)
	sum := 0
	for k, c := range body {
		v := int(c - '0')
		if k%2 == 1 {
			v *= 3
		}
		sum += v
	}
	t.ISBNs = []string{body + fmt.Sprint((10-sum%10)%10)}
	return t
}

package app

import "strconv"

// LeaveFeedback stores a reader's rating (1–5) and comment from the kiosk.
// It names no reader: feedback is anonymous.
func (l *Library) LeaveFeedback(actor Actor, rating int, comment string) error {
	if err := require(actor, PermSelfService); err != nil {
		return err
	}
	if rating < 1 || rating > 5 {
		return Refuse(ReasonInvalidInput, "field", "rating")
	}
	comment, err := checkText("comment", comment, false, 2000)
	if err != nil {
		return err
	}
	f := &Feedback{Meta: Meta{ID: l.NewID()}, Rating: rating, Comment: comment,
		At: l.clock.Now().UTC(), Station: l.station}
	return l.update(func(tx Tx) error { return l.createRecord(tx, actor, f) })
}

// FeedbackSummary is what staff see of the kiosk feedback.
type FeedbackSummary struct {
	// Counts[r] is how many readers gave rating r (1–5).
	Counts  [6]int
	Total   int
	Average float64
	// Entries are the feedback, newest first.
	Entries []*Feedback
}

// FeedbackList returns the kiosk feedback with counts per rating.
func (l *Library) FeedbackList(actor Actor) (*FeedbackSummary, error) {
	if err := require(actor, PermCirculate); err != nil {
		return nil, err
	}
	all, err := listAll[Feedback](l, CollFeedback)
	if err != nil {
		return nil, err
	}
	s := &FeedbackSummary{}
	sum := 0
	for i := len(all) - 1; i >= 0; i-- {
		f := all[i]
		if f.Rating >= 1 && f.Rating <= 5 {
			s.Counts[f.Rating]++
			sum += f.Rating
			s.Total++
		}
		s.Entries = append(s.Entries, f)
	}
	if s.Total > 0 {
		s.Average, _ = strconv.ParseFloat(strconv.FormatFloat(float64(sum)/float64(s.Total), 'f', 2, 64), 64)
	}
	return s, nil
}

// MetaKioskMode, when "1", makes this station start as a self-service kiosk
// (station-local; an admin switches it in settings).
const MetaKioskMode = "local/kiosk_mode"

// SetKioskMode makes this station start as a kiosk, or as a desk again.
func (l *Library) SetKioskMode(actor Actor, on bool) error {
	if err := require(actor, PermSettings); err != nil {
		return err
	}
	v := []byte("0")
	if on {
		v = []byte("1")
	}
	if err := l.store.Update(func(tx Tx) error { return tx.SetMeta(MetaKioskMode, v) }); err != nil {
		return err
	}
	return l.Audit(actor, "kiosk_mode", map[string]string{"on": string(v)})
}

// KioskMode reports whether this station starts as a kiosk.
func (l *Library) KioskMode() bool {
	var on bool
	_ = l.store.View(func(tx Tx) error {
		v, err := tx.Meta(MetaKioskMode)
		on = string(v) == "1"
		return err
	})
	return on
}

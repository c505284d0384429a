package app

import (
	"sort"
	"strings"
)

// Grades is a school's order of grades, lowest first. A class name that
// contains a grade's name ("三年级2班", "Grade 3 B") moves to the next one
// at promotion; the last grade graduates.
type Grades []string

// DefaultGrades are the grades of a Chinese primary school, then English
// names.
var DefaultGrades = Grades{"一年级", "二年级", "三年级", "四年级", "五年级", "六年级"}

// PromotionLine is what promotion does to one reader.
type PromotionLine struct {
	Reader    *Reader
	FromClass string
	ToClass   string
	ToGrade   string
	Graduates bool
	// Keeps says why a graduate cannot be archived yet (loans or money
	// owed); their card still expires.
	Keeps Reason
}

// gradeOf finds the grade a class belongs to: the longest grade name in it.
func (g Grades) gradeOf(class string) int {
	best, bestLen := -1, 0
	for i, name := range g {
		if name != "" && strings.Contains(class, name) && len(name) > bestLen {
			best, bestLen = i, len(name)
		}
	}
	return best
}

// PreviewPromotion shows what promoting every class would do, changing
// nothing.
func (l *Library) PreviewPromotion(grades Grades) ([]PromotionLine, error) {
	var out []PromotionLine
	err := l.view(func(tx Tx) error {
		var err error
		out, err = promotionPlan(tx, grades)
		return err
	})
	return out, err
}

func promotionPlan(tx Tx, grades Grades) ([]PromotionLine, error) {
	var out []PromotionLine
	err := tx.Scan(IdxReaderClass, "", "", func(class, id string) error {
		gi := grades.gradeOf(class)
		if gi < 0 {
			return nil
		}
		r, err := getRecord[Reader](tx, CollReaders, id, ReasonUnknownReader)
		if err != nil {
			return err
		}
		if r.Status == ReaderArchived {
			return nil
		}
		line := PromotionLine{Reader: r, FromClass: class}
		if gi == len(grades)-1 {
			line.Graduates = true
			if reason, err := owesTx(tx, r.ID); err != nil {
				return err
			} else {
				line.Keeps = reason
			}
		} else {
			line.ToGrade = grades[gi+1]
			line.ToClass = strings.Replace(class, grades[gi], grades[gi+1], 1)
		}
		out = append(out, line)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].FromClass < out[j].FromClass })
	return out, err
}

// owesTx says whether a reader still has loans or money owed.
func owesTx(tx Tx, readerID string) (Reason, error) {
	open, err := tx.Lookup(IdxLoanOpenReader, readerID)
	if err != nil {
		return "", err
	}
	if len(open) > 0 {
		return ReasonHasLoans, nil
	}
	owed, err := outstandingTx(tx, readerID)
	if err != nil {
		return "", err
	}
	if owed > 0 {
		return ReasonOwesSomething, nil
	}
	return "", nil
}

// Promote moves every class up a grade as PreviewPromotion showed, in one
// transaction. Graduates' cards expire today; those who owe nothing are
// archived. It returns the plan it carried out.
func (l *Library) Promote(actor Actor, grades Grades) ([]PromotionLine, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return nil, err
	}
	var plan []PromotionLine
	err := l.update(func(tx Tx) error {
		var err error
		if plan, err = promotionPlan(tx, grades); err != nil {
			return err
		}
		for _, line := range plan {
			old := line.Reader
			upd := *old
			if line.Graduates {
				upd.Expiry = l.Today().AddDays(-1)
				if line.Keeps == "" {
					upd.Status = ReaderArchived
				}
			} else {
				upd.Class, upd.Grade = line.ToClass, line.ToGrade
			}
			if err := l.updateRecord(tx, actor, old, &upd); err != nil {
				return err
			}
		}
		return nil
	})
	return plan, err
}

// GraduateClass ends a class: every card expires today and readers who owe
// nothing are archived. It returns the readers kept (still owing).
func (l *Library) GraduateClass(actor Actor, class string) ([]PromotionLine, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return nil, err
	}
	var lines []PromotionLine
	err := l.update(func(tx Tx) error {
		ids, err := tx.Lookup(IdxReaderClass, class)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := getRecord[Reader](tx, CollReaders, id, ReasonUnknownReader)
			if err != nil {
				return err
			}
			reason, err := owesTx(tx, id)
			if err != nil {
				return err
			}
			upd := *r
			upd.Expiry = l.Today().AddDays(-1)
			if reason == "" {
				upd.Status = ReaderArchived
			}
			lines = append(lines, PromotionLine{Reader: r, FromClass: class, Graduates: true, Keeps: reason})
			if err := l.updateRecord(tx, actor, r, &upd); err != nil {
				return err
			}
		}
		return nil
	})
	return lines, err
}

// ArchiveReader takes a reader off the active list. Archiving is refused
// while they have books or owe money; readers are never deleted.
func (l *Library) ArchiveReader(actor Actor, id string) (*Reader, error) {
	return l.editReader(actor, PermEditReaders, id, func(tx Tx, r *Reader) error {
		reason, err := owesTx(tx, id)
		if err != nil {
			return err
		}
		if reason != "" {
			return Refuse(reason, "reader", r.Name)
		}
		r.Status = ReaderArchived
		return nil
	})
}

// ReaderClasses lists the classes that have readers, with how many.
func (l *Library) ReaderClasses() (map[string]int, error) {
	out := map[string]int{}
	err := l.view(func(tx Tx) error {
		return tx.Scan(IdxReaderClass, "", "", func(class, id string) error {
			out[class]++
			return nil
		})
	})
	return out, err
}

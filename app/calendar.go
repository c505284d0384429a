package app

// AddClosedDay marks a day the library is shut.
func (l *Library) AddClosedDay(actor Actor, day Date, reason string) error {
	if err := require(actor, PermSettings); err != nil {
		return err
	}
	if _, err := ParseDate(string(day)); err != nil {
		return err
	}
	reason, err := checkText("reason", reason, false, maxShortField)
	if err != nil {
		return err
	}
	return l.update(func(tx Tx) error {
		id, err := lookupOne(tx, IdxClosedDay, string(day))
		if err != nil || id != "" {
			return err
		}
		return l.createRecord(tx, actor, &ClosedDay{Meta: Meta{ID: l.NewID()}, Day: day, Reason: reason})
	})
}

// RemoveClosedDay opens a day again.
func (l *Library) RemoveClosedDay(actor Actor, day Date) error {
	if err := require(actor, PermSettings); err != nil {
		return err
	}
	return l.update(func(tx Tx) error {
		id, err := lookupOne(tx, IdxClosedDay, string(day))
		if err != nil || id == "" {
			return err
		}
		_, err = l.commit(tx, actor, EvRecordDeleted, RecordDeleted{Collection: CollClosedDays, ID: id})
		return err
	})
}

// ClosedDays lists the closed days in order.
func (l *Library) ClosedDays() ([]*ClosedDay, error) {
	var out []*ClosedDay
	err := l.view(func(tx Tx) error {
		return tx.Scan(IdxClosedDay, "", "", func(key, id string) error {
			d, err := getRecord[ClosedDay](tx, CollClosedDays, id, ReasonInvalidDate)
			if err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// isClosed reports whether the library is shut on day.
func isClosed(tx Tx, day Date) (bool, error) {
	id, err := lookupOne(tx, IdxClosedDay, string(day))
	return id != "", err
}

// maxClosedRun bounds the search for an open day, so a calendar closed for
// years cannot hang a check-out.
const maxClosedRun = 366

// nextOpenDay returns day, or the first day after it the library is open.
func nextOpenDay(tx Tx, day Date) (Date, error) {
	for i := 0; i < maxClosedRun; i++ {
		closed, err := isClosed(tx, day)
		if err != nil {
			return "", err
		}
		if !closed {
			return day, nil
		}
		day = day.AddDays(1)
	}
	return day, nil
}

package app

import (
	"strconv"

	"github.com/cockroachdb/errors"
)

// Setting names. Settings are library-wide and sync like any record.
const (
	SettingLibraryName    = "library.name"
	SettingLibraryAddress = "library.address"
	SettingLibraryPhone   = "library.phone"
	SettingCardPrefix     = "cards.prefix"
	SettingCardNext       = "cards.next"
	SettingCardDigits     = "cards.digits"
	SettingRetentionDays  = "privacy.retention_days"
	SettingBlockThreshold = "fines.block_threshold"
	SettingLostCharge     = "fines.lost_charge"
	SettingDamagedCharge  = "fines.damaged_charge"
	SettingCurrency       = "money.currency"
)

// Setting returns a setting's value, or def when it is not set.
func (l *Library) Setting(name, def string) (string, error) {
	var v string
	err := l.view(func(tx Tx) error {
		var err error
		v, err = settingTx(tx, name, def)
		return err
	})
	return v, err
}

func settingTx(tx Tx, name, def string) (string, error) {
	var s Setting
	found, err := tx.Get(CollSettings, name, &s)
	if err != nil {
		return "", errors.Wrapf(err, "reading setting %s", name)
	}
	if !found || s.Deleted {
		return def, nil
	}
	return s.Value, nil
}

func settingIntTx(tx Tx, name string, def int64) (int64, error) {
	v, err := settingTx(tx, name, "")
	if err != nil || v == "" {
		return def, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return def, nil
	}
	return n, nil
}

// SetSetting changes a setting. Every change is in the audit log (the event).
func (l *Library) SetSetting(actor Actor, name, value string) error {
	if err := require(actor, PermSettings); err != nil {
		return err
	}
	value, err := checkText(name, value, false, maxLongField)
	if err != nil {
		return err
	}
	if name == SettingTimeZone && value != "" {
		loc, err := LoadZone(value)
		if err != nil {
			return err
		}
		value = loc.String()
	}
	return l.update(func(tx Tx) error { return l.setSettingTx(tx, actor, name, value) })
}

func (l *Library) setSettingTx(tx Tx, actor Actor, name, value string) error {
	var old Setting
	found, err := tx.Get(CollSettings, name, &old)
	if err != nil {
		return err
	}
	if !found {
		return l.createRecord(tx, actor, &Setting{Meta: Meta{ID: name}, Value: value})
	}
	upd := old
	upd.Value, upd.Deleted = value, false
	return l.updateRecord(tx, actor, &old, &upd)
}

// NextCardNumber takes the next card number from the configured range
// (prefix + zero-padded counter), skipping numbers already in use.
func (l *Library) NextCardNumber(actor Actor) (string, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return "", err
	}
	var card string
	err := l.update(func(tx Tx) error {
		prefix, err := settingTx(tx, SettingCardPrefix, "R")
		if err != nil {
			return err
		}
		next, err := settingIntTx(tx, SettingCardNext, 1)
		if err != nil {
			return err
		}
		digits, err := settingIntTx(tx, SettingCardDigits, 6)
		if err != nil {
			return err
		}
		for i := 0; i < 100000; i++ {
			card = prefix + zeroPad(next, int(digits))
			next++
			id, err := lookupOne(tx, IdxReaderCard, NormalizeBarcode(card))
			if err != nil {
				return err
			}
			if id == "" {
				break
			}
		}
		return l.setSettingTx(tx, actor, SettingCardNext, strconv.FormatInt(next, 10))
	})
	return card, err
}

func zeroPad(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

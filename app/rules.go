package app

import (
	"github.com/cockroachdb/errors"
)

// CardTypeInput is what a person fills in for a card type.
type CardTypeInput struct {
	Code       string
	Name       string
	NameEN     string
	ValidDays  int
	RequirePIN bool
	MaxFines   Money
}

// SaveCardType creates a card type or changes the one with the same code.
func (l *Library) SaveCardType(actor Actor, in CardTypeInput) (*CardType, error) {
	if err := require(actor, PermSettings); err != nil {
		return nil, err
	}
	code, err := checkText("code", in.Code, true, 30)
	if err != nil {
		return nil, err
	}
	name, err := checkText("name", in.Name, true, 100)
	if err != nil {
		return nil, err
	}
	nameEN, err := checkText("name_en", in.NameEN, false, 100)
	if err != nil {
		return nil, err
	}
	if in.ValidDays < 0 || in.MaxFines < 0 {
		return nil, Refuse(ReasonInvalidInput, "field", "valid_days")
	}
	var id string
	err = l.update(func(tx Tx) error {
		ct := &CardType{Code: code, Name: name, NameEN: nameEN, ValidDays: in.ValidDays,
			RequirePIN: in.RequirePIN, MaxFines: in.MaxFines}
		old, err := cardTypeByCode(tx, code)
		if errors.Is(err, ErrNotFound) {
			ct.ID = l.NewID()
			id = ct.ID
			return l.createRecord(tx, actor, ct)
		}
		if err != nil {
			return err
		}
		id = old.ID
		ct.Meta = old.Meta
		return l.updateRecord(tx, actor, old, ct)
	})
	if err != nil {
		return nil, err
	}
	var ct *CardType
	err = l.view(func(tx Tx) error {
		ct, err = getRecord[CardType](tx, CollCardTypes, id, ReasonUnknownCardType)
		return err
	})
	return ct, err
}

func cardTypeByCode(tx Tx, code string) (*CardType, error) {
	id, err := lookupOne(tx, IdxCardTypeCode, code)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, Refuse(ReasonUnknownCardType, "code", code)
	}
	return getRecord[CardType](tx, CollCardTypes, id, ReasonUnknownCardType)
}

// CardTypes lists the card types.
func (l *Library) CardTypes() ([]*CardType, error) {
	return listAll[CardType](l, CollCardTypes)
}

// Rules lists every cell of the rules matrix.
func (l *Library) Rules() ([]*Rule, error) {
	return listAll[Rule](l, CollRules)
}

// listAll returns every live record of a collection.
func listAll[T any, P interface {
	*T
	Record
	deleted() bool
}](l *Library, c Collection) ([]P, error) {
	var out []P
	err := l.view(func(tx Tx) error {
		var err error
		out, err = listAllTx[T, P](tx, c)
		return err
	})
	return out, err
}

func listAllTx[T any, P interface {
	*T
	Record
	deleted() bool
}](tx Tx, c Collection) ([]P, error) {
	var out []P
	err := tx.ForEach(c, func(id string, raw []byte) error {
		var v T
		p := P(&v)
		if found, err := tx.Get(c, id, p); err != nil || !found {
			return err
		}
		if !p.deleted() {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// SaveRule creates or changes one cell of the rules matrix. Empty card type
// and item type make the default cell, which must always exist.
func (l *Library) SaveRule(actor Actor, r Rule) (*Rule, error) {
	if err := require(actor, PermSettings); err != nil {
		return nil, err
	}
	if r.LoanDays < 0 || r.Renewals < 0 || r.RenewalDays < 0 || r.MaxLoans < 0 || r.MaxHolds < 0 ||
		r.FinePerDay < 0 || r.FineCap < 0 || r.GraceDays < 0 || r.SuspensionDays < 0 ||
		r.RenewOverdueDays < 0 || r.PickupDays < 0 {
		return nil, Refuse(ReasonInvalidInput, "field", "rule")
	}
	var id string
	err := l.update(func(tx Tx) error {
		if r.CardType != "" {
			if _, err := cardTypeByCode(tx, r.CardType); err != nil {
				return err
			}
		}
		cell := RuleCellKey(r.CardType, r.ItemType)
		oldID, err := lookupOne(tx, IdxRuleCell, cell)
		if err != nil {
			return err
		}
		if oldID == "" {
			r.Meta = Meta{ID: l.NewID()}
			id = r.ID
			return l.createRecord(tx, actor, &r)
		}
		old, err := getRecord[Rule](tx, CollRules, oldID, ReasonInvalidInput)
		if err != nil {
			return err
		}
		id = oldID
		r.Meta = old.Meta
		return l.updateRecord(tx, actor, old, &r)
	})
	if err != nil {
		return nil, err
	}
	var out *Rule
	err = l.view(func(tx Tx) error {
		out, err = getRecord[Rule](tx, CollRules, id, ReasonInvalidInput)
		return err
	})
	return out, err
}

// DeleteRule removes a cell of the matrix; the default cell stays.
func (l *Library) DeleteRule(actor Actor, cardType string, item ItemType) error {
	if err := require(actor, PermSettings); err != nil {
		return err
	}
	if cardType == "" && item == "" {
		return Refuse(ReasonNoDefaultRule)
	}
	return l.update(func(tx Tx) error {
		id, err := lookupOne(tx, IdxRuleCell, RuleCellKey(cardType, item))
		if err != nil || id == "" {
			return err
		}
		_, err = l.commit(tx, actor, EvRecordDeleted, RecordDeleted{Collection: CollRules, ID: id})
		return err
	})
}

// ResolveRule finds the rule for a card type and an item type, most specific
// cell first: both, card type only, item type only, then the default.
func ResolveRule(tx Tx, cardType string, item ItemType) (*Rule, error) {
	for _, cell := range []string{
		RuleCellKey(cardType, item),
		RuleCellKey(cardType, ""),
		RuleCellKey("", item),
		RuleCellKey("", ""),
	} {
		id, err := lookupOne(tx, IdxRuleCell, cell)
		if err != nil {
			return nil, err
		}
		if id == "" {
			continue
		}
		return getRecord[Rule](tx, CollRules, id, ReasonNoDefaultRule)
	}
	return nil, Refuse(ReasonNoDefaultRule)
}

// RuleFor resolves the rule for a card type and item type.
func (l *Library) RuleFor(cardType string, item ItemType) (*Rule, error) {
	var r *Rule
	err := l.view(func(tx Tx) error {
		var err error
		r, err = ResolveRule(tx, cardType, item)
		return err
	})
	return r, err
}

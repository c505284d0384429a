package app

// ruleMemo remembers the rules and card types that one transaction resolved
// while it replays events (a sync batch, a rebuild): a run of loans
// resolves the same few again and again, each a handful of index lookups
// and a decode, which was a fifth of replaying a check-out. Only record
// events change rules and card types, so replay forgets what it remembered
// after every event that is not a loan going out, coming back or renewed:
// what it holds was resolved since the last event that could change it.
type ruleMemo struct {
	tx    Tx
	rules map[ruleKey]*Rule
	cards map[string]*CardType
}

type ruleKey struct {
	cardType string
	item     ItemType
}

// rememberRules runs fn with a ruleMemo for tx, in the goroutine that owns
// tx; other transactions, and other goroutines, go on resolving afresh.
func (l *Library) rememberRules(tx Tx, fn func() error) error {
	m := &ruleMemo{tx: tx}
	l.memo.Store(m)
	defer l.memo.CompareAndSwap(m, nil)
	return fn()
}

// memoFor returns the ruleMemo of tx, nil when tx has none.
func (l *Library) memoFor(tx Tx) *ruleMemo {
	if m := l.memo.Load(); m != nil && m.tx == tx {
		return m
	}
	return nil
}

// forgetRules empties the ruleMemo of tx, if any, after an event of kind
// that may have changed rules or card types.
func (l *Library) forgetRules(tx Tx, kind EventKind) {
	switch kind {
	case EvCheckout, EvCheckin, EvRenew:
		return
	}
	if m := l.memoFor(tx); m != nil {
		m.rules, m.cards = nil, nil
	}
}

// rule is ResolveRule, remembered while tx replays events. The caller gets
// its own copy.
func (l *Library) rule(tx Tx, cardType string, item ItemType) (*Rule, error) {
	resolve := func() (*Rule, error) { return ResolveRule(tx, cardType, item) }
	if m := l.memoFor(tx); m != nil {
		return remembered(&m.rules, ruleKey{cardType, item}, resolve)
	}
	return resolve()
}

// cardType is cardTypeByCode, remembered while tx replays events. The
// caller gets its own copy.
func (l *Library) cardType(tx Tx, code string) (*CardType, error) {
	resolve := func() (*CardType, error) { return cardTypeByCode(tx, code) }
	if m := l.memoFor(tx); m != nil {
		return remembered(&m.cards, code, resolve)
	}
	return resolve()
}

// remembered returns a copy of (*at)[k], resolving it first and keeping a
// copy when it is not there. Failures are not kept.
func remembered[K comparable, V any](at *map[K]*V, k K, resolve func() (*V, error)) (*V, error) {
	if v := (*at)[k]; v != nil {
		c := *v
		return &c, nil
	}
	v, err := resolve()
	if err != nil {
		return nil, err
	}
	if *at == nil {
		*at = map[K]*V{}
	}
	kept := *v
	(*at)[k] = &kept
	return v, nil
}

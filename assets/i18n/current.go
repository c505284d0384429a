package i18n

import (
	"sync"
	"sync/atomic"
)

var (
	current atomic.Pointer[Catalogue]

	listenersMu sync.Mutex
	listeners   = map[int]func(Lang){}
	nextID      int
)

func init() { current.Store(New(Detect())) }

// Current returns the catalogue in use, initially the one for Detect().
func Current() *Catalogue { return current.Load() }

// T translates key with the current catalogue; see Catalogue.T.
func T(key string, args ...any) string { return Current().T(key, args...) }

// SetLang switches the current catalogue and, if the language changed, calls
// every OnChange listener on the caller's goroutine (a UI listener that touches
// widgets from elsewhere must hop to its UI thread itself).
func SetLang(l Lang) {
	next := New(l)
	if prev := current.Swap(next); prev.Lang() == next.Lang() {
		return
	}
	listenersMu.Lock()
	fns := make([]func(Lang), 0, len(listeners))
	for id := 0; id < nextID; id++ {
		if fn, ok := listeners[id]; ok {
			fns = append(fns, fn)
		}
	}
	listenersMu.Unlock()
	for _, fn := range fns {
		fn(next.Lang())
	}
}

// OnChange registers fn to be called with the new language after each
// SetLang that changes it, in registration order. Call the returned function
// when the screen that registered fn goes away.
func OnChange(fn func(Lang)) (remove func()) {
	listenersMu.Lock()
	defer listenersMu.Unlock()
	id := nextID
	nextID++
	listeners[id] = fn
	return func() {
		listenersMu.Lock()
		defer listenersMu.Unlock()
		delete(listeners, id)
	}
}

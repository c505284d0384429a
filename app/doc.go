// Package app is Circa's domain: the catalogue, readers, card types and their
// rules, circulation, holds, fines, the calendar, staff and the event log.
//
// Nothing here knows about Fyne or bbolt. State lives behind the small Store
// interface (see store.go); the storage package implements it on bbolt and in
// memory. Every change is made the same way: a command checks the rules
// against the current state, builds an Event, and commit appends the event
// and applies it in one transaction. Applying is the only code that mutates
// records, so a change without its event, or an event without its change,
// cannot exist, and sync replays remote events through exactly the same code.
//
// Time, randomness and the station identity are injected (Clock, io.Reader,
// station ID), so every workflow runs in tests with a fake clock.
package app

// Package crashtest proves Circa's crash safety: its test starts the
// library in a child process doing check-outs, check-ins, edits and
// imports, kills it with SIGKILL at random moments, reopens the file and
// checks that every acknowledged change is there, nothing half-written is,
// the indexes agree with the records, and replaying the event log gives the
// same state hash.
package crashtest

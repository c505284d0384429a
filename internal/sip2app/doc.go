// Package sip2app connects Circa's library to the SIP2 server: Backend
// answers self-check units through the same rules, audit log and event log
// as the desk; Accounts keeps the terminals' logins as library settings, so
// they sync to every station; Config and Start run the server on a station
// that has it switched on.
//
// Every request acts as the self-service actor "sip2:" + the account's user
// ID with the kiosk role, so a loan made at a self-check unit reads in the
// audit log as "sip2:kiosk1" and follows the self-service column of the
// rules matrix. Two requests need more than the kiosk role may do, and get
// it only when an administrator has said so for that account: 37 (fee
// paid, the assistant role's take-payments permission, for a payment
// machine) and 01 (block patron, the block-readers permission, for a unit
// that keeps stolen cards). Both act as "sip2:" + user too, so the event
// log names the terminal; an 01 refused for want of that permission is
// still written to the audit log, because staff should hear of a card a
// machine thinks is stolen.
package sip2app

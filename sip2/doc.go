// Package sip2 lets self-check kiosks, return machines and other library
// systems talk to Circa over 3M's Standard Interchange Protocol, version
// 2.00: a message codec (Parse, Message.Format) and a TCP server (Server)
// that answers requests through a small Backend interface, which the
// circulation engine implements through an adapter. The package knows
// nothing of storage or of the user interface.
//
// # Wire format
//
// A message is one line of text ending in a carriage return. The server
// also accepts LF and CRLF and ends each answer the way the request ended.
//
//	11YN20261127    090000                  AOCIRCA|AAP1|ABI1|AY4AZF2AA
//	└┘└─────────── fixed-length fields ───┘└─ variable-length fields ─┘
//
// The first two characters are the command (11 = checkout). Fixed-length
// fields follow at set positions, without separators; they are ASCII and
// are read by position, as the specification lists them per command (the
// F… constants name them). Variable-length fields come after: a two-letter
// identifier, the value, and '|'. Fields may repeat (a patron's item
// lists) and keep their order; identifiers this package does not know,
// such as the CG/FA…FG fee details of GBV's Gossip server, are kept as
// they came and survive formatting.
//
// Dates are 18 characters, YYYYMMDDZZZZHHMMSS: ZZZZ is four blanks for
// local time or "   Z" for UTC; 18 blanks mean "no date" (FormatDate,
// ParseDate). Amounts are decimals, "2.50", with the currency in its own
// field (Money).
//
// # Error detection
//
// A terminal in error detection mode ends every message with a sequence
// number and a checksum: "AY" and one digit, then "AZ" and four hex
// digits, the 16-bit two's complement of the sum of all bytes from the
// start of the message up to and including "AZ". Parse verifies the
// checksum when there is one and reports ErrChecksum if it is wrong. The
// server answers each message with a checksum, and the same sequence
// number, when the request carried one; messages it cannot use (bad
// checksum, unknown command, cut short, longer than MaxMessageSize) get a
// 96, "please resend". A 97 from the terminal gets the last answer again,
// byte for byte.
//
// # Character sets
//
// SIP2 promises only ASCII. Text fields are carried in the Server's
// Charset: UTF-8 by default, GB18030 for Chinese terminals, or code page
// 850 for older European ones. Bytes that are not valid in the character
// set become U+FFFD; characters the wire cannot carry become '?'. The
// checksum is computed over the bytes as sent.
//
// # Messages
//
// Requests the server answers, with the answer in brackets:
//
//	93 login (94)               99 SC status (98)
//	23 patron status (24)       63 patron information (64), with the item
//	11 checkout (12)               lists AS, AT, AU, AV, BU, CD paged by BP/BQ
//	09 checkin (10)             29 renew (30)
//	65 renew all (66)           17 item information (18)
//	15 hold, modes + - * (16)   37 fee paid (38)
//	35 end patron session (36)  01 block patron (24)
//	25 patron enable (26)       19 item status update (20)
//	97 request ACS resend (the last answer)
//
// 25 and 19 reach the backend only if it implements PatronEnabler or
// ItemPropertiesUpdater; otherwise they are refused, and 98's list of
// supported messages (BX) says so. Parse and Format also handle every
// answer above, so tests and tools can play the terminal.
//
// # Sessions
//
// Each connection is a session of its own. It must log in with 93 before
// any circulation message, unless Accounts allows anonymous sessions;
// until then every request gets its normal answer with ok=0 and a screen
// message saying the terminal is not logged in. A wrong login is answered
// 940 and logged; after three the server hangs up, as it does after ten
// unusable messages in a row, after IdleTimeout without a complete
// message, and when Serve's context ends.
//
// # Refusals
//
// When the library says no (blocked card, item lent to someone else), the
// Backend returns a *Refusal whose message, in the patron's language, is
// shown on the kiosk screen (AF); the answer has ok=0. Other errors are
// faults: logged, and shown as ScreenText.Fault.
package sip2

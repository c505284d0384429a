// Package sync exchanges events between Circa stations: desks and the
// always-on hub (circa-hub). It is the one place that knows the wire.
//
// # Identity and trust
//
// Every station makes a self-signed certificate on first run (identity.go);
// its station ID is the lowercase hex SHA-256 of the certificate's DER, shown
// to people as 13 groups of base32 (FormatID) or its first two groups
// (ShortID). Stations pair explicitly: two desks each add the other's ID; a
// desk joins a hub with an invite code that carries the hub's address, its
// ID and a one-time secret (invite.go). Connections are mutual TLS 1.3 with
// no certificate authority: each side pins the other's ID in
// VerifyPeerCertificate, so an unpaired station is refused during the
// handshake. The only exception is a hub with open invites, which lets an
// unknown station reach the join endpoint and nothing else.
//
// # Exchange
//
// One session (Exchange) runs over any Remote:
//
//  1. hello: both sides send {station, database ID, vector, time}. The
//     vector is {station → highest seq held}; the time measures clock skew;
//     a changed database ID (a restored or replaced file) resets what this
//     side remembers of the peer, so the next steps start from the vectors
//     alone.
//  2. pull: the client asks for the events it lacks; the server answers
//     with a batch, in (hlc, station, seq) order so that the receiver seldom
//     has to rebuild. The client stores each batch and the peer's checkpoint
//     in one transaction (app.Library.StoreRemote), so an interrupted sync
//     resumes where it stopped and a repeated batch changes nothing. While
//     one batch is stored the next is already fetched and decoded: the
//     server sends each station's events as a run after what was asked, so
//     the client knows what it will hold before the batch is stored.
//  3. push: the same in the other direction.
//  4. the client replays its log if batches arrived out of order
//     (app.Library.RebuildIfStale).
//
// Over HTTP/2 (http.go) the endpoints are POST /circa/v1/hello, /pull,
// /push and /join. A batch travels as
//
//	"CIRCAB1\n" | raw DEFLATE( header JSON "\n" | one event JSON per line |
//	                          {"sha256": hex of every line before} "\n" )
//
// bounded in compressed and decompressed size and in events (wire.go),
// and compressed at DEFLATE's fastest level: about 58 bytes an event on the
// wire for a generated library, TLS and HTTP/2 included. The sender puts
// each event on its line as its log stores it, without decoding it; the
// receiver decodes and checks every line all the same, reading the form
// stations write directly and anything else with encoding/json, which gives
// the same event (envelope.go).
// Errors travel as {"error": code, "message": text}; errors.go maps codes to
// this package's sentinels in one table.
//
// # USB stick
//
// ExportBundle writes the events a peer lacks as one file signed with the
// station's key; ImportBundle checks the signer is paired and the signature
// holds, then applies the events exactly as a pull would (bundle.go).
//
// # Discovery
//
// Desks announce {station, port, instance} by UDP on the LAN (discovery.go).
// A beacon only suggests an address for a paired peer; TLS decides.
//
// The package name shadows the standard library's sync; import that one as
// gosync here and this one as circasync elsewhere.
package sync

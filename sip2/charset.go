package sip2

import (
	"strings"

	"github.com/cockroachdb/errors"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Charset is the character set of the bytes on the wire. SIP2 itself only
// promises ASCII; self-check units in the field speak UTF-8, GB18030 (China)
// or code page 850 (older European machines). The zero value is UTF-8.
type Charset string

// Character sets supported on the wire.
const (
	UTF8    Charset = "UTF-8"
	GB18030 Charset = "GB18030"
	CP850   Charset = "CP850"
)

// ErrUnknownCharset marks a Charset name this package does not know.
var ErrUnknownCharset = errors.New("sip2: unknown character set")

// Validate reports an error marked ErrUnknownCharset if c is not supported.
func (c Charset) Validate() error {
	_, err := c.encoding()
	return err
}

// encoding returns nil for UTF-8, which needs no transformation.
func (c Charset) encoding() (encoding.Encoding, error) {
	switch strings.ToUpper(strings.ReplaceAll(string(c), "-", "")) {
	case "", "UTF8":
		return nil, nil
	case "GB18030":
		return simplifiedchinese.GB18030, nil
	case "CP850", "IBM850":
		return charmap.CodePage850, nil
	}
	return nil, errors.Wrapf(ErrUnknownCharset, "%q", string(c))
}

// decode turns wire bytes into text. It never fails: bytes that are not valid
// in the character set become U+FFFD, so a garbled barcode still reaches the
// backend as something it can refuse with a clear message.
func (c Charset) decode(b []byte) (string, error) {
	enc, err := c.encoding()
	if err != nil {
		return "", err
	}
	if enc == nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders replace invalid input themselves; an error here
		// means a broken transformer, so fall back to something readable.
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	return strings.ToValidUTF8(string(s), "\uFFFD"), nil
}

// encode turns text into wire bytes. A character the wire cannot carry
// becomes '?', which is what a self-check printer would show anyway.
func (c Charset) encode(s string) ([]byte, error) {
	enc, err := c.encoding()
	if err != nil {
		return nil, err
	}
	if enc == nil {
		return []byte(strings.ToValidUTF8(s, "?")), nil
	}
	if b, err := enc.NewEncoder().Bytes([]byte(s)); err == nil {
		return b, nil
	}
	out := make([]byte, 0, len(s))
	e := enc.NewEncoder()
	for _, r := range s {
		b, err := e.Bytes([]byte(string(r)))
		if err != nil {
			out = append(out, '?')
			continue
		}
		out = append(out, b...)
	}
	return out, nil
}

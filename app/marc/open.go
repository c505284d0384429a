package marc

import (
	"bufio"
	"bytes"
	"io"
)

// utf8BOM is the byte order mark some Windows tools put before XML.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewAutoReader returns a RecordReader for r whatever its format: MARCXML
// when the input starts with "<" (after white space or a byte order mark),
// otherwise ISO 2709 with opts. Options.Encoding does not apply to XML.
func NewAutoReader(r io.Reader, opts Options) RecordReader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, utf8BOM)
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '<' {
		if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
			_, _ = br.Discard(3)
		}
		return NewXMLReader(br)
	}
	return NewReader(br, opts)
}

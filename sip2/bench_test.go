package sip2

import (
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	line := []byte(withChecksum("38Y20160429    212935AOTUHH|AA00180530690|BK00180530690-20160429-212934-954-257|BV2.00|CG81766|FA1.00|FB830$24602811|FC08.12.2014|FDStudentisches Wohnen in Baden-Wuerttemberg: Bestandsaufnahm|FE8|FFLeihfristberschreitung|FG1.00|", 3))
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Parse(line, UTF8)
	}
}

func BenchmarkFormat(b *testing.B) {
	m, err := Parse([]byte("64              00120261127    090000000000000002000000000000AOCIRCA|AAP1|AE王小明|BLY|AU830$28170815|AUI1|"), UTF8)
	if err != nil {
		b.Fatal(err)
	}
	m.Checksum = true
	for _, cs := range []Charset{UTF8, GB18030} {
		b.Run(string(cs), func(b *testing.B) {
			for b.Loop() {
				m.Format(cs)
			}
		})
	}
}

// BenchmarkCheckoutCheckin measures one checkout and one checkin over a
// real TCP connection to a server on 127.0.0.1 with the in-memory backend.
func BenchmarkCheckoutCheckin(b *testing.B) {
	ts := startServer(b, nil)
	c := ts.dial(b)
	c.login()
	const d = "20261127    090000"
	checkout := "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI2|"
	checkin := "09N" + d + d + "APdesk|AOCIRCA|ABI2|"
	for b.Loop() {
		if resp := c.send(checkout); !strings.HasPrefix(resp, "121") {
			b.Fatalf("checkout answered %q", resp)
		}
		if resp := c.send(checkin); !strings.HasPrefix(resp, "101") {
			b.Fatalf("checkin answered %q", resp)
		}
	}
}

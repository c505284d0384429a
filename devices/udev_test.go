package devices

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestUdevRules checks the shipped udev rule file line by line, since the
// build machines have no udevadm to verify it: every rule matches USB device
// nodes (where karalabe/hid's libusb opens scanners, not hidraw) and grants
// access through uaccess.
func TestUdevRules(t *testing.T) {
	f, err := os.Open("udev/70-circa-scanners.rules")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	token := regexp.MustCompile(`^(SUBSYSTEM|ATTR\{id(Vendor|Product)\}|ENV\{(DEVTYPE|ID_USB_INTERFACES)\}|TAG|MODE|GROUP)(==|\+=|=)"[^"]*"$`)
	vendor := regexp.MustCompile(`ATTR\{idVendor\}=="[0-9a-f]{4}"`)
	rules := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rules++
		for _, tok := range strings.Split(line, ", ") {
			if !token.MatchString(tok) {
				t.Errorf("line %d: unexpected token %q", n, tok)
			}
		}
		for _, must := range []string{`SUBSYSTEM=="usb"`, `ENV{DEVTYPE}=="usb_device"`, `TAG+="uaccess"`} {
			if !strings.Contains(line, must) {
				t.Errorf("line %d lacks %s", n, must)
			}
		}
		if !vendor.MatchString(line) {
			t.Errorf("line %d: no lower-case 4-digit idVendor", n)
		}
		if strings.Contains(line, "hidraw") {
			t.Errorf("line %d: karalabe/hid does not use hidraw", n)
		}
	}
	if rules < 5 {
		t.Errorf("%d active rules, want one per listed vendor", rules)
	}
}

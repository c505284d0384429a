package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/assets/i18n"
)

func TestSIP2Accounts(t *testing.T) {
	i18n.SetLang(i18n.English)
	data := filepath.Join(t.TempDir(), "lib")
	if r := circa(t, nil, "", "--data", data, "demo", "--readers", "3", "--days", "1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	admin := map[string]string{"CIRCA_USER": "admin"}
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}

	if r := circa(t, staff, "", "--data", data, "sip2", "account", "list"); r.code != 0 || !strings.Contains(r.stdout, "No SIP2 accounts") {
		t.Fatalf("empty list: %+v", r)
	}
	// The staff password, then the new account's, both on standard input.
	r := circa(t, admin, "admin123\nkiosk-pw\n", "--data", data, "sip2", "account", "add", "kiosk1", "--location", "MAIN")
	if r.code != 0 || !strings.Contains(r.stdout, "kiosk1 saved") {
		t.Fatalf("add: %+v", r)
	}
	r = circa(t, staff, "pay-pw\n", "--data", data, "sip2", "account", "add", "payer", "--location", "BR2", "--payments", "--lang", "en")
	if r.code != 0 {
		t.Fatalf("add with CIRCA_PASSWORD: %+v", r)
	}
	if r := circa(t, staff, "", "--data", data, "sip2", "account", "add", "nopw"); r.code != 2 {
		t.Errorf("add without a password: %+v", r)
	}
	if r := circa(t, admin, "wrong\nx\n", "--data", data, "sip2", "account", "add", "x"); r.code != 1 ||
		!strings.Contains(r.stderr, "Wrong account name or password") {
		t.Errorf("add with a wrong staff password: %+v", r)
	}
	if r := circa(t, staff, "", "--data", data, "sip2", "account"); r.code != 2 {
		t.Errorf("account without a command: %+v", r)
	}

	r = circa(t, staff, "", "--data", data, "sip2", "account", "list", "--json")
	var list []struct {
		User     string `json:"user"`
		Location string `json:"location"`
		Lang     string `json:"lang"`
		Payments bool   `json:"payments"`
		Hash     string `json:"hash"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != 0 {
		t.Fatalf("list --json: %v %+v", err, r)
	}
	if len(list) != 2 || list[0].User != "kiosk1" || list[0].Location != "MAIN" || list[1].User != "payer" ||
		!list[1].Payments || list[1].Lang != "en" || list[0].Hash != "" {
		t.Errorf("list: %+v", list)
	}
	if strings.Contains(r.stdout, "kiosk-pw") || strings.Contains(r.stdout, "argon2") {
		t.Error("the list shows a password or its hash")
	}
	r = circa(t, staff, "", "--data", data, "sip2", "account", "list")
	if !strings.Contains(r.stdout, "kiosk1") || !strings.Contains(r.stdout, "take payments") {
		t.Errorf("list table: %+v", r)
	}

	if r := circa(t, staff, "", "--data", data, "sip2", "account", "remove", "kiosk1"); r.code != 0 || !strings.Contains(r.stdout, "removed") {
		t.Fatalf("remove: %+v", r)
	}
	if r := circa(t, staff, "", "--data", data, "sip2", "account", "remove", "kiosk1"); r.code == 0 {
		t.Errorf("second remove: %+v", r)
	}
	r = circa(t, staff, "", "--data", data, "sip2", "account", "list")
	if strings.Contains(r.stdout, "kiosk1") || !strings.Contains(r.stdout, "payer") {
		t.Errorf("list after remove: %+v", r)
	}
	if r := circa(t, staff, "", "--data", data, "sip2", "--charset", "ebcdic", "--listen", "127.0.0.1:0"); r.code == 0 {
		t.Errorf("serve with an unknown character set: %+v", r)
	}
}

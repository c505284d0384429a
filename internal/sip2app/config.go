package sip2app

import (
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/sip2"
)

// DefaultListen is where a station's SIP2 server listens unless told
// otherwise: this computer only. A library that wants its self-check units
// on the network says so with an address of its own.
const DefaultListen = "127.0.0.1:6001"

// Setting names. The server settings belong to one station (a desk and the
// hub each decide whether they answer self-check units), so their names end
// in the station ID; the default language is library-wide; each account is
// one setting of its own, so that two stations adding different accounts
// while apart both keep theirs.
const (
	settingServer      = "sip2.server."  // + station + "." + field
	settingAccount     = "sip2.account." // + user ID
	SettingDefaultLang = "sip2.lang"
)

// Config is how one station runs its SIP2 server.
type Config struct {
	Enabled bool
	// Listen is "host:port"; DefaultListen when empty.
	Listen string
	// Charset is the character set on the wire; UTF-8 when empty.
	Charset sip2.Charset
	// TLSCert and TLSKey are PEM files on this station; both empty means
	// plain TCP.
	TLSCert, TLSKey string
}

func serverSetting(lib *app.Library, field string) string {
	return settingServer + lib.Station() + "." + field
}

// LoadConfig reads this station's SIP2 server settings.
func LoadConfig(lib *app.Library) (Config, error) {
	var firstErr error
	get := func(field, def string) string {
		v, err := lib.Setting(serverSetting(lib, field), def)
		if err != nil && firstErr == nil {
			firstErr = errors.Wrapf(err, "reading the SIP2 setting %s", field)
		}
		return v
	}
	c := Config{
		Enabled: get("enabled", "") == "true",
		Listen:  strings.TrimSpace(get("listen", DefaultListen)),
		Charset: sip2.Charset(get("charset", string(sip2.UTF8))),
		TLSCert: get("tls_cert", ""),
		TLSKey:  get("tls_key", ""),
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	return c, firstErr
}

// Validate reports a configuration the server could not run with.
func (c Config) Validate() error {
	if err := c.Charset.Validate(); err != nil {
		return app.Refuse(app.ReasonInvalidInput, "field", "sip2_charset")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return app.Refuse(app.ReasonInvalidInput, "field", "sip2_tls")
	}
	return nil
}

// SaveConfig stores this station's SIP2 server settings. The actor needs
// the settings permission.
func SaveConfig(lib *app.Library, actor app.Actor, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(c.Listen) == "" {
		c.Listen = DefaultListen
	}
	enabled := "false"
	if c.Enabled {
		enabled = "true"
	}
	for _, kv := range [][2]string{
		{"enabled", enabled}, {"listen", c.Listen}, {"charset", string(c.Charset)},
		{"tls_cert", c.TLSCert}, {"tls_key", c.TLSKey},
	} {
		if err := lib.SetSetting(actor, serverSetting(lib, kv[0]), kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// DefaultLang is the language of the screen messages for accounts that
// have none of their own: the library's sip2.lang setting, else Chinese.
func DefaultLang(lib *app.Library) i18n.Lang {
	v, err := lib.Setting(SettingDefaultLang, "")
	if err != nil || v == "" {
		return i18n.Chinese
	}
	if l, ok := i18n.Parse(v); ok {
		return l
	}
	return i18n.Chinese
}

// SetDefaultLang changes the library's default SIP2 language.
func SetDefaultLang(lib *app.Library, actor app.Actor, lang i18n.Lang) error {
	return lib.SetSetting(actor, SettingDefaultLang, string(lang))
}

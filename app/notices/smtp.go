package notices

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// SMTP settings. Host, port, user, sender and STARTTLS are library settings
// and sync; the password is kept on the station only (see SetSMTPPassword),
// so it never travels to other stations.
const (
	SettingSMTPHost     = "smtp.host"
	SettingSMTPPort     = "smtp.port"
	SettingSMTPUser     = "smtp.user"
	SettingSMTPFrom     = "smtp.from"
	SettingSMTPStartTLS = "smtp.starttls" // "true" (default), "false", "implicit"
	metaSMTPPassword    = "notices.smtp_password"
)

// SMTPConfig is how to reach the mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	// TLS is "starttls" (default: required), "implicit" (port 465) or
	// "none" (only for a server on this machine or in tests).
	TLS string
	// TLSConfig overrides the TLS settings (tests use it to trust their
	// server's certificate).
	TLSConfig *tls.Config
	// Clock stamps the Date header.
	Clock app.Clock
}

// SMTPConfigOf reads the configuration from lib's settings and this
// station's stored password.
func SMTPConfigOf(lib *app.Library) (SMTPConfig, error) {
	c := SMTPConfig{Clock: lib.Clock()}
	var port, mode string
	for _, s := range []struct {
		name string
		out  *string
		def  string
	}{
		{SettingSMTPHost, &c.Host, ""}, {SettingSMTPPort, &port, "587"}, {SettingSMTPUser, &c.User, ""},
		{SettingSMTPFrom, &c.From, ""}, {SettingSMTPStartTLS, &mode, "true"},
	} {
		v, err := lib.Setting(s.name, s.def)
		if err != nil {
			return c, err
		}
		*s.out = v
	}
	c.Port, _ = strconv.Atoi(port)
	switch mode {
	case "false", "none":
		c.TLS = "none"
	case "implicit":
		c.TLS = "implicit"
	default:
		c.TLS = "starttls"
	}
	err := lib.View(func(tx app.Tx) error {
		pw, err := tx.Meta(metaSMTPPassword)
		c.Password = string(pw)
		return err
	})
	return c, err
}

// SetSMTPPassword stores the mail password on this station only.
func SetSMTPPassword(lib *app.Library, actor app.Actor, password string) error {
	if !actor.Can(app.PermSettings) {
		return app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermSettings), "role", string(actor.Role))
	}
	return lib.Store().Update(func(tx app.Tx) error { return tx.SetMeta(metaSMTPPassword, []byte(password)) })
}

// Configured reports whether a host and sender are set.
func (c SMTPConfig) Configured() bool { return c.Host != "" && c.From != "" }

// SMTPMailer sends messages through an SMTP server.
type SMTPMailer struct {
	Config SMTPConfig
}

var _ Mailer = (*SMTPMailer)(nil)

// Send delivers one message. The whole conversation is bounded by ctx's
// deadline; SMTP 5xx replies are *PermanentError, everything else is
// temporary.
func (m *SMTPMailer) Send(ctx context.Context, e *Entry) error {
	c := m.Config
	if !c.Configured() {
		return errors.New("mail server not configured")
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return errors.Wrapf(err, "connecting to %s", addr)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// A cancelled context closes the connection, ending any blocked read.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	tlsConf := c.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	if c.TLS == "implicit" {
		conn = tls.Client(conn, tlsConf)
	}
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		return classify(err, "greeting")
	}
	defer cl.Close()
	if c.TLS == "starttls" {
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return &PermanentError{Err: errors.New("the mail server does not offer STARTTLS")}
		}
		if err := cl.StartTLS(tlsConf); err != nil {
			return classify(err, "STARTTLS")
		}
	}
	if c.User != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.User, c.Password, c.Host)); err != nil {
			return classify(err, "signing in")
		}
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return &PermanentError{Err: errors.Wrap(err, "sender address")}
	}
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return &PermanentError{Err: errors.Wrap(err, "reader's address")}
	}
	if err := cl.Mail(from.Address); err != nil {
		return classify(err, "MAIL FROM")
	}
	if err := cl.Rcpt(to.Address); err != nil {
		return classify(err, "RCPT TO")
	}
	w, err := cl.Data()
	if err != nil {
		return classify(err, "DATA")
	}
	var clock app.Clock = app.SystemClock{}
	if c.Clock != nil {
		clock = c.Clock
	}
	now := clock.Now()
	if _, err := w.Write(Compose(c.From, e, now)); err != nil {
		return classify(err, "sending the message")
	}
	if err := w.Close(); err != nil {
		return classify(err, "end of message")
	}
	// The server has the message; a failed QUIT changes nothing.
	_ = cl.Quit()
	return nil
}

func classify(err error, step string) error {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 {
		return &PermanentError{Err: errors.Wrapf(err, "mail server refused %s", step)}
	}
	return errors.Wrapf(err, "mail: %s", step)
}

// Compose writes the RFC 5322 message for e: UTF-8 text, base64 encoded, the
// subject encoded per RFC 2047, and the message ID taken from the entry so
// a repeat after a crash can be recognised.
func Compose(from string, e *Entry, now time.Time) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from)
	h("To", (&mail.Address{Name: e.Name, Address: strings.TrimSpace(e.To)}).String())
	h("Subject", mime.BEncoding.Encode("UTF-8", e.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+e.ID+"@circa.invalid>")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=UTF-8")
	h("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	body := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(e.Body, "\n", "\r\n")))
	for len(body) > 76 {
		b.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	b.WriteString(body + "\r\n")
	return b.Bytes()
}

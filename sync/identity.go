package sync

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/hex"
	"encoding/pem"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
)

// Identity is this station's certificate and key. Its ID is what peers pin.
type Identity struct {
	ID   string
	Cert tls.Certificate
	Key  *ecdsa.PrivateKey
}

// File names of the identity inside the data folder.
const (
	CertFile = "station.crt"
	KeyFile  = "station.key"
)

// LoadOrCreateIdentity reads the station's certificate and key from dir,
// making them (ECDSA P-256, self-signed, key file 0600) on first run. rnd
// nil means crypto/rand; now is the certificate's start of validity.
func LoadOrCreateIdentity(dir string, rnd io.Reader, now time.Time) (*Identity, error) {
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	if _, err := os.Stat(certPath); err == nil {
		return LoadIdentity(dir)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	certPEM, keyPEM, err := newCertificate(rnd, now)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errors.Wrap(err, "creating the data folder")
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, errors.Wrap(err, "saving the station key")
	}
	if err := os.WriteFile(certPath, certPEM, 0o600); err != nil {
		return nil, errors.Wrap(err, "saving the station certificate")
	}
	return LoadIdentity(dir)
}

// LoadIdentity reads an existing identity from dir.
func LoadIdentity(dir string) (*Identity, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, errors.Wrap(err, "reading the station certificate")
	}
	key, ok := cert.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("the station key is not ECDSA")
	}
	return &Identity{ID: StationID(cert.Certificate[0]), Cert: cert, Key: key}, nil
}

// NewIdentity makes an identity in memory only (tests, simulations).
func NewIdentity(rnd io.Reader, now time.Time) (*Identity, error) {
	certPEM, keyPEM, err := newCertificate(rnd, now)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, errors.Wrap(err, "loading a new certificate")
	}
	return &Identity{ID: StationID(cert.Certificate[0]), Cert: cert, Key: cert.PrivateKey.(*ecdsa.PrivateKey)}, nil
}

func newCertificate(rnd io.Reader, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, nil, errors.Wrap(err, "making the station key")
	}
	serial, err := rand.Int(rnd, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, errors.Wrap(err, "making a serial number")
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "circa-station"},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.AddDate(100, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"circa-station"},
	}
	der, err := x509.CreateCertificate(rnd, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, errors.Wrap(err, "signing the station certificate")
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, errors.Wrap(err, "encoding the station key")
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), nil
}

// StationID is the ID of a certificate: the lowercase hex SHA-256 of its DER.
func StationID(certDER []byte) string {
	sum := sha256.Sum256(certDER)
	return hex.EncodeToString(sum[:])
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// FormatID writes a station ID for people: 52 base32 letters and digits in
// groups of four, ABCD-EFGH-…, which ParseID reads back.
func FormatID(id string) string {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) != sha256.Size {
		return id
	}
	s := idEncoding.EncodeToString(raw)
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// ShortID is the first two groups of FormatID, enough to tell stations
// apart on a screen (never enough to pair with).
func ShortID(id string) string {
	f := FormatID(id)
	if len(f) >= 9 {
		return f[:9]
	}
	return f
}

// ParseID reads a station ID in either form (hex or FormatID's groups,
// with or without dashes and spaces, any case) and returns the hex form.
func ParseID(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) == 2*sha256.Size {
		if raw, err := hex.DecodeString(strings.ToLower(s)); err == nil {
			return hex.EncodeToString(raw), nil
		}
	}
	raw, err := idEncoding.DecodeString(strings.ToUpper(s))
	if err != nil || len(raw) != sha256.Size {
		return "", errors.Wrapf(ErrNotStationID, "%q", s)
	}
	return hex.EncodeToString(raw), nil
}

func randReader() io.Reader { return rand.Reader }

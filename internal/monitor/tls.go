package monitor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"meldpunt/internal/desk"
)

// TLSSettings are a tls check's: whose certificate, and how many days before it expires
// the check warns (Degraded) and fails (Down).
type TLSSettings struct {
	Host       string `json:"host"`
	Port       int    `json:"port"`
	ServerName string `json:"server_name,omitempty"`
	WarnDays   *int   `json:"warn_days"`
	FailDays   *int   `json:"fail_days"`
}

func (s *TLSSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	checkPort(v, p+"port", s.Port, false)
	if s.ServerName != "" && !validHostname(s.ServerName) {
		v.Add(p+"server_name", "host", "must be a host name such as www.example.com")
	}
	if s.WarnDays != nil {
		v.Range(p+"warn_days", int64(*s.WarnDays), 0, 3650)
	}
	if s.FailDays != nil {
		v.Range(p+"fail_days", int64(*s.FailDays), 0, 3650)
	}
	w, f := 14, 3
	if s.WarnDays != nil {
		w = *s.WarnDays
	}
	if s.FailDays != nil {
		f = *s.FailDays
	}
	if f > w && !v.Has(p+"warn_days") && !v.Has(p+"fail_days") {
		v.Add(p+"fail_days", "range", "must be at most warn_days (%d)", w)
	}
}

func (s *TLSSettings) normalise() {
	if s.Port == 0 {
		s.Port = 443
	}
	if s.WarnDays == nil {
		s.WarnDays = ptr(14)
	}
	if s.FailDays == nil {
		s.FailDays = ptr(3)
	}
}

func (s *TLSSettings) secrets() []string { return nil }

func (c *Checker) tlsConfig(serverName string, insecure bool) *tls.Config {
	return &tls.Config{ServerName: serverName, RootCAs: c.RootCAs, InsecureSkipVerify: insecure} // skip-verify: the admin's explicit choice
}

func (s *TLSSettings) run(ctx context.Context, c *Checker) Result {
	start := time.Now()
	conn, err := dial(ctx, s.Host, s.Port)
	if err != nil {
		return failure(ctx, "", err)
	}
	defer conn.Close()
	deadline(ctx, conn)
	name := s.ServerName
	if name == "" {
		name = s.Host
	}
	tc := tls.Client(conn, c.tlsConfig(name, false))
	err = tc.HandshakeContext(ctx)
	elapsed := time.Since(start)
	if err != nil {
		r := Result{Status: Down, Duration: elapsed, Reason: reasonOf(ctx, err), Error: describe(ctx, "TLS handshake failed", err)}
		if r.Reason == ReasonOther || r.Reason == ReasonConnection {
			r.Reason = ReasonTLS
		}
		var ve *tls.CertificateVerificationError
		if errors.As(err, &ve) {
			r.Reason = ReasonCertInvalid
			r.Error = describe(ctx, "the certificate is not valid", err)
			var inv x509.CertificateInvalidError
			if errors.As(err, &inv) && inv.Reason == x509.Expired {
				r.Error = "the certificate has expired: " + clip(err.Error(), 300)
			}
			if len(ve.UnverifiedCertificates) > 0 {
				r.Evidence = certEvidence(ve.UnverifiedCertificates[0], c.now())
			}
		}
		return r
	}
	state := tc.ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return Result{Status: Down, Reason: ReasonTLS, Duration: elapsed, Error: "the server sent no certificate"}
	}
	cert := state.PeerCertificates[0]
	r := Result{Status: Up, Duration: elapsed, Evidence: certEvidence(cert, c.now())}
	days := daysLeft(cert.NotAfter, c.now())
	switch {
	case days < *s.FailDays:
		r.Status, r.Reason = Down, ReasonCertExpiring
		r.Error = fmt.Sprintf("the certificate expires in %d days (on %s), fewer than %d", days, cert.NotAfter.UTC().Format("2006-01-02"), *s.FailDays)
	case days < *s.WarnDays:
		r.Status, r.Reason = Degraded, ReasonCertExpiring
		r.Error = fmt.Sprintf("the certificate expires in %d days (on %s), fewer than %d", days, cert.NotAfter.UTC().Format("2006-01-02"), *s.WarnDays)
	}
	return r
}

// daysLeft counts the whole days until notAfter, rounded down (negative when past).
func daysLeft(notAfter, now time.Time) int {
	return int(math.Floor(notAfter.Sub(now).Hours() / 24))
}

func certEvidence(cert *x509.Certificate, now time.Time) map[string]string {
	return map[string]string{
		"not_after": cert.NotAfter.UTC().Format(time.RFC3339),
		"issuer":    clip(cert.Issuer.String(), 300),
		"subject":   clip(cert.Subject.String(), 300),
		"days_left": strconv.Itoa(daysLeft(cert.NotAfter, now)),
	}
}

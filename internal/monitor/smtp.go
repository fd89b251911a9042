package monitor

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// SMTPSettings are an smtp check's: the server must greet with 220 and answer EHLO; with
// StartTLS it must also offer STARTTLS and complete it (the certificate verified); with a
// user it must accept AUTH PLAIN with the password (over TLS, or to a host on loopback).
// The check says QUIT before it leaves, and sends no mail.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	StartTLS bool   `json:"starttls"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
}

func (s *SMTPSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	checkPort(v, p+"port", s.Port, false)
	v.Text(p+"user", s.User, false, 256, false)
	if len(s.Password) > 1024 {
		v.Add(p+"password", "max_length", "must be at most 1024 bytes")
	}
	if s.Password != "" && s.User == "" {
		v.Add(p+"password", "requires", "needs a user")
	}
}

func (s *SMTPSettings) normalise() {
	if s.Port == 0 {
		s.Port = 25
	}
}

func (s *SMTPSettings) secrets() []string {
	if s.Password == "" {
		return nil
	}
	return []string{s.Password}
}

var errNotOffered = errors.New("does not offer")

// bannerConn keeps the first line the server sends: its greeting.
type bannerConn struct {
	net.Conn
	line []byte
	done bool
}

func (b *bannerConn) Read(p []byte) (int, error) {
	n, err := b.Conn.Read(p)
	if !b.done && n > 0 {
		chunk := p[:n]
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
			chunk, b.done = chunk[:i], true
		}
		if room := 300 - len(b.line); room > 0 {
			b.line = append(b.line, chunk[:min(room, len(chunk))]...)
		}
	}
	return n, err
}

func (s *SMTPSettings) run(ctx context.Context, c *Checker) Result {
	start := time.Now()
	raw, err := dial(ctx, s.Host, s.Port)
	if err != nil {
		return failure(ctx, "", err)
	}
	defer raw.Close()
	deadline(ctx, raw)
	// A context that ends closes the connection, so no read outlives it.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	conn := &bannerConn{Conn: raw}
	r := Result{Status: Up, Evidence: map[string]string{}}
	fail := func(what string, err error) Result {
		r.Status = Down
		r.Duration = time.Since(start)
		r.Error = describe(ctx, what, err)
		r.Reason = reasonOf(ctx, err)
		var te *textproto.Error
		var ve *tls.CertificateVerificationError
		switch {
		case ctx.Err() != nil:
		case errors.As(err, &te):
			r.Error = clip(what+": the server answered "+itoa(te.Code)+" "+te.Msg, 500)
			r.Reason = ReasonServer
		case errors.Is(err, errNotOffered):
			r.Reason = ReasonServer
		case errors.As(err, &ve):
			r.Reason = ReasonCertInvalid
		case r.Reason == ReasonOther:
			r.Reason = ReasonProtocol
		}
		if len(conn.line) > 0 {
			r.Evidence["banner"] = printable(string(conn.line))
		}
		return r
	}
	client, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fail("the greeting is not 220", err)
	}
	defer client.Close()
	r.Evidence["banner"] = printable(string(conn.line))
	if err := client.Hello("meldpunt-monitor.localhost"); err != nil {
		return fail("EHLO", err)
	}
	if s.StartTLS {
		if ok, _ := client.Extension("STARTTLS"); !ok {
			return fail("STARTTLS", fmt.Errorf("the server %w STARTTLS", errNotOffered))
		}
		if err := client.StartTLS(c.tlsConfig(s.Host, false)); err != nil {
			return fail("STARTTLS", err)
		}
		if st, ok := client.TLSConnectionState(); ok && len(st.PeerCertificates) > 0 {
			r.Evidence["cert_not_after"] = st.PeerCertificates[0].NotAfter.UTC().Format(time.RFC3339)
		}
	}
	if s.User != "" {
		if ok, _ := client.Extension("AUTH"); !ok {
			return fail("AUTH", fmt.Errorf("the server %w AUTH", errNotOffered))
		}
		// net/smtp's PLAIN refuses to send a password unencrypted except to localhost.
		if err := client.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return fail("AUTH", err)
		}
		r.Evidence["auth"] = "accepted"
	}
	if err := client.Quit(); err != nil {
		return fail("QUIT", err)
	}
	r.Duration = time.Since(start)
	r.Evidence["response_time_ms"] = ms(r.Duration)
	return r
}

// printable keeps a server's text for evidence: control characters become spaces.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	return clip(strings.TrimSpace(s), 300)
}

package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The ways an SMTP connection is secured (SMTPConfig.TLS).
const (
	TLSStartTLS = "starttls" // plain connect, then STARTTLS, which the server must offer
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, usually port 465)
	TLSNone     = "none"     // no encryption at all
)

// DefaultSMTPTimeout bounds one delivery (connect, greeting, commands, data) when
// SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig is where and how messages are sent by SMTP.
type SMTPConfig struct {
	Host string
	Port int
	// TLS is TLSStartTLS (also when ""), TLSImplicit or TLSNone. With starttls TLS is
	// required: a server that does not offer STARTTLS gets nothing, not even the password.
	TLS string
	// Username turns authentication on (SCRAM, CRAM-MD5, PLAIN or LOGIN, whichever the
	// server offers, in that order of preference). PLAIN and LOGIN are only used over TLS
	// or to localhost, so a password never crosses the network in the clear.
	Username, Password string
	Timeout            time.Duration // per delivery; DefaultSMTPTimeout when zero
	LocalName          string        // the name in EHLO; the host name when ""
	// TLSConfig is optional, e.g. for tests that trust a self-signed certificate. Its
	// ServerName defaults to Host.
	TLSConfig *tls.Config
}

// NewSMTP returns a Sender that delivers each message over its own SMTP connection. It
// checks the configuration but does not connect: a server that is down now fails the first
// Send, and the outbox tries again later.
func NewSMTP(c SMTPConfig) (Sender, error) {
	c.Host = strings.TrimSpace(c.Host)
	c.TLS = strings.ToLower(strings.TrimSpace(c.TLS))
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	var problems []string
	switch {
	case c.Host == "":
		problems = append(problems, "host: required")
	case strings.ContainsAny(c.Host, " /:\t\r\n") && net.ParseIP(c.Host) == nil:
		problems = append(problems, "host: must be a host name or address without a port")
	}
	if c.Port < 1 || c.Port > 65535 {
		problems = append(problems, fmt.Sprintf("port: must be between 1 and 65535, not %d", c.Port))
	}
	if !slices.Contains([]string{TLSStartTLS, TLSImplicit, TLSNone}, c.TLS) {
		problems = append(problems, fmt.Sprintf("tls: must be one of starttls, tls, none, not %q", c.TLS))
	}
	if c.Timeout < 0 {
		problems = append(problems, "timeout: must not be negative")
	}
	if c.Password != "" && c.Username == "" {
		problems = append(problems, "username: required when a password is set")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("mail: SMTP settings: %s", strings.Join(problems, "; "))
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultSMTPTimeout
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLSConfig != nil {
		tc = c.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = c.Host
	}
	return &smtpSender{c: c, tls: tc}, nil
}

type smtpSender struct {
	c   SMTPConfig
	tls *tls.Config
}

func (s *smtpSender) addr() string { return net.JoinHostPort(s.c.Host, strconv.Itoa(s.c.Port)) }

// Describe says "SMTP host:port (starttls)"; never the password.
func (s *smtpSender) Describe() string { return "SMTP " + s.addr() + " (" + s.c.TLS + ")" }

// Send delivers m and returns "smtp://host:port". It gives up when ctx ends, even in the
// middle of a command: the connection is closed at once.
func (s *smtpSender) Send(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	msg, err := build(m)
	if err != nil {
		return "", err
	}
	var w watcher
	defer w.stop()
	opts := []gomail.Option{
		gomail.WithPort(s.c.Port), gomail.WithTimeout(s.c.Timeout), gomail.WithTLSConfig(s.tls),
		gomail.WithDialContextFunc(w.dialer(ctx, s.addr(), s.tls, s.c.TLS == TLSImplicit)),
	}
	switch s.c.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL()) // the dialer does the handshake
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.c.LocalName != "" {
		opts = append(opts, gomail.WithHELO(s.c.LocalName))
	}
	if s.c.Username != "" {
		opts = append(opts, gomail.WithUsername(s.c.Username), gomail.WithPassword(s.c.Password),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
				gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	client, err := gomail.NewClient(s.c.Host, opts...)
	if err != nil {
		return "", fmt.Errorf("mail: SMTP %s: %w", s.addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("mail: SMTP %s: %w (%v)", s.addr(), ctx.Err(), err)
		}
		return "", fmt.Errorf("mail: SMTP %s: %w", s.addr(), err)
	}
	return "smtp://" + s.addr(), nil
}

// watcher closes the connections it dialled when the Send's context ends, so a server that
// stops answering cannot hold a Send past its context.
type watcher struct {
	mu    sync.Mutex
	stops []func() bool
}

// dialer connects to addr (go-mail's own "host:port" breaks IPv6 addresses), with TLS from
// the start when implicit.
func (w *watcher) dialer(ctx context.Context, addr string, tc *tls.Config, implicit bool) gomail.DialContextFunc {
	return func(dctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		w.mu.Lock()
		w.stops = append(w.stops, context.AfterFunc(ctx, func() { _ = raw.Close() }))
		w.mu.Unlock()
		if !implicit {
			return raw, nil
		}
		conn := tls.Client(raw, tc)
		if err := conn.HandshakeContext(dctx); err != nil {
			_ = raw.Close()
			return nil, err
		}
		return conn, nil
	}
}

func (w *watcher) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, stop := range w.stops {
		stop()
	}
}

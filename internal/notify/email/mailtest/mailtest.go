// Package mailtest is a real SMTP server for tests, built on github.com/emersion/go-smtp and
// listening on 127.0.0.1 at a free port. Tests send to it over TCP and read back what
// arrived, parsed:
//
//	srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("desk", "secret"))
//	sender, _ := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(),
//		Username: "desk", Password: "secret", TLSConfig: srv.ClientTLS()})
//	… send …
//	got := srv.Wait(t, 1)[0] // got.Header, got.Text, got.HTML, got.Raw
//
// It also misbehaves on request, to test delivery that loses nothing: Stop and Restart
// (the server is down: connections are refused; then it listens again on the same
// address), WithHold / SetHold (the DATA is read in full and never answered, as when a
// server or the sender dies mid-delivery) and WithReject / SetReject (DATA is answered with
// an error code). A message is recorded only when the server accepts it, just before it
// answers 250; a held or rejected one never is. So by the time a client's send has
// returned successfully, Messages holds its message.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// WaitTimeout is how long Wait waits before failing the test: a guard against a test that
// would hang, not a timed assertion.
const WaitTimeout = 30 * time.Second

// Received is one accepted message.
type Received struct {
	From    string      // the envelope sender (MAIL FROM)
	To      []string    // the envelope recipients (RCPT TO)
	Raw     []byte      // the message as it arrived
	Header  mail.Header // its header, parsed by net/mail
	Subject string      // the Subject header, decoded (RFC 2047)
	// Text and HTML are the decoded text/plain and text/html parts ("" when absent).
	Text, HTML string
	// ParseError is why Raw could not be parsed, "" when it could.
	ParseError string
}

// Option configures a Server.
type Option func(*Server)

// WithAuth requires authentication (AUTH PLAIN) with this user and password before MAIL.
// Without TLS the server offers AUTH on the plain connection (clients send a password in
// the clear only to localhost); with TLS it offers AUTH only after STARTTLS.
func WithAuth(user, pass string) Option {
	return func(s *Server) { s.user, s.pass = user, pass }
}

// WithTLS gives the server a self-signed certificate for 127.0.0.1 and localhost, made in
// memory, and offers STARTTLS. ClientTLS returns a client configuration that trusts it.
func WithTLS() Option {
	return func(s *Server) { s.withTLS = true }
}

// WithImplicitTLS makes the server speak TLS from the first byte (SMTPS) instead of
// offering STARTTLS. It implies WithTLS.
func WithImplicitTLS() Option {
	return func(s *Server) { s.withTLS, s.implicit = true, true }
}

// WithHold starts the server holding: see SetHold.
func WithHold() Option {
	return func(s *Server) { s.hold = true }
}

// WithReject starts the server rejecting DATA with code: see SetReject.
func WithReject(code int) Option {
	return func(s *Server) { s.reject = code }
}

// Server is a running test SMTP server.
type Server struct {
	addr     string
	user     string
	pass     string
	withTLS  bool
	implicit bool
	cert     tls.Certificate
	client   *tls.Config

	mu       sync.Mutex
	srv      *smtp.Server // nil while stopped
	ln       net.Listener
	hold     bool
	reject   int
	attempts int
	messages []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	holding  chan Received
}

// Start starts a server on a free port of 127.0.0.1; it stops when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}), holding: make(chan Received, 64)}
	for _, o := range opts {
		o(s)
	}
	if s.withTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("mailtest: make a certificate: %v", err)
		}
		s.cert, s.client = cert, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	l, err := s.listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Host is "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.addr)
	return h
}

// Port is the port the server listens on; Restart keeps it.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// ClientTLS returns a TLS configuration that trusts the server's certificate (nil without
// WithTLS).
func (s *Server) ClientTLS() *tls.Config {
	if s.client == nil {
		return nil
	}
	return s.client.Clone()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// Attempts counts the DATA commands the server has begun to read: accepted, held and
// rejected ones.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Wait blocks until at least n messages have been accepted and returns all of them. After
// WaitTimeout it fails the test: a guard, not a timed assertion.
func (s *Server) Wait(t testing.TB, n int) []Received {
	t.Helper()
	guard := time.NewTimer(WaitTimeout)
	defer guard.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-guard.C:
			t.Fatalf("mailtest: %d of %d messages arrived within %s", got, n, WaitTimeout)
			return nil
		}
	}
}

// Holding receives every message the server holds (see SetHold), once its DATA has been
// read in full. The channel buffers 64; later ones are dropped.
func (s *Server) Holding() <-chan Received { return s.holding }

// SetHold switches holding on or off. A holding server reads a message's DATA in full,
// tells Holding, and then never answers: the client waits until it gives up or its
// connection drops. A held message is not recorded. Connections already held stay held.
func (s *Server) SetHold(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = on
}

// SetReject makes the server answer DATA with code (e.g. 451: try again later; 550:
// rejected for good) after reading it; 0 accepts again. A rejected message is not
// recorded.
func (s *Server) SetReject(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = code
}

// Stop closes the listener and every connection: new connections are refused. Stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Close the listener here too: go-smtp learns of it only once Serve runs.
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Restart listens again on the same address after Stop. It fails the test when the
// address cannot be had back.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	var err error
	for range 50 { // the port may take a moment to become free again
		var l net.Listener
		if l, err = s.listen(s.addr); err == nil {
			s.serve(l)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("mailtest: listen again on %s: %v", s.addr, err)
}

func (s *Server) listen(addr string) (net.Listener, error) {
	if s.implicit {
		return tls.Listen("tcp", addr, s.tlsConfig())
	}
	return net.Listen("tcp", addr)
}

func (s *Server) tlsConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
}

// serve runs a fresh go-smtp server on l (a stopped go-smtp server cannot start again).
func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	if s.withTLS {
		srv.TLSConfig = s.tlsConfig()
	}
	srv.AllowInsecureAuth = !s.withTLS
	s.mu.Lock()
	s.srv, s.ln = srv, l
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c, authed: b.s.user == ""}, nil
}

// session is one SMTP connection's transaction.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.s.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if identity != "" && identity != user || user != ss.s.user || pass != ss.s.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	s.attempts++
	hold, reject := s.hold, s.reject
	s.mu.Unlock()
	got := Parse(raw)
	got.From, got.To = ss.from, append([]string(nil), ss.to...)
	if hold {
		select {
		case s.holding <- got:
		default:
		}
		// Never answer: wait until the client hangs up or the server stops. Nothing more
		// comes from a client waiting for its answer, so a read returns only then.
		_, _ = io.Copy(io.Discard, ss.conn.Conn())
		return errors.New("mailtest: held")
	}
	if reject != 0 {
		return &smtp.SMTPError{Code: reject, EnhancedCode: smtp.EnhancedCodeNotSet,
			Message: fmt.Sprintf("mailtest: rejected with %d", reject)}
	}
	s.mu.Lock()
	s.messages = append(s.messages, got)
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// Parse reads a message as the server does: its header, decoded subject, and decoded text
// and HTML parts. Tests use it on .eml files too. From and To stay empty: they come from the
// SMTP envelope.
func Parse(raw []byte) Received {
	got := Received{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		got.ParseError = err.Error()
		return got
	}
	got.Header = msg.Header
	got.Subject = decodeHeader(msg.Header.Get("Subject"))
	if err := parts(mimeHeader(msg.Header), msg.Body, &got); err != nil {
		got.ParseError = err.Error()
	}
	return got
}

package monitor

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// needServer skips the test, naming the server, when nothing answers at addr.
func needServer(t *testing.T, name, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Skipf("%s at %s does not answer (%v): start it to run this test", name, addr, err)
	}
	conn.Close()
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	needServer(t, "PostgreSQL", "127.0.0.1:5432")
	c := &Checker{}
	r := run(t, c, KindPostgres, settings(t, map[string]any{"host": "127.0.0.1", "user": "postgres", "database": "postgres"}))
	expect(t, r, Up)
	if r.Evidence["server_version"] == "" {
		t.Errorf("evidence %v, want the server's version", r.Evidence)
	}
	r = run(t, c, KindPostgres, settings(t, map[string]any{"host": "127.0.0.1", "user": "postgres", "database": "no_such_database_here"}))
	expect(t, r, Down, "postgres", "no_such_database_here")
	because(t, r, ReasonServer)
	// TLS on against a server without TLS (or with a certificate the test does not trust).
	r = run(t, c, KindPostgres, settings(t, map[string]any{"host": "127.0.0.1", "user": "postgres", "tls": "on"}))
	expect(t, r, Down, "postgres")
}

func TestMySQL(t *testing.T) {
	t.Parallel()
	needServer(t, "MariaDB", "127.0.0.1:3306")
	c := &Checker{}
	r := run(t, c, KindMySQL, settings(t, map[string]any{"host": "127.0.0.1", "user": "root"}))
	expect(t, r, Up)
	r = run(t, c, KindMySQL, settings(t, map[string]any{"host": "127.0.0.1", "user": "root", "database": "no_such_database_here"}))
	expect(t, r, Down, "mysql", "no_such_database_here")
	r = run(t, c, KindMySQL, settings(t, map[string]any{"host": "127.0.0.1", "user": "nobody_here", "password": "wr0ng-Passw0rd"}))
	expect(t, r, Down, "mysql", "nobody_here")
	because(t, r, ReasonServer)
	if strings.Contains(r.Error, "wr0ng-Passw0rd") {
		t.Errorf("password in %q", r.Error)
	}
}

func TestRedis(t *testing.T) {
	t.Parallel()
	needServer(t, "Redis", "127.0.0.1:6379")
	c := &Checker{}
	expect(t, run(t, c, KindRedis, settings(t, map[string]any{"host": "127.0.0.1"})), Up)
	expect(t, run(t, c, KindRedis, settings(t, map[string]any{"host": "127.0.0.1", "database": 2})), Up)
	r := run(t, c, KindRedis, settings(t, map[string]any{"host": "127.0.0.1", "user": "nobody", "password": "wr0ng-Passw0rd"}))
	expect(t, r, Down, "redis")
	because(t, r, ReasonServer)
	if strings.Contains(r.Error, "wr0ng-Passw0rd") {
		t.Errorf("password in %q", r.Error)
	}
}

// TestServicesClosedPort: nothing listening is down, saying so, for every service kind.
func TestServicesClosedPort(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	for _, kind := range []Kind{KindPostgres, KindMySQL, KindRedis, KindSMTP, KindTLS} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			r := run(t, c, kind, settings(t, map[string]any{"host": "127.0.0.1", "port": closedPort(t)}))
			expect(t, r, Down, "connection refused")
			because(t, r, ReasonRefused)
		})
	}
}

// TestServicesGarbage: a server that answers random bytes, one that closes at once and one
// that never says anything make a failed check with a reason, for every service kind,
// and never a crash or a check that outlives its timeout.
func TestServicesGarbage(t *testing.T) {
	t.Parallel()
	servers := map[string]func(net.Conn){
		"random bytes": func(conn net.Conn) {
			rng := rand.New(rand.NewPCG(1, 2))
			buf := make([]byte, 4096)
			for i := range buf {
				buf[i] = byte(rng.UintN(256))
			}
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			for range 16 {
				if _, err := conn.Write(buf); err != nil {
					return
				}
			}
			_, _ = io.Copy(io.Discard, conn)
		},
		"text lines": func(conn net.Conn) {
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\nhello\r\n+OK\r\n-ERR\r\n"))
			_, _ = io.Copy(io.Discard, conn)
		},
		"closes at once": func(conn net.Conn) {},
		"silent": func(conn net.Conn) {
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = io.Copy(io.Discard, conn)
		},
	}
	c := &Checker{}
	for name, h := range servers {
		port := serveTCP(t, h)
		for _, kind := range []Kind{KindPostgres, KindMySQL, KindRedis, KindSMTP, KindTLS} {
			t.Run(name+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				r := c.Run(context.Background(), kind, settings(t, map[string]any{"host": "127.0.0.1", "port": port}), 500*time.Millisecond)
				expect(t, r, Down)
				switch {
				case r.Error == "":
					t.Fatal("down without a reason")
				case name == "silent" && !strings.Contains(r.Error, "no answer within the timeout"):
					t.Fatalf("error %q, want it to say the server did not answer in time", r.Error)
				case strings.Contains(r.Error, "context deadline") || strings.Contains(r.Error, "closed network connection"):
					t.Fatalf("error %q speaks Go, not the desk's words", r.Error)
				}
				switch name {
				case "silent":
					because(t, r, ReasonTimeout)
				case "random bytes", "text lines":
					if kind == KindTLS {
						because(t, r, ReasonTLS)
					} else {
						because(t, r, ReasonProtocol)
					}
				}
			})
		}
	}
}

type smtpBackend struct{}

func (smtpBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return smtpSession{}, nil }

type smtpSession struct{}

func (smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != "monitor" || password != "c0rrect-h0rse" {
			return errors.New("bad credentials")
		}
		return nil
	}), nil
}

func (smtpSession) Reset()                                 {}
func (smtpSession) Logout() error                          { return nil }
func (smtpSession) Mail(string, *gosmtp.MailOptions) error { return errors.New("no mail here") }
func (smtpSession) Rcpt(string, *gosmtp.RcptOptions) error { return errors.New("no mail here") }
func (smtpSession) Data(io.Reader) error                   { return errors.New("no mail here") }

// smtpServer runs go-smtp on loopback, with STARTTLS when cfg is set.
func smtpServer(t *testing.T, cfg *tls.Config) int {
	t.Helper()
	ln := listen(t)
	s := gosmtp.NewServer(smtpBackend{})
	s.Domain = "mx.example.test"
	s.TLSConfig = cfg
	s.ReadTimeout, s.WriteTimeout = 5*time.Second, 5*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0) // clients that leave early are the tests' point
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return portOf(t, ln.Addr().String())
}

func TestSMTP(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	c := &Checker{RootCAs: ca.pool}
	plain := smtpServer(t, nil)
	secure := smtpServer(t, &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, time.Now().Add(90*24*time.Hour))}})

	r := run(t, c, KindSMTP, settings(t, map[string]any{"host": "127.0.0.1", "port": plain}))
	expect(t, r, Up)
	if !strings.HasPrefix(r.Evidence["banner"], "220 mx.example.test") {
		t.Errorf("banner %q", r.Evidence["banner"])
	}
	r = run(t, c, KindSMTP, settings(t, map[string]any{"host": "127.0.0.1", "port": plain, "starttls": true}))
	expect(t, r, Down, "does not offer STARTTLS")
	because(t, r, ReasonServer)

	r = run(t, c, KindSMTP, settings(t, map[string]any{"host": "127.0.0.1", "port": secure, "starttls": true}))
	expect(t, r, Up)
	if r.Evidence["cert_not_after"] == "" {
		t.Errorf("evidence %v, want the certificate's end", r.Evidence)
	}
	// The system's roots do not know the test CA: STARTTLS does not complete.
	r = run(t, &Checker{}, KindSMTP, settings(t, map[string]any{"host": "127.0.0.1", "port": secure, "starttls": true}))
	expect(t, r, Down, "STARTTLS")
	because(t, r, ReasonCertInvalid)

	// Credentials, over STARTTLS.
	auth := map[string]any{"host": "127.0.0.1", "port": secure, "starttls": true, "user": "monitor", "password": "c0rrect-h0rse"}
	r = run(t, c, KindSMTP, settings(t, auth))
	expect(t, r, Up)
	if r.Evidence["auth"] != "accepted" {
		t.Errorf("evidence %v", r.Evidence)
	}
	auth["password"] = "wr0ng-h0rse"
	r = run(t, c, KindSMTP, settings(t, auth))
	expect(t, r, Down, "AUTH")
	if strings.Contains(r.Error, "wr0ng-h0rse") {
		t.Errorf("password in %q", r.Error)
	}

	// A server that greets with 554 is down, with its words.
	busy := serveTCP(t, func(conn net.Conn) {
		_, _ = conn.Write([]byte("554 mx.example.test no service for you\r\n"))
		_, _ = io.Copy(io.Discard, conn)
	})
	r = run(t, c, KindSMTP, settings(t, map[string]any{"host": "127.0.0.1", "port": busy}))
	expect(t, r, Down, "the greeting is not 220", "554 mx.example.test no service for you")
	because(t, r, ReasonServer)
}

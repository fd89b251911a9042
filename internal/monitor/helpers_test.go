package monitor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/desk"
)

// testCA is a certificate authority made for one test run: the checks trust it through
// Checker.RootCAs, as they trust the system's roots in production.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

var (
	caOnce sync.Once
	ca     *testCA
)

func newCA(t testing.TB) *testCA {
	t.Helper()
	caOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "Meldpunt test CA"},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(365 * 24 * time.Hour),
			IsCA:                  true,
			KeyUsage:              x509.KeyUsageCertSign,
			BasicConstraintsValid: true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		cert, _ := x509.ParseCertificate(der)
		pool := x509.NewCertPool()
		pool.AddCert(cert)
		ca = &testCA{cert: cert, key: key, pool: pool}
	})
	return ca
}

var serial = struct {
	sync.Mutex
	n int64
}{n: 1}

// leaf makes a server certificate for 127.0.0.1 and localhost, valid from an hour ago
// until notAfter.
func (ca *testCA) leaf(t testing.TB, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial.Lock()
	serial.n++
	n := serial.n
	serial.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(n),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"Meldpunt tests"}},
		NotBefore:    time.Now().Add(-48 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// settings writes a settings object as JSON.
func settings(t testing.TB, m map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run runs one check with a generous timeout: the tests assert verdicts, never durations.
func run(t testing.TB, c *Checker, kind Kind, s json.RawMessage) Result {
	t.Helper()
	return c.Run(context.Background(), kind, s, 10*time.Second)
}

// expect fails the test unless r has the status and its error holds every word of want.
func expect(t testing.TB, r Result, status Status, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %s, want %s (error %q, evidence %v)", r.Status, status, r.Error, r.Evidence)
	}
	for _, w := range want {
		if !strings.Contains(r.Error, w) {
			t.Fatalf("error %q, want it to contain %q", r.Error, w)
		}
	}
	if status == Up && (r.Error != "" || r.Reason != "") {
		t.Fatalf("up with error %q, reason %q", r.Error, r.Reason)
	}
	if status != Up && !slices.Contains(Reasons(), r.Reason) {
		t.Fatalf("%s with reason %q, want one of Reasons()", status, r.Reason)
	}
	if r.At.IsZero() {
		t.Fatal("result without At")
	}
}

// because fails the test unless r's reason is reason.
func because(t testing.TB, r Result, reason string) {
	t.Helper()
	if r.Reason != reason {
		t.Fatalf("reason %q, want %q (error %q)", r.Reason, reason, r.Error)
	}
}

// fieldRules lists "field rule" for each violation of a validation error.
func fieldRules(t testing.TB, err error) []string {
	t.Helper()
	var e *desk.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *desk.Error", err, err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+" "+f.Rule)
	}
	return out
}

// listen opens a TCP listener on loopback, closed when the test ends.
func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func portOf(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return atoi(t, p)
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// closedPort returns a loopback port that nothing listens on (one just closed).
func closedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := portOf(t, ln.Addr().String())
	ln.Close()
	return p
}

// serveTCP accepts connections and hands each to h, until the test ends.
func serveTCP(t testing.TB, h func(net.Conn)) int {
	t.Helper()
	ln := listen(t)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				h(conn)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return portOf(t, ln.Addr().String())
}

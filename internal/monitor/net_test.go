package monitor

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// tlsServer serves TLS with cert on loopback, completing handshakes and nothing more.
func tlsServer(t *testing.T, cert tls.Certificate) int {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	return serveTCP(t, func(conn net.Conn) {
		tc := tls.Server(conn, cfg)
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		_ = tc.Handshake()
		_, _ = tc.Read(make([]byte, 1)) // until the client leaves
	})
}

func TestTLS(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	c := &Checker{RootCAs: ca.pool}
	day := 24 * time.Hour
	for _, tc := range []struct {
		name     string
		notAfter time.Duration
		extra    map[string]any
		status   Status
		errs     []string
		daysLeft string
	}{
		{"valid", 90*day + time.Hour, nil, Up, nil, "90"},
		{"ten days: warn", 10*day + time.Hour, nil, Degraded, []string{"expires in 10 days", "fewer than 14"}, "10"},
		{"two days: fail", 2*day + time.Hour, nil, Down, []string{"expires in 2 days", "fewer than 3"}, "2"},
		{"ten days, warn at 7", 10*day + time.Hour, map[string]any{"warn_days": 7, "fail_days": 1}, Up, nil, "10"},
		{"two days, fail at 1", 2*day + time.Hour, map[string]any{"warn_days": 7, "fail_days": 1}, Degraded, []string{"expires in 2 days"}, "2"},
		{"expired", -day + time.Hour, nil, Down, []string{"expired"}, "-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			notAfter := time.Now().Add(tc.notAfter)
			port := tlsServer(t, ca.leaf(t, notAfter))
			s := map[string]any{"host": "127.0.0.1", "port": port}
			for k, v := range tc.extra {
				s[k] = v
			}
			r := run(t, c, KindTLS, settings(t, s))
			expect(t, r, tc.status, tc.errs...)
			if tc.status != Up {
				want := ReasonCertExpiring
				if tc.name == "expired" {
					want = ReasonCertInvalid
				}
				because(t, r, want)
			}
			if r.Evidence["days_left"] != tc.daysLeft {
				t.Errorf("days_left %q, want %s (evidence %v)", r.Evidence["days_left"], tc.daysLeft, r.Evidence)
			}
			if r.Evidence["not_after"] != notAfter.UTC().Truncate(time.Second).Format(time.RFC3339) || !strings.Contains(r.Evidence["issuer"], "Meldpunt test CA") || !strings.Contains(r.Evidence["subject"], "localhost") {
				t.Errorf("evidence %v", r.Evidence)
			}
		})
	}
	t.Run("untrusted chain", func(t *testing.T) {
		t.Parallel()
		port := tlsServer(t, ca.leaf(t, time.Now().Add(90*day)))
		r := run(t, &Checker{}, KindTLS, settings(t, map[string]any{"host": "127.0.0.1", "port": port}))
		expect(t, r, Down, "the certificate is not valid", "unknown authority")
		because(t, r, ReasonCertInvalid)
	})
	t.Run("wrong name", func(t *testing.T) {
		t.Parallel()
		port := tlsServer(t, ca.leaf(t, time.Now().Add(90*day)))
		r := run(t, c, KindTLS, settings(t, map[string]any{"host": "127.0.0.1", "port": port, "server_name": "shop.example.com"}))
		expect(t, r, Down, "the certificate is not valid", "shop.example.com")
	})
	t.Run("not TLS", func(t *testing.T) {
		t.Parallel()
		port := serveTCP(t, func(conn net.Conn) { conn.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n")) })
		r := run(t, c, KindTLS, settings(t, map[string]any{"host": "127.0.0.1", "port": port}))
		expect(t, r, Down, "TLS handshake failed")
		because(t, r, ReasonTLS)
	})
}

func TestTCP(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	ln := listen(t)
	r := run(t, c, KindTCP, settings(t, map[string]any{"host": "127.0.0.1", "port": portOf(t, ln.Addr().String())}))
	expect(t, r, Up)
	if r.Evidence["address"] != ln.Addr().String() {
		t.Errorf("evidence %v", r.Evidence)
	}
	expect(t, run(t, c, KindTCP, settings(t, map[string]any{"host": "127.0.0.1", "port": closedPort(t)})), Down, "connection refused")

	// An IPv6 address, bare or in brackets.
	ln6, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	t.Cleanup(func() { ln6.Close() })
	for _, host := range []string{"::1", "[::1]"} {
		expect(t, run(t, c, KindTCP, settings(t, map[string]any{"host": host, "port": portOf(t, ln6.Addr().String())})), Up)
	}
}

// dnsServer answers for example.test on loopback UDP with miekg/dns.
func dnsServer(t *testing.T) string {
	t.Helper()
	zone := map[uint16][]string{
		dns.TypeA:     {"www.example.test. 60 IN A 192.0.2.10", "www.example.test. 60 IN A 192.0.2.11"},
		dns.TypeAAAA:  {"www.example.test. 60 IN AAAA 2001:db8::10"},
		dns.TypeMX:    {"www.example.test. 60 IN MX 10 mail.example.test.", "www.example.test. 60 IN MX 20 backup.example.test."},
		dns.TypeTXT:   {`www.example.test. 60 IN TXT "v=spf1 " "-all"`},
		dns.TypeNS:    {"www.example.test. 60 IN NS ns1.example.test."},
		dns.TypeCNAME: {"www.example.test. 60 IN CNAME web.example.test."},
	}
	mux := dns.NewServeMux()
	mux.HandleFunc("example.test.", func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		q := req.Question[0]
		switch strings.ToLower(q.Name) {
		case "www.example.test.":
			for _, s := range zone[q.Qtype] {
				rr, err := dns.NewRR(s)
				if err != nil {
					panic(err)
				}
				m.Answer = append(m.Answer, rr)
			}
		case "empty.example.test.":
		case "broken.example.test.":
			m.Rcode = dns.RcodeServerFailure
		case "silent.example.test.":
			return // no answer at all
		default:
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: mux, NotifyStartedFunc: func() { close(started) }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.ActivateAndServe()
	}()
	<-started
	t.Cleanup(func() {
		_ = srv.Shutdown()
		<-done
	})
	return pc.LocalAddr().String()
}

func TestDNS(t *testing.T) {
	t.Parallel()
	addr := dnsServer(t)
	c := &Checker{Resolver: addr}
	for _, tc := range []struct {
		name   string
		s      map[string]any
		status Status
		errs   []string
		answer string
	}{
		{"A any", map[string]any{"name": "www.example.test"}, Up, nil, "192.0.2.10, 192.0.2.11"},
		{"A expected, any order", map[string]any{"name": "www.example.test", "expect": []string{"192.0.2.11", "192.0.2.10"}}, Up, nil, ""},
		{"A missing one", map[string]any{"name": "www.example.test", "expect": []string{"192.0.2.10", "192.0.2.12"}}, Down, []string{"missing 192.0.2.12", "unexpected 192.0.2.11"}, ""},
		{"AAAA", map[string]any{"name": "www.example.test", "type": "AAAA", "expect": []string{"2001:0db8:0:0::10"}}, Up, nil, "2001:db8::10"},
		{"MX by host", map[string]any{"name": "www.example.test", "type": "MX", "expect": []string{"mail.example.test", "BACKUP.example.test."}}, Up, nil, "10 mail.example.test, 20 backup.example.test"},
		{"MX with preference", map[string]any{"name": "www.example.test", "type": "MX", "expect": []string{"20 mail.example.test", "20 backup.example.test"}}, Down, []string{"missing 20 mail.example.test", "unexpected 10 mail.example.test"}, ""},
		{"TXT", map[string]any{"name": "www.example.test", "type": "TXT", "expect": []string{"v=spf1 -all"}}, Up, nil, "v=spf1 -all"},
		{"NS", map[string]any{"name": "www.example.test", "type": "NS", "expect": []string{"ns1.example.test"}}, Up, nil, ""},
		{"CNAME", map[string]any{"name": "www.example.test", "type": "CNAME", "expect": []string{"web.example.test."}}, Up, nil, ""},
		{"no records", map[string]any{"name": "empty.example.test"}, Down, []string{"no A record for empty.example.test"}, ""},
		{"NXDOMAIN", map[string]any{"name": "nope.example.test"}, Down, []string{"NXDOMAIN"}, ""},
		{"SERVFAIL", map[string]any{"name": "broken.example.test"}, Down, []string{"SERVFAIL"}, ""},
		{"settings' resolver wins", map[string]any{"name": "www.example.test", "resolver": addr}, Up, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, c, KindDNS, settings(t, tc.s))
			expect(t, r, tc.status, tc.errs...)
			switch {
			case tc.status == Up:
			case strings.HasPrefix(tc.name, "A missing"), strings.HasPrefix(tc.name, "MX with"):
				because(t, r, ReasonDNSAnswer)
			default:
				because(t, r, ReasonDNS)
			}
			if tc.answer != "" && r.Evidence["answer"] != tc.answer {
				t.Errorf("answer %q, want %q", r.Evidence["answer"], tc.answer)
			}
		})
	}
	t.Run("silent resolver", func(t *testing.T) {
		t.Parallel()
		r := c.Run(context.Background(), KindDNS, settings(t, map[string]any{"name": "silent.example.test"}), 300*time.Millisecond)
		// "the resolver … did not answer: no answer within the timeout", or, when a busy
		// machine keeps the exchange from returning in time, Run's own cut.
		expect(t, r, Down, "no answer within the timeout")
		because(t, r, ReasonTimeout)
	})
	t.Run("a resolver that is not there", func(t *testing.T) {
		t.Parallel()
		// A UDP port just closed: the ICMP port-unreachable ends the query, or the timeout does.
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		gone := pc.LocalAddr().String()
		pc.Close()
		r := c.Run(context.Background(), KindDNS, settings(t, map[string]any{"name": "www.example.test", "resolver": gone}), 300*time.Millisecond)
		expect(t, r, Down)
		if !strings.Contains(r.Error, "the resolver "+gone+" did not answer") && !strings.Contains(r.Error, "no answer within the timeout") {
			t.Fatalf("error %q, want it to say the resolver did not answer", r.Error)
		}
	})
}

// TestPing: an echo to loopback is answered where the process may send ICMP; where it may
// not, the check says so clearly.
func TestPing(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	r := run(t, c, KindPing, settings(t, map[string]any{"host": "127.0.0.1", "count": 3}))
	if conn, _, err := listenICMP(false); err != nil {
		if !errors.Is(err, ErrNoICMP) {
			t.Fatalf("listen: %v", err)
		}
		expect(t, r, Down, "this process may not send ICMP")
		t.Skipf("ICMP not permitted here, and said so: %s", r.Error)
	} else {
		conn.Close()
	}
	expect(t, r, Up)
	if r.Evidence["sent"] != "3" || r.Evidence["received"] != "3" || r.Evidence["rtt_ms"] == "" {
		t.Errorf("evidence %v", r.Evidence)
	}
	// Many checks at once each see their own replies.
	results := make(chan Result, 8)
	for range 8 {
		go func() { results <- run(t, c, KindPing, settings(t, map[string]any{"host": "127.0.0.1", "count": 2})) }()
	}
	for range 8 {
		expect(t, <-results, Up)
	}
}

// TestPingNotPermitted runs a ping check in a child process without privileges (as user
// nobody), where the system gives it neither a raw socket nor, unless ping_group_range
// allows its group, an unprivileged ping socket: the check must say so, clearly. Where the
// child may ping after all, it must simply be up.
func TestPingNotPermitted(t *testing.T) {
	if os.Getenv("MELDPUNT_PING_CHILD") == "1" {
		r := (&Checker{}).Run(context.Background(), KindPing, json.RawMessage(`{"host":"127.0.0.1"}`), 5*time.Second)
		_ = json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to start a child as nobody; TestPing covers this process's own permission")
	}
	// The test binary may sit in a directory nobody cannot read: run a copy from one it can.
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // the test's temporary root, and its folder
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "monitor.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^TestPingNotPermitted$", "-test.count", "1")
	cmd.Env = append(os.Environ(), "MELDPUNT_PING_CHILD=1", "GOCOVERDIR="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot run a child as nobody here: %v", err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	var r Result
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if r.Status == Up {
		t.Logf("nobody may ping here (ping_group_range allows it): up")
		return
	}
	if r.Status != Down || r.Reason != ReasonNoICMP || !strings.Contains(r.Error, "this process may not send ICMP") || !strings.Contains(r.Error, "ping_group_range") {
		t.Fatalf("result %+v, want down saying the process may not send ICMP and what would allow it", r)
	}
	t.Logf("as nobody: %s", r.Error)
}

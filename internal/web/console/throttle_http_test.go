package console_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/console"
	"meldpunt/internal/web/server"
)

// behindProxy returns e served by a second server, on the same app, that trusts proxies
// (a comma-separated list, as --trusted-proxies takes it), with a log of its own.
func behindProxy(t *testing.T, e *env, proxies string) *env {
	t.Helper()
	p, err := web.ParseProxies(proxies)
	if err != nil {
		t.Fatal(err)
	}
	c := *e
	c.logs = &logBuffer{}
	log := slog.New(slog.NewTextHandler(c.logs, nil))
	c.srv = httptest.NewServer(server.Handler(server.Config{BaseURL: e.srv.URL, Texts: loadTexts(t), TrustedProxies: p}, e.app, log, prometheus.NewRegistry()))
	t.Cleanup(c.srv.Close)
	return &c
}

// attempts posts the sign-in form n times with one csrf token, the page's.
func (c *client) attempts(n int, form func(i int) url.Values) []page {
	c.t.Helper()
	csrf := csrfFor(c.t, c.get("/login"), "/login")
	ps := make([]page, n)
	for i := range n {
		f := form(i)
		f.Set("csrf", csrf)
		ps[i] = c.post("/login", f)
	}
	return ps
}

// TestSignInThrottlePerAccount: failures for one account throttle that account, not a
// right password for another account from the same address (issue 10, finding 2).
func TestSignInThrottlePerAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		attacker, colleague := e.client(), e.client() // both from 127.0.0.1
		for i, p := range attacker.attempts(console.SignInsPerAccount, func(int) url.Values {
			return url.Values{"email": {e.agent.Email}, "password": {"not the password"}}
		}) {
			if p.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, p.status)
			}
		}
		// The account is throttled, for everyone, even with the right password.
		good := url.Values{"email": {e.agent.Email}, "password": {password}}
		p := colleague.submit("/login", "/login", good)
		expect(t, p, http.StatusTooManyRequests, "voor dit account")
		if p.header.Get("Retry-After") != "900" {
			t.Errorf("Retry-After %q", p.header.Get("Retry-After"))
		}
		if !strings.Contains(e.logs.String(), "sign-in throttled: too many failures for one account") ||
			!strings.Contains(e.logs.String(), "account="+e.agent.Email) {
			t.Errorf("the throttle was not logged:\n%s", e.logs)
		}
		// Another account from the same address signs in, and so does the attacker's own.
		colleague.signIn(e.acmeUser)
		attacker.signIn(e.expert)
		// A failure for another account is still an ordinary failure.
		expect(t, e.client().submit("/login", "/login", url.Values{"email": {e.admin.Email}, "password": {"wrong"}}),
			http.StatusUnauthorized)
	})
}

// TestSignInThrottlePerAddress: an address that fails too often gets 429 for its
// failures, but a right password from it still signs in.
func TestSignInThrottlePerAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		ps := c.attempts(console.SignInsPerAddress, failures(e))
		for i, p := range ps {
			if p.status != http.StatusUnauthorized && p.status != http.StatusTooManyRequests {
				t.Fatalf("failure %d: %d", i+1, p.status)
			}
		}
		// The address failed too often: a failure for another account says so.
		expect(t, c.submit("/login", "/login", url.Values{"email": {e.admin.Email}, "password": {"guess"}}),
			http.StatusTooManyRequests, "Vanaf uw netwerk")
		if !strings.Contains(e.logs.String(), "sign-in throttled: too many failures from one address") {
			t.Errorf("the throttle was not logged:\n%s", e.logs)
		}
		// A right password for an account that is not throttled signs in all the same.
		c.signIn(e.agent)
		e.client().signIn(e.acmeUser)
	})
}

// failures are failed sign-ins, all for one account: the first ones are checked, and
// those after the account's limit are refused unchecked, which keeps a test quick. Every
// one counts for the address.
func failures(e *env) func(int) url.Values {
	return func(int) url.Values { return url.Values{"email": {e.globexUser.Email}, "password": {"guess"}} }
}

// TestSignInBadEmail: an email with a NUL, invalid UTF-8 or too long is a failed sign-in
// (never a 500, never a query: PostgreSQL refuses a NUL), and counts (issue 10, finding 1).
// A reset request for one is invalid input, and counts too.
func TestSignInBadEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, bad := range []string{"user\x00@acme.test", "user\xff@acme.test", strings.Repeat("a", 300) + "@acme.test"} {
			c := e.client()
			for i, p := range c.attempts(console.SignInsPerAccount, func(int) url.Values {
				return url.Values{"email": {bad}, "password": {password}}
			}) {
				// Invalid input, named next to its field, that counts as a failed sign-in.
				if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="email-error"`) {
					t.Errorf("sign-in with %q: %d\n%s", bad, p.status, p.body)
				}
				if t.Failed() {
					t.Fatalf("%q, attempt %d", bad, i+1)
				}
			}
			expect(t, c.submit("/login", "/login", url.Values{"email": {bad}, "password": {password}}), http.StatusTooManyRequests)

			for i := range console.ResetsPerAccount {
				p := c.submit("/password/forgot", "/password/forgot", url.Values{"email": {bad}})
				if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="email-error"`) {
					t.Fatalf("reset %q, request %d: %d\n%s", bad, i+1, p.status, p.body)
				}
			}
			expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {bad}}), http.StatusTooManyRequests)
		}
		if strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("errors were logged:\n%s", e.logs)
		}
	})
}

// TestPasswordResetThrottlePerAddress: one address asking for links for many email
// addresses is stopped; one email address asked for too often is stopped for everyone,
// but not another email address from the same client.
func TestPasswordResetThrottlePerAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		for range console.ResetsPerAccount {
			expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@example.com"}}), http.StatusOK)
		}
		// An unknown address is throttled as a known one is: the answer tells nothing.
		expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@example.com"}}),
			http.StatusTooManyRequests, "Voor dit e-mailadres")
		expect(t, e.client().submit("/password/forgot", "/password/forgot", url.Values{"email": {"NOBODY@example.com "}}),
			http.StatusTooManyRequests, "Voor dit e-mailadres")
		// Another email address from the same client goes through.
		expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {e.acmeUser.Email}}),
			http.StatusOK, "Als er een account is voor")
		sent := console.ResetsPerAccount + 3
		for i := sent; i < console.ResetsPerAddress; i++ {
			expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {fmt.Sprintf("n%d@example.com", i)}}), http.StatusOK)
		}
		p := c.submit("/password/forgot", "/password/forgot", url.Values{"email": {e.acmeUser2.Email}})
		expect(t, p, http.StatusTooManyRequests, "Vanaf uw netwerk")
		if p.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		if !strings.Contains(e.logs.String(), "password resets throttled: too many requests from one address") {
			t.Errorf("the throttle was not logged:\n%s", e.logs)
		}
	})
}

// TestTrustedProxies: X-Forwarded-For names the client only when the peer is a trusted
// proxy; the throttles, the audit log (through the session's address) and the request
// log all use that address.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		other := func(i int) url.Values { return url.Values{"email": {e.admin.Email}, "password": {"guess"}} }
		t.Run("untrusted peer: the header is ignored", func(t *testing.T) {
			s := behindProxy(t, e, "192.0.2.0/24") // not the test's peer
			c := s.client()
			c.header.Set("X-Forwarded-For", "203.0.113.1")
			c.attempts(console.SignInsPerAddress, failures(e))
			// Another "client" by the header is the same peer: throttled.
			c.header.Set("X-Forwarded-For", "203.0.113.2")
			expect(t, c.attempts(1, other)[0], http.StatusTooManyRequests, "Vanaf uw netwerk")
			c.signIn(e.acmeUser)
			if !strings.Contains(s.logs.String(), "remote=127.0.0.1") || strings.Contains(s.logs.String(), "203.0.113.") {
				t.Errorf("the request log names a forwarded address from an untrusted peer:\n%s", s.logs)
			}
			if addr := lastSignInAddress(t, e, e.acmeUser.ID); addr != "127.0.0.1" {
				t.Errorf("the sign-in was audited from %q", addr)
			}
		})
		t.Run("trusted peer: the header names the client", func(t *testing.T) {
			s := behindProxy(t, e, "127.0.0.1, ::1")
			c := s.client()
			c.header.Set("X-Forwarded-For", "198.51.100.7, 203.0.113.1")
			c.attempts(console.SignInsPerAddress, failures(e))
			expect(t, c.attempts(1, other)[0], http.StatusTooManyRequests, "Vanaf uw netwerk")
			// Another client behind the same proxy is not throttled for it.
			c.header.Set("X-Forwarded-For", "203.0.113.2")
			expect(t, c.attempts(1, other)[0], http.StatusUnauthorized)
			c.signIn(e.acmeUser2)
			if !strings.Contains(s.logs.String(), "remote=203.0.113.2") || !strings.Contains(s.logs.String(), "remote=203.0.113.1") {
				t.Errorf("the request log does not name the forwarded client:\n%s", s.logs)
			}
			if addr := lastSignInAddress(t, e, e.acmeUser2.ID); addr != "203.0.113.2" {
				t.Errorf("the sign-in was audited from %q", addr)
			}
		})
	})
}

// lastSignInAddress returns the address of the user's newest sign-in in the audit log.
func lastSignInAddress(t *testing.T, e *env, userID int64) string {
	t.Helper()
	return auditAddress(t, e, userID, "sign_in")
}

// auditAddress returns the address of the newest audit entry of the user with action.
func auditAddress(t *testing.T, e *env, userID int64, action string) string {
	t.Helper()
	var addr string
	f := desk.AuditFilter{Entity: "user", EntityID: userID, Limit: 500}
	for {
		p, err := e.app.Audit.List(context.Background(), desk.SystemActor("test"), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Items {
			if a.Action == action {
				addr = a.Address
			}
		}
		if p.Next == 0 {
			return addr
		}
		f.After = p.Next
	}
}

// TestSignInThrottleParallel: attempts made at once for one account cannot all pass the
// throttle before the first of them fails.
func TestSignInThrottleParallel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		csrf := csrfFor(t, c.get("/login"), "/login")
		const n = 3 * console.SignInsPerAccount
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				f := url.Values{"email": {e.agent.Email}, "password": {"guess"}, "csrf": {csrf}}
				req, _ := http.NewRequest(http.MethodPost, c.base+"/login", strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := c.http.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses <- res.StatusCode
			})
		}
		wg.Wait()
		close(statuses)
		checked := 0
		for st := range statuses {
			switch st {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
			default:
				t.Errorf("status %d", st)
			}
		}
		if checked > console.SignInsPerAccount {
			t.Errorf("%d of %d parallel guesses were checked; the limit is %d", checked, n, console.SignInsPerAccount)
		}
	})
}

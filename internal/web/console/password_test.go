package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()

		// An unknown address gets the same answer and writes no link.
		p := c.submit("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@example.com"}})
		expect(t, p, http.StatusOK, "Als er een account is voor nobody@example.com")
		if strings.Contains(e.logs.String(), "password reset requested") {
			t.Fatalf("a reset was logged for an unknown address:\n%s", e.logs)
		}
		expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {""}}),
			http.StatusUnprocessableEntity, "Vul dit veld in.")

		p = c.submit("/password/forgot", "/password/forgot", url.Values{"email": {strings.ToUpper(e.acmeUser.Email)}})
		expect(t, p, http.StatusOK, "Als er een account is voor")
		// The link goes out by email (the outbox), never into the log.
		if strings.Contains(e.logs.String(), "token=") {
			t.Fatalf("the reset link was logged:\n%s", e.logs)
		}
		m := []string{"", resetLink(t, e, db, e.acmeUser)}
		link, err := url.Parse(m[1])
		if err != nil || link.Query().Get("token") == "" {
			t.Fatalf("reset link %q: %v", m[1], err)
		}
		resetPage := link.RequestURI()
		expect(t, c.get(resetPage), http.StatusOK, "Nieuw wachtwoord", `name="password2"`)

		// Errors next to the fields; the link is not used up by them.
		p = c.submit(resetPage, "/password/reset", url.Values{"token": {link.Query().Get("token")}, "password": {"short"}, "password2": {"short"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="password-error"`, "Gebruik minstens 10 tekens.")
		p = c.submit(resetPage, "/password/reset", url.Values{"token": {link.Query().Get("token")}, "password": {"a new password 1"}, "password2": {"a new password 2"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="password2-error"`, "niet gelijk")

		newPW := "a brand new password"
		form := url.Values{"token": {link.Query().Get("token")}, "password": {newPW}, "password2": {newPW}}
		p = c.submit(resetPage, "/password/reset", form)
		if p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("reset: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, c.get(p.location), http.StatusOK, "Uw wachtwoord is gewijzigd.")

		// The new password works, the old one not.
		bad := c.submit("/login", "/login", url.Values{"email": {e.acmeUser.Email}, "password": {password}})
		expect(t, bad, http.StatusUnauthorized)
		good := c.submit("/login", "/login", url.Values{"email": {e.acmeUser.Email}, "password": {newPW}})
		if good.status != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", good.status)
		}

		// The link works once.
		form.Set("password", "yet another password")
		form.Set("password2", "yet another password")
		p = c.submit(resetPage, "/password/reset", form)
		expect(t, p, http.StatusUnprocessableEntity, "Deze link werkt niet", `href="/password/forgot"`)

		// No token at all.
		expect(t, c.get("/password/reset"), http.StatusOK, "Deze link werkt niet")
	})
}

func TestPasswordResetThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		for i := range 5 {
			p := c.submit("/password/forgot", "/password/forgot", url.Values{"email": {e.acmeUser.Email}})
			expect(t, p, http.StatusOK, "Als er een account is voor")
			if n := strings.Count(e.logs.String(), "password reset requested"); n != i+1 {
				t.Fatalf("after %d requests %d links were logged", i+1, n)
			}
		}
		p := c.submit("/password/forgot", "/password/forgot", url.Values{"email": {e.acmeUser.Email}})
		expect(t, p, http.StatusTooManyRequests, "te veel herstellinks", e.acmeUser.Email)
		if n := strings.Count(e.logs.String(), "password reset requested"); n != 5 {
			t.Errorf("a throttled request still made a link: %d links", n)
		}
	})
}

// resetLink returns the link of the newest password-reset email queued for u, read from
// the outbox itself: every list the app offers blanks it.
func resetLink(t *testing.T, e *env, db *store.DB, u desk.User) string {
	t.Helper()
	ctx := context.Background()
	if ns, err := e.app.Outbox.Notifications(ctx, queueActor(u)); err != nil || len(ns) == 0 || strings.Contains(ns[len(ns)-1].Payload, "token") {
		t.Fatalf("the app shows the reset link: %+v (%v)", ns, err)
	}
	var ns []desk.Notification
	if err := db.Read(ctx, func(tx app.Tx) (err error) { ns, err = tx.Notifications(ctx, u.ID); return err }); err != nil {
		t.Fatal(err)
	}
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].Kind == desk.NotifyPasswordReset && ns[i].IncidentID == nil {
			var p struct{ URL string }
			if err := json.Unmarshal([]byte(ns[i].Payload), &p); err != nil {
				t.Fatal(err)
			}
			return p.URL
		}
	}
	t.Fatalf("no password-reset email queued for %s", u.Email)
	return ""
}

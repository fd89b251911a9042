package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestWriteError covers the errors the middleware raises on page routes, which
// console.WriteError answers.
func TestWriteError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		t.Run("a bad API token on a page leads to the sign-in page", func(t *testing.T) {
			c := e.client()
			c.header.Set("Authorization", "Bearer mp_not-a-token")
			p := c.get("/incidents")
			if p.status != http.StatusSeeOther || p.location != "/login?next="+url.QueryEscape("/incidents") {
				t.Fatalf("%d %q\n%s", p.status, p.location, p.body)
			}
		})

		t.Run("an internal error shows the request id and nothing else", func(t *testing.T) {
			c := e.client()
			c.header.Set("Accept-Language", "en")
			c.signIn(e.agent)
			if err := db.Close(); err != nil { // every query fails from now on
				t.Fatal(err)
			}
			p := c.get("/incidents")
			rid := p.header.Get("X-Request-Id")
			expect(t, p, http.StatusInternalServerError, "Something went wrong", rid, `<html lang="en">`)
			if rid == "" {
				t.Fatal("no request id")
			}
			expectNot(t, p, "closed", "sql")
			if logs := e.logs.String(); !strings.Contains(logs, "internal error") || !strings.Contains(logs, "request_id="+rid) {
				t.Errorf("the error is not logged with its request id:\n%s", logs)
			}
		})
	})
}

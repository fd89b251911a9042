package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestIncidentSearchText: words the incident list cannot be searched for (a NUL, which gave
// 500 on PostgreSQL, invalid UTF-8, a bidi control, too many) are named next to the search
// field with the words kept and status 422, never 500 (issue 10, finding 1).
func TestIncidentSearchText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tests := []struct {
			name, q string
			msg     string
			kept    string
		}{
			{"NUL", "%00", "Gebruik geen stuurtekens.", "value=\"\uFFFD\""},
			{"NUL between words", "kassa%00ligt", "Gebruik geen stuurtekens.", "value=\"kassa\uFFFDligt\""},
			{"invalid UTF-8", "caf%C3", "Deze tekst bevat ongeldige tekens.", "value=\"caf\uFFFD\""},
			{"a right-to-left override", "exe%E2%80%AEgnp", "Verwijder de verborgen tekens voor de schrijfrichting", `value="exe` + "\u202e" + `gnp"`},
			{"too many words", strings.Repeat("%C3%A9", 201), "200 tekens", `value="` + strings.Repeat("é", 201) + `"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, u := range [...]desk.User{e.agent, e.acmeUser} {
					c := e.client()
					c.signIn(u)
					p := c.get("/incidents?q=" + tt.q)
					expect(t, p, http.StatusUnprocessableEntity, `id="q-error"`, `aria-describedby="q-error"`, tt.msg, tt.kept,
						`<a href="#q">Zoek in de titel: `)
					expectNot(t, p, e.acmeInc.Title)
				}
			})
		}
		t.Run("words that are fine", func(t *testing.T) {
			c := e.client()
			c.signIn(e.agent)
			p := c.get("/incidents?q=checkout")
			expect(t, p, http.StatusOK, e.acmeInc.Title)
			expectNot(t, p, `id="q-error"`)
			// 151 characters in 301 bytes: the list once cut the words at 200 bytes, in the
			// middle of an é, and PostgreSQL refused the broken text with 500.
			p = c.get("/incidents?q=x" + strings.Repeat("%C3%A9", 150))
			expect(t, p, http.StatusOK, "Er zijn geen meldingen")
		})
	})
}

// TestReportDisguisedTitle: a report titled with zero-width characters only, or with a
// right-to-left override, is refused with the message next to the title and every value
// kept; nothing is stored (issue 10, finding 11).
func TestReportDisguisedTitle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, tt := range []struct{ name, title, msg string }{
			{"zero-width characters only", "\u200b\u200c\u2060\ufeff", "Schrijf zichtbare tekst"},
			{"a right-to-left override", "factuur \u202egnp.exe", "Verwijder de verborgen tekens voor de schrijfrichting"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := e.client()
				c.signIn(e.acmeUser)
				before := e.count(e.acme)
				form := answerForm(regularAnswers, "step", "submit", "title", tt.title, "description", "Geen betalingen.",
					"affected", "kassa", "accept_procedure", "1")
				p := c.uploadForm("/report", "/report", form, nil)
				expect(t, p, http.StatusUnprocessableEntity, `id="title-error"`, `aria-describedby="title-error"`, tt.msg,
					`value="`+tt.title+`"`, ">Geen betalingen.</textarea>", `value="kassa"`)
				expectAnswers(t, p, regularAnswers)
				if after := e.count(e.acme); after != before {
					t.Errorf("the report was stored: %d → %d", before, after)
				}
			})
		}
	})
}

// TestStoredBidiTitleShownPlain: a title stored before bidi controls were refused (issue
// 10, finding 11) shows without them in the lists and on its page, so "invoice
// \u202Egnp.exe" cannot read as "invoice exe.png".
func TestStoredBidiTitleShownPlain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		err := db.Write(ctx, func(tx app.Tx) error {
			inc, err := tx.Incident(ctx, e.acmeInc.ID)
			if err != nil {
				return err
			}
			inc.Title = "invoice \u202egnp.exe"
			return tx.UpdateIncident(ctx, &inc)
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn(e.agent)
		for _, path := range []string{"/incidents", "/queue", "/incidents/" + e.acmeInc.Number} {
			p := c.get(path)
			expect(t, p, http.StatusOK, "invoice gnp.exe")
			expectNot(t, p, "\u202e")
		}
	})
}

// TestFilterQueriesNeverFail: a NUL or invalid UTF-8 in any query parameter of the pages
// with filters never gives 5xx; the parameters other than q are read as ids, cursors,
// months or words from a closed list, and one that is not is left out of the filter.
func TestFilterQueriesNeverFail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, u := range []desk.User{e.admin, e.acmeAdmin} {
			c := e.client()
			c.signIn(u)
			for _, path := range []string{
				"/incidents?state=%s&open=%s&org=%s&after=%s",
				"/queue?org=%s&priority=%s&state=%s&kind=%s&owner=%s&assignee=%s&supplier=%s&after=%s",
				"/admin/outbox?state=%s&via=%s&after=%s", "/changes?state=%s&after=%s",
				"/reports/sla?org=%s&month=%s", "/reports/sla.csv?org=%s&month=%s", "/intake?org=%s", "/triage?x=%s",
				"/suppliers?x=%s", "/calendars?x=%s", "/admin/webhooks?x=%s", "/account/notifications?x=%s",
				"/incidents/%s", "/incidents/1/attachments/%s", "/admin/webhooks/%s", "/calendars/%s", "/changes/%s",
				"/solution/%s", "/password/reset?token=%s", "/setup?token=%s", "/login?next=%s",
			} {
				for _, bad := range []string{"%00", "x%00", "%FF", "%E2%80%AE"} {
					p := c.get(strings.ReplaceAll(path, "%s", bad))
					if p.status >= 500 {
						t.Errorf("%s as %s with %s: %d", path, u.Role, bad, p.status)
					}
				}
			}
		}
	})
}

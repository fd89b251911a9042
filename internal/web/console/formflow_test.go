package console_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestFormsBehaveAlike tries the forms as a new user would: what a failed form says and
// where, what it keeps, a body over its limit, and what success says.
func TestFormsBehaveAlike(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		incPage := "/incidents/" + e.acmeInc.Number
		agent := e.client()
		agent.signIn(e.agent)
		timeline := func() int {
			t.Helper()
			tl, err := e.app.Incidents.Timeline(ctx, desk.SystemActor("test"), e.acmeInc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(tl)
		}

		t.Run("the server's messages, not the browser's: every form has novalidate", func(t *testing.T) {
			for _, path := range []string{incPage, "/report?lang=nl", "/intake", "/suppliers", "/calendars/business", "/admin/questionnaire",
				"/account/notifications", "/queue", "/incidents", "/changes", "/reports/sla"} {
				c := agent
				if path == "/report?lang=nl" {
					c = e.client()
					c.signIn(e.acmeUser)
				}
				if path == "/suppliers" || path == "/calendars/business" || path == "/admin/questionnaire" {
					c = e.client()
					c.signIn(e.admin)
				}
				p := c.get(path)
				forms := regexp.MustCompile(`<form[^>]*>`).FindAllString(p.body, -1)
				if p.status != http.StatusOK || len(forms) == 0 {
					t.Fatalf("%s: %d, %d forms", path, p.status, len(forms))
				}
				for _, f := range forms {
					if !strings.Contains(f, " novalidate") {
						t.Errorf("%s: %s lacks novalidate", path, f)
					}
				}
			}
		})

		t.Run("a failed form: the message at its field, and a summary that takes the focus and links there", func(t *testing.T) {
			before := timeline()
			p := agent.submit(incPage, incPage+"/entries", url.Values{"kind": {"reply"}, "body": {"  "}})
			expect(t, p, http.StatusUnprocessableEntity, `id="reply-body-error"`, `aria-describedby="reply-body-error"`,
				`id="error-summary" tabindex="-1" autofocus`, `<a href="#reply-body">Uw reactie: Vul dit veld in.</a>`)
			if strings.Index(p.body, `id="error-summary"`) > strings.Index(p.body, "<h1>") {
				t.Error("the summary is not at the top of the page")
			}
			if strings.Count(p.body, "autofocus") != 1 {
				t.Errorf("%d elements ask for the focus", strings.Count(p.body, "autofocus"))
			}
			if timeline() != before {
				t.Error("a failed form wrote on the timeline")
			}
			// A page that did not fail has no summary and takes no focus from the person.
			expectNot(t, agent.get(incPage), `id="error-summary"`)
		})

		t.Run("a refused sign-in: the alert takes the focus, not the email field", func(t *testing.T) {
			p := e.client().submit("/login", "/login", url.Values{"email": {e.agent.Email}, "password": {"wrong password!"}})
			expect(t, p, http.StatusUnauthorized, `id="error-summary" tabindex="-1" autofocus`, `value="`+e.agent.Email+`"`)
			if n := strings.Count(p.body, "autofocus"); n != 1 {
				t.Errorf("%d elements ask for the focus", n)
			}
			expect(t, e.client().get("/login"), http.StatusOK, `required autofocus value=""`)
		})

		t.Run("every value sent is kept: the assignment form", func(t *testing.T) {
			s, err := e.app.Suppliers.Create(ctx, actor(e.admin), desk.Supplier{Name: "Hostio", Active: true})
			if err != nil {
				t.Fatal(err)
			}
			sid := strconv.FormatInt(s.ID, 10)
			p := agent.submit(incPage, incPage+"/assign", url.Values{"owner_id": {desk.FormatInt(e.acmeUser.ID)},
				"assignee_id": {desk.FormatInt(e.expert.ID)}, "supplier_id": {sid}, "follow_up_at": {"2099-01-05T10:00"}, "follow_up_was": {""}})
			expect(t, p, http.StatusUnprocessableEntity, `id="owner_id-error"`, `<a href="#owner_id">Eigenaar: `,
				`<option value="`+desk.FormatInt(e.expert.ID)+`" selected>Eva Expert`, `<option value="`+sid+`" selected>Hostio</option>`,
				`id="follow_up_at" name="follow_up_at" value="2099-01-05T10:00"`, `name="follow_up_was" value=""`)
			if got := e.state(e.acmeInc.ID); got.AssigneeID != nil || got.SupplierID != nil || got.FollowUpAt != nil {
				t.Errorf("a failed assignment changed the incident: %+v", got)
			}
		})

		t.Run("a body over the limit is answered in the form, naming the field", func(t *testing.T) {
			before := timeline()
			tok := csrfFor(t, agent.get(incPage), incPage+"/entries")
			// As a browser sends it: the fields in the form's order, the token first.
			body := "csrf=" + url.QueryEscape(tok) + "&kind=reply&body=" + strings.Repeat("a", 2<<20)
			p := agent.raw(http.MethodPost, incPage+"/entries", body, nil)
			expect(t, p, http.StatusRequestEntityTooLarge, `id="reply-body-error"`, "Dit is te groot om te ontvangen (meer dan 1 MB)",
				`<a href="#reply-body">Uw reactie: Dit is te groot`, `id="error-summary"`)
			expectNot(t, p, "Formulier verlopen")
			if timeline() != before {
				t.Error("a cut form wrote on the timeline")
			}
		})

		t.Run("a report with 60 MB of files keeps every answer and names the files", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := e.count(e.acme)
			form := answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "description", "Geen betalingen.",
				"affected", "kassa", "accept_procedure", "1")
			var files []file
			for i := range 6 {
				files = append(files, file{"dump" + strconv.Itoa(i) + ".zip", bytes.Repeat([]byte{byte(i)}, desk.MaxAttachment)})
			}
			p := c.uploadForm("/report", "/report", form, map[string][]file{"files": files})
			expect(t, p, http.StatusRequestEntityTooLarge, `id="files-error"`, "De bestanden zijn samen groter dan 50 MB",
				`<a href="#files">Bestanden (optioneel): De bestanden`, `value="Kassa ligt eruit"`, ">Geen betalingen.</textarea>",
				`value="kassa"`, `name="accept_procedure" value="1" required checked`)
			// As the message says, none of the files was received, and none is listed as kept.
			expectNot(t, p, "Al ontvangen bestanden", `name="pending"`)
			expectAnswers(t, p, urgentAnswers)
			if after := e.count(e.acme); after != before {
				t.Errorf("a cut report was stored: %d → %d", before, after)
			}
		})

		t.Run("success says so once, on the page it returns to, in its language", func(t *testing.T) {
			p := agent.submit(incPage, incPage+"/entries", url.Values{"kind": {"reply"}, "body": {"We are on it."}})
			if p.status != http.StatusSeeOther || p.location != incPage {
				t.Fatalf("reply: %d %q", p.status, p.location)
			}
			expectNot(t, agent.get("/incidents"), "Uw reactie is verstuurd.") // not on another page
			expect(t, agent.get(incPage), http.StatusOK, `<div class="notice" role="status">Uw reactie is verstuurd.</div>`)
			expectNot(t, agent.get(incPage), "Uw reactie is verstuurd.") // once
			en := e.client()
			en.signIn(e.acmeAdmin) // English
			p = en.submit(incPage, incPage+"/entries", url.Values{"kind": {"reply"}, "body": {"Thanks."}})
			expect(t, en.get(p.location), http.StatusOK, `role="status">Your reply was sent.</div>`)
			p = agent.submit(incPage, incPage+"/transition", url.Values{"to": {"triaged"}})
			expect(t, agent.get(p.location), http.StatusOK, `role="status">De status is nu: Beoordeeld.</div>`)
		})
	})
}

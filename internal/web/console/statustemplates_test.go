package console_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusTemplatesAdmin: an admin adds, changes and deletes message templates on
// /admin/status-templates; errors stand next to their field with the input kept; nobody
// else may open the page.
func TestStatusTemplatesAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		admin := e.client()
		admin.signIn(e.admin)
		const page = "/admin/status-templates"
		expect(t, admin.get(page), http.StatusOK, "<h1>Berichtsjablonen</h1>", "Er zijn nog geen berichtsjablonen.",
			`href="/admin/status-templates" aria-current="page"`, `<optgroup label="Onderhoud">`)

		p := admin.submit(page, page, url.Values{"name": {strings.Repeat("x", 101)}, "status": {"postmortem"}, "body_en": {"We are on it."}})
		expect(t, p, http.StatusUnprocessableEntity, `id="template-new-name-error"`, `id="template-new-status-error"`,
			`value="`+strings.Repeat("x", 101)+`"`, "We are on it.</textarea>")
		p = admin.submit(page, page, url.Values{"name": {"Onderzoek"}, "status": {"investigating"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="template-new-body_nl-error"`, `value="Onderzoek"`)

		p = admin.submit(page, page, url.Values{"name": {"Onderzoek"}, "status": {"investigating"},
			"body_nl": {"We onderzoeken de storing."}, "body_en": {"We are investigating."}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get(p.location), http.StatusOK, "Sjabloon Onderzoek is opgeslagen.", "We onderzoeken de storing.")
		ts, err := e.app.StatusTemplates.List(ctx, actor(e.admin))
		if err != nil || len(ts) != 1 || ts[0].Status != "investigating" || ts[0].Body.EN != "We are investigating." {
			t.Fatalf("templates: %v %+v", err, ts)
		}
		id := strconv.FormatInt(ts[0].ID, 10)

		// The same name again is a conflict shown on the form.
		p = admin.submit(page, page, url.Values{"name": {"onderzoek"}, "status": {"identified"}, "body_nl": {"x"}})
		expect(t, p, http.StatusConflict, "Er bestaat al een sjabloon met die naam", `value="onderzoek"`)

		p = admin.submit(page, page+"/"+id, url.Values{"name": {"Oorzaak gevonden"}, "status": {"identified"}, "body_nl": {"De oorzaak is gevonden."}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", p.status, p.body)
		}
		if got, _ := e.app.StatusTemplates.Get(ctx, actor(e.admin), ts[0].ID); got.Name != "Oorzaak gevonden" || got.Body.EN != "" {
			t.Fatalf("after update: %+v", got)
		}
		p = admin.submit(page, page+"/"+id, url.Values{"name": {""}, "status": {"identified"}, "body_nl": {"x"}})
		expect(t, p, http.StatusUnprocessableEntity, `<details class="card" id="template-`+id+`" open>`, `id="template-`+id+`-name-error"`)
		expect(t, admin.get(page+"?lang=en"), http.StatusOK, "<h1>Message templates</h1>", "Oorzaak gevonden", "Identified")

		for name, u := range map[string]desk.User{"agent": e.agent, "expert": e.expert, "client": e.acmeUser} {
			c := e.client()
			c.signIn(u)
			if p := c.get(page); p.status != http.StatusForbidden {
				t.Errorf("%s opens the page: %d", name, p.status)
			}
		}

		p = admin.submit(page, page+"/"+id+"/delete", url.Values{})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get(p.location), http.StatusOK, "Template Oorzaak gevonden is deleted.", "There are no message templates yet.") // the page is in English since ?lang=en
	})
}

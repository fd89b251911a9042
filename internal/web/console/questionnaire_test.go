package console_test

import (
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

func TestQuestionnaireAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.client()
		admin.signIn(e.admin)
		def := desk.DefaultQuestionnaire()

		t.Run("the current version in both languages, and its JSON", func(t *testing.T) {
			p := admin.get("/admin/questionnaire")
			expect(t, p, http.StatusOK, "<h1>Vragenlijst</h1>", `href="/admin/questionnaire" aria-current="page"`,
				`<dd id="questionnaire-version">1</dd>`, def.Hash(), "Is de website, applicatie of het systeem bereikbaar?",
				"Can the website, application or system be reached?", "Nee, helemaal niet", "No, not at all",
				"<code>unavailable</code>", "het is een ontwerp-, layout- of andere visuele aanpassing", "it is a design, layout or other visual change",
				`href="/admin/questionnaire/download"`, `enctype="multipart/form-data"`, `name="definition"`, `name="text"`)
			expect(t, admin.get("/admin/questionnaire?lang=en"), http.StatusOK, "<h1>Questionnaire</h1>", "Download as JSON", "Fingerprint")
			admin.get("/admin/questionnaire?lang=nl")
			d := admin.get("/admin/questionnaire/download")
			if d.status != http.StatusOK || !strings.HasPrefix(d.header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("download: %d %v", d.status, d.header)
			}
			q, err := app.ParseQuestionnaire([]byte(d.body))
			if err != nil || q.Hash() != def.Hash() {
				t.Fatalf("the download does not read back as the definition: %v", err)
			}
		})

		t.Run("errors listed with their paths; the pasted text kept", func(t *testing.T) {
			bad := "questions:\n  - id: availability\n    kind: single\n    text:\n      nl: Bereikbaar?\n    options:\n      - {id: up, text: {nl: Ja, en: Yes}}\nrules:\n  - {question: nothing, any_of: [up], criterion: unavailable}\n"
			p := admin.submit("/admin/questionnaire", "/admin/questionnaire", url.Values{"text": {bad}})
			expect(t, p, http.StatusUnprocessableEntity, "De definitie is niet opgeslagen", "<code>questions[0].text.en</code>",
				"<code>questions[0].options</code>", "<code>rules[0].question</code>", `no question has the id &#34;nothing&#34;`,
				"<code>criteria.financial_damage.nl</code>", "      nl: Bereikbaar?\n    options:")
			p = admin.submit("/admin/questionnaire", "/admin/questionnaire", url.Values{"text": {"questions:\n  - id: a\n    id: b\n"}})
			expect(t, p, http.StatusUnprocessableEntity, "<code>questions[0].id</code>", "Dit veld staat twee keer in hetzelfde deel")
			p = admin.submit("/admin/questionnaire", "/admin/questionnaire", url.Values{"text": {"{not json"}})
			expect(t, p, http.StatusUnprocessableEntity, "<code>definition</code>")
			p = admin.uploadForm("/admin/questionnaire", "/admin/questionnaire", url.Values{}, map[string][]file{"definition": {{"q.yaml", []byte("questions: [")}}})
			expect(t, p, http.StatusUnprocessableEntity, "<code>definition</code>")
			expect(t, admin.get("/admin/questionnaire"), http.StatusOK, `<dd id="questionnaire-version">1</dd>`)
		})

		t.Run("at most 50 problems, and how many more", func(t *testing.T) {
			bad := "questions:\n" + strings.Repeat("  - {id: X, kind: single}\n", 40)
			p := admin.submit("/admin/questionnaire", "/admin/questionnaire", url.Values{"text": {bad}})
			expect(t, p, http.StatusUnprocessableEntity, "<code>questions[0].id</code>", "problemen die hier niet staan")
			list, _, _ := strings.Cut(p.body[strings.Index(p.body, `id="problems"`):], "</ul>")
			if n := strings.Count(list, "<li><code>"); n != desk.MaxFieldErrors+1 {
				t.Errorf("%d problems listed, want %d and a count", n, desk.MaxFieldErrors)
			}
		})

		t.Run("one more problem is one", func(t *testing.T) {
			// 22 problems of the rest, 4 per question X, 2 for Z: 51, one over the cap.
			bad := "criteria:\n  unavailable: {nl: a}\nquestions:\n" + strings.Repeat("  - {id: X, kind: single}\n", 7) +
				"  - {id: Z, kind: single, text: {nl: a, en: b}, options: [{id: up, text: {nl: Ja, en: Yes}}]}\n"
			p := admin.submit("/admin/questionnaire", "/admin/questionnaire", url.Values{"text": {bad}})
			expect(t, p, http.StatusUnprocessableEntity, "Er is nog 1 probleem dat hier niet staat")
		})

		t.Run("a new version from a file", func(t *testing.T) {
			old := e.submit(e.acmeUser, urgentAnswers, "Answered with version 1")
			q := desk.DefaultQuestionnaire()
			q.Questions[0].Text = desk.Text{desk.LocaleNL: "Werkt de site nog?", desk.LocaleEN: "Does the site still work?"}
			b, _ := json.Marshal(q)
			p := admin.uploadForm("/admin/questionnaire", "/admin/questionnaire", url.Values{}, map[string][]file{"definition": {{"q.json", b}}})
			if p.status != http.StatusSeeOther || p.location != "/admin/questionnaire" {
				t.Fatalf("upload: %d %q\n%s", p.status, p.location, p.body)
			}
			expect(t, admin.get(p.location), http.StatusOK, "Versie 2 van de vragenlijst is opgeslagen", `<dd id="questionnaire-version">2</dd>`,
				"Werkt de site nog?", "Does the site still work?", q.Hash())
			// Clients answer the new version.
			c := e.client()
			c.signIn(e.acmeUser)
			expect(t, c.get("/report"), http.StatusOK, "Werkt de site nog?")
			// A report keeps the words it was answered with, for the client and the desk.
			for _, cl := range []*client{c, admin} {
				p := cl.get("/incidents/" + old.Number)
				expect(t, p, http.StatusOK, "Is de website, applicatie of het systeem bereikbaar?", "Versie 1 van de vragenlijst.")
				expectNot(t, p, "Werkt de site nog?")
			}
		})

		t.Run("only admins", func(t *testing.T) {
			for _, u := range []desk.User{e.agent, e.expert, e.acmeUser, e.acmeAdmin} {
				c := e.client()
				c.signIn(u)
				expect(t, c.get("/admin/questionnaire"), http.StatusForbidden)
				expect(t, c.get("/admin/questionnaire/download"), http.StatusForbidden)
				tok := csrfFor(t, c.get("/incidents"), "/logout")
				expect(t, c.post("/admin/questionnaire", url.Values{"csrf": {tok}, "text": {"{}"}}), http.StatusForbidden)
				expectNot(t, c.get("/incidents"), `href="/admin/questionnaire"`)
			}
			expect(t, admin.post("/admin/questionnaire", url.Values{"text": {"{}"}}), http.StatusForbidden)
		})
	})
}

package console_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// pagesPendingIDs returns the ids of the kept files a questionnaire page lists (checked boxes).
func pagesPendingIDs(p page) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`name="pending" value="([^"]+)" checked`).FindAllStringSubmatch(p.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestReportKeepsFiles: the files chosen with a check or a failed submission are kept on the
// server for the session, listed with a box each, and go with the report once it is made;
// a box unchecked leaves its file out, a file no longer kept is asked for again, and
// another session cannot send them.
func TestReportKeepsFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		e.contract(e.acme, "Gold", true, desk.Hours24x7)
		c := e.client()
		c.signIn(e.acmeUser)

		// The check step, without JavaScript: the verdict, and both files kept.
		form := answerForm(urgentAnswers, "step", "check", "title", "Kassa ligt eruit")
		p := c.uploadForm("/report", "/report", form, map[string][]file{"files": {{"kassa.png", png}, {"log.txt", []byte("error at 09:00\n")}}})
		expect(t, p, http.StatusOK, "Dit is een spoedmelding", "Al ontvangen bestanden", `<span class="ut">kassa.png</span>`,
			`<span class="ut">log.txt</span>`, "Meer bestanden (optioneel)")
		ids := pagesPendingIDs(p)
		if len(ids) != 2 {
			t.Fatalf("kept files listed: %v\n%s", ids, p.body)
		}

		// Another session cannot send them: they are not found, and nothing is stored.
		before := e.count(e.acme)
		other := e.client()
		other.signIn(e.acmeUser)
		f := answerForm(urgentAnswers, "step", "submit", "title", "Kassa", "accept_procedure", "1")
		f["pending"], f["pending_shown"] = ids, ids
		p = other.uploadForm("/report", "/report", f, nil)
		expect(t, p, http.StatusUnprocessableEntity, `id="files-error"`, "2 eerder ontvangen bestanden zijn niet meer bewaard",
			`<a href="#files">`, `value="Kassa"`)
		if e.count(e.acme) != before {
			t.Fatal("a report was made without the files it named")
		}

		// Submitted without accepting the procedure: the files stay; log.txt unchecked is
		// left out (and forgotten), a new one is added.
		f = answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit")
		f["pending"], f["pending_shown"] = ids[:1], ids
		p = c.uploadForm("/report", "/report", f, map[string][]file{"files": {{"scherm.png", png}}})
		expect(t, p, http.StatusUnprocessableEntity, `id="accept_procedure-error"`, `<span class="ut">kassa.png</span>`, `<span class="ut">scherm.png</span>`)
		expectNot(t, p, `<span class="ut">log.txt</span>`)
		kept := pagesPendingIDs(p)
		if len(kept) != 2 || kept[0] != ids[0] {
			t.Fatalf("kept after the failed submission: %v (before %v)", kept, ids)
		}
		// log.txt is gone for good: naming it again asks for it.
		f = answerForm(urgentAnswers, "step", "check")
		f["pending"] = ids[1:]
		expect(t, c.uploadForm("/report", "/report", f, nil), http.StatusOK)
		f = answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "accept_procedure", "1")
		f["pending"] = ids[1:]
		expect(t, c.uploadForm("/report", "/report", f, nil), http.StatusUnprocessableEntity, "1 eerder ontvangen bestand is niet meer bewaard")

		// Made: the kept files are the incident's attachments, and kept no longer.
		f = answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "accept_procedure", "1")
		f["pending"], f["pending_shown"] = kept, kept
		p = c.uploadForm("/report", "/report", f, nil)
		if p.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", p.status, p.body)
		}
		id, _ := desk.ParseNumber(numberOf(t, p.location))
		as, err := e.app.Incidents.Attachments(ctx, sys, id)
		if err != nil || len(as) != 2 {
			t.Fatalf("attachments: %v %v", as, err)
		}
		var names []string
		for _, a := range as {
			names = append(names, a.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"kassa.png", "scherm.png"}) {
			t.Errorf("attachments: %v", names)
		}
		p = c.uploadForm("/report", "/report", f, nil)
		expect(t, p, http.StatusUnprocessableEntity, "2 eerder ontvangen bestanden zijn niet meer bewaard")

		// In English too, and the form's first submit button is the report's (Enter in a
		// field submits, never "Check").
		en := e.client()
		en.signIn(e.acmeAdmin)
		p = en.uploadForm("/report", "/report", answerForm(urgentAnswers, "step", "check"), map[string][]file{"files": {{"empty.txt", nil}, {"a.png", png}}})
		expect(t, p, http.StatusOK, "Files already received", `<span class="ut">a.png</span>`, "Not kept: empty.txt")
		form0 := p.body[strings.Index(p.body, `id="report-form"`):]
		first := regexp.MustCompile(`<button[^>]*type="submit"[^>]*>`).FindString(form0)
		if !regexp.MustCompile(`name="step" value="submit"`).MatchString(first) {
			t.Errorf("the form's first submit button: %s", first)
		}
	})
}

package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// wsBasisInto copies the basis of the page's forms (their hidden version and seen fields)
// into form.
func wsBasisInto(t *testing.T, p page, form url.Values) {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="version" value="(\d+)"><input type="hidden" name="seen" value="(\d+)">`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no basis on the page (status %d):\n%s", p.status, p.body)
	}
	form.Set("version", m[1])
	form.Set("seen", m[2])
}

// TestWorkspaceConflict: two people on one incident. What the second sends on a page the
// first one's entries overtook is not written: the page comes back (409) with the entries
// written since, highlighted, above the forms, and the input kept; sent again from that
// page it applies. The same for a reply. One's own entries from another tab are no
// conflict.
func TestWorkspaceConflict(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, storetest.Open(t, db))
			ctx := context.Background()
			inc, err := e.app.Incidents.Transition(ctx, actor(e.agent), e.acmeInc.ID, desk.Transition{To: desk.StateInProgress})
			if err != nil {
				t.Fatal(err)
			}
			path := "/incidents/" + inc.Number
			guus, ada := e.client(), e.client()
			guus.signIn(e.agent)
			ada.signIn(e.admin)

			opened := guus.get(path)
			resolve := url.Values{"csrf": {csrfFor(t, opened, path+"/transition")}, "to": {"resolved"},
				"solution": {"De cache is geleegd."}, "solution_kind": {"temporary"}}
			wsBasisInto(t, opened, resolve)
			// Ada writes a note meanwhile, from a page of her own.
			note := url.Values{"kind": {"note"}, "body": {"Niet oplossen: de leverancier kijkt nog."}}
			adaPage := ada.get(path)
			note.Set("csrf", csrfFor(t, adaPage, path+"/entries"))
			wsBasisInto(t, adaPage, note)
			if p := ada.post(path+"/entries", note); p.status != http.StatusSeeOther {
				t.Fatalf("Ada's note: %d\n%s", p.status, p.body)
			}
			p := guus.post(path+"/transition", resolve)
			expect(t, p, http.StatusConflict, `id="changed-since"`, "Gewijzigd sinds u deze pagina opende", "Ada Admin",
				"Niet oplossen: de leverancier kijkt nog.", `ws-new`, ">De cache is geleegd.</textarea>", `value="temporary" required checked`)
			if i, j := strings.Index(p.body, `id="changed-since"`), strings.Index(p.body, `id="solution-resolved"`); i < 0 || j < i {
				t.Errorf("what changed is not above the form (%d, %d)", i, j)
			}
			if got, _ := e.app.Incidents.Get(ctx, actor(e.agent), inc.ID); got.State != desk.StateInProgress || got.Solution != "" {
				t.Fatalf("the refused change wrote: %s %q", got.State, got.Solution)
			}
			// Sent again from the page it came back on: it applies.
			wsBasisInto(t, p, resolve)
			if p = guus.post(path+"/transition", resolve); p.status != http.StatusSeeOther {
				t.Fatalf("sent again: %d\n%s", p.status, p.body)
			}
			if got, _ := e.app.Incidents.Get(ctx, actor(e.agent), inc.ID); got.State != desk.StateResolved {
				t.Fatalf("after sending again: %s", got.State)
			}

			// A reply: the client answered while Guus wrote his.
			opened = guus.get(path)
			reply := url.Values{"csrf": {csrfFor(t, opened, path+"/entries")}, "kind": {"reply"}, "body": {"Werkt het nu?"}}
			wsBasisInto(t, opened, reply)
			anna := e.client()
			anna.signIn(e.acmeUser)
			if p := anna.submit(path, path+"/entries", url.Values{"kind": {"reply"}, "body": {"Het werkt weer, dank u."}}); p.status != http.StatusSeeOther {
				t.Fatalf("Anna's reply: %d\n%s", p.status, p.body)
			}
			p = guus.post(path+"/entries", reply)
			expect(t, p, http.StatusConflict, "Het werkt weer, dank u.", ">Werkt het nu?</textarea>")
			es, _ := e.app.Incidents.Timeline(ctx, actor(e.agent), inc.ID)
			for _, en := range es {
				if en.Body == "Werkt het nu?" {
					t.Fatal("the refused reply was written")
				}
			}
			wsBasisInto(t, p, reply)
			if p = guus.post(path+"/entries", reply); p.status != http.StatusSeeOther {
				t.Fatalf("the reply sent again: %d\n%s", p.status, p.body)
			}

			// Guus's own note in another tab does not stop what he sends from this one.
			opened = guus.get(path)
			reply.Set("body", "Nog een vraag.")
			wsBasisInto(t, opened, reply)
			if p := guus.submit(path, path+"/entries", url.Values{"kind": {"note"}, "body": {"Klant gebeld."}}); p.status != http.StatusSeeOther {
				t.Fatalf("the note from the other tab: %d", p.status)
			}
			if p = guus.post(path+"/entries", reply); p.status != http.StatusSeeOther {
				t.Fatalf("after his own note: %d\n%s", p.status, p.body)
			}
		})
	}
}

// TestWorkspaceFollowUpFormat: the follow-up date is a text field in the page's format,
// with the format beside it; the page's format, ISO 8601 and the other language's format
// are accepted; anything else is refused naming the format, with the input kept.
func TestWorkspaceFollowUpFormat(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	path := "/incidents/" + e.acmeInc.Number
	guus := e.client()
	guus.signIn(e.agent)
	p := guus.get(path)
	expect(t, p, http.StatusOK, `<input type="text" id="follow_up_at" name="follow_up_at"`, "schrijf als dd-mm-jjjj uu:mm")
	send := func(value string) page {
		t.Helper()
		p := guus.get(path)
		form := url.Values{"csrf": {csrfFor(t, p, path+"/assign")}, "follow_up_at": {value}, "follow_up_was": {""}}
		wsBasisInto(t, p, form)
		return guus.post(path+"/assign", form)
	}
	p = send("morgen om tien")
	expect(t, p, http.StatusUnprocessableEntity, "Schrijf een datum en tijd als dd-mm-jjjj uu:mm, bijvoorbeeld 05-03-2027 09:30.", `value="morgen om tien"`)
	ahead := func(days int) time.Time { return time.Now().AddDate(0, 1, days).Truncate(time.Minute) }
	for _, c := range []struct{ in, shown string }{
		{ahead(0).Format("02-01-2006 15:04"), ahead(0).Format("02-01-2006 15:04")},
		{ahead(1).Format("2006-01-02T15:04"), ahead(1).Format("02-01-2006 15:04")},
		{ahead(2).Format("2006-01-02 15:04"), ahead(2).Format("02-01-2006 15:04")},
	} {
		if p = send(c.in); p.status != http.StatusSeeOther {
			t.Fatalf("%q: %d\n%s", c.in, p.status, p.body)
		}
		expect(t, guus.get(path), http.StatusOK, `id="follow_up_at" name="follow_up_at" value="`+c.shown+`"`)
	}
}

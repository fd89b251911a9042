package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		page := "/incidents/" + e.acmeInc.Number
		action := page + "/attachments"
		files := func() []desk.Attachment {
			t.Helper()
			as, err := e.app.Incidents.Attachments(ctx, sys, e.acmeInc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return as
		}

		t.Run("the reporter adds files and downloads them", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			p := c.get(page)
			expect(t, p, http.StatusOK, `action="`+action+`" enctype="multipart/form-data"`, "Nog geen bestanden.")
			p = c.uploadForm(page, action, url.Values{}, map[string][]file{"files": {
				{"scherm.png", png}, {"fout log.txt", []byte("panic: nil map\n")}}})
			if p.status != http.StatusSeeOther || p.location != page {
				t.Fatalf("upload: %d %q\n%s", p.status, p.location, p.body)
			}
			as := files()
			if len(as) != 2 || as[0].ContentType != "image/png" || !strings.HasPrefix(as[1].ContentType, "text/plain") {
				t.Fatalf("stored: %+v", as)
			}
			p = c.get(page)
			expect(t, p, http.StatusOK, `href="`+action+`/`+desk.FormatInt(as[0].ID)+`" download><bdi>scherm.png</bdi></a>`, "fout log.txt",
				"Bestand scherm.png toegevoegd.")
			d := c.get(action + "/" + desk.FormatInt(as[1].ID))
			if d.status != http.StatusOK || d.body != "panic: nil map\n" {
				t.Fatalf("download: %d %q", d.status, d.body)
			}
			if cd := d.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "fout log.txt") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if d.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff on a download")
			}
			// Staff see and download them too; a client admin of the organisation as well.
			for _, u := range []desk.User{e.agent, e.acmeAdmin} {
				o := e.client()
				o.signIn(u)
				expect(t, o.get(action+"/"+desk.FormatInt(as[0].ID)), http.StatusOK)
			}
			expect(t, c.get(action+"/999999"), http.StatusNotFound)
			expect(t, c.get(action+"/nonsense"), http.StatusNotFound)
		})

		t.Run("a type not allowed: the message next to the field, nothing stored", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := len(files())
			p := c.uploadForm(page, action, url.Values{}, map[string][]file{"files": {
				{"goed.png", png}, {"virus.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")}}})
			expect(t, p, http.StatusUnprocessableEntity, `id="attach-files-error"`, "virus.exe is van een soort die niet is toegestaan")
			p = c.uploadForm(page, action, url.Values{}, map[string][]file{"files": {{"leeg.txt", nil}}})
			expect(t, p, http.StatusUnprocessableEntity, `id="attach-files-error"`)
			p = c.uploadForm(page, action, url.Values{}, nil)
			expect(t, p, http.StatusUnprocessableEntity, "Kies minstens één bestand.")
			six := make([]file, 6)
			for i := range six {
				six[i] = file{"f" + desk.FormatInt(int64(i)) + ".png", png}
			}
			p = c.uploadForm(page, action, url.Values{}, map[string][]file{"files": six})
			expect(t, p, http.StatusUnprocessableEntity, "Voeg hoogstens 5 bestanden tegelijk toe.")
			if after := len(files()); after != before {
				t.Errorf("files were stored: %d → %d", before, after)
			}
			en := e.client()
			en.signIn(e.acmeAdmin)
			p = en.uploadForm(page, action, url.Values{}, map[string][]file{"files": {{"virus.exe", []byte("MZ\x90\x00")}}})
			expect(t, p, http.StatusUnprocessableEntity, "virus.exe is of a type that is not allowed")
		})

		t.Run("files larger than a page's body: up to the limit each", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := len(files())
			big := append(append([]byte{}, png...), make([]byte, 3<<20)...) // over the 1 MiB of other forms
			p := c.uploadForm(page, action, url.Values{}, map[string][]file{"files": {{"groot.png", big}}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("a 3 MB file: %d\n%s", p.status, p.body)
			}
			huge := append(append([]byte{}, png...), make([]byte, desk.MaxAttachment)...)
			p = c.uploadForm(page, action, url.Values{}, map[string][]file{"files": {{"te-groot.png", huge}}})
			expect(t, p, http.StatusUnprocessableEntity, "te-groot.png is groter dan 10 MB.")
			if after := len(files()); after != before+1 {
				t.Errorf("files: %d → %d, want one more", before, after)
			}
		})

		t.Run("another organisation reaches nothing", func(t *testing.T) {
			as := files()
			for _, u := range []desk.User{e.globexUser, e.acmeUser2} {
				c := e.client()
				c.signIn(u)
				expect(t, c.get(action+"/"+desk.FormatInt(as[0].ID)), http.StatusNotFound)
				tok := csrfFor(t, c.get("/incidents"), "/logout")
				p := c.multipart(action, url.Values{"csrf": {tok}}, map[string][]file{"files": {{"x.png", png}}})
				expect(t, p, http.StatusNotFound)
			}
			g := e.client()
			g.signIn(e.globexUser)
			expect(t, g.get("/incidents/"+e.globexInc.Number+"/attachments/"+desk.FormatInt(as[0].ID)), http.StatusNotFound)
			if n := len(files()); n != len(as) {
				t.Errorf("files: %d → %d", len(as), n)
			}
		})

		t.Run("CSRF, and a closed incident takes no files", func(t *testing.T) {
			c := e.client()
			c.signIn(e.globexUser)
			gpage := "/incidents/" + e.globexInc.Number
			expect(t, c.multipart(gpage+"/attachments", url.Values{}, map[string][]file{"files": {{"x.png", png}}}), http.StatusForbidden)
			for _, tr := range []desk.Transition{{To: desk.StateTriaged}, {To: desk.StateInProgress}, {To: desk.StateResolved, Solution: "Fixed.", SolutionKind: "temporary"}, {To: desk.StateClosed}} {
				who := actor(e.agent)
				if tr.To == desk.StateClosed {
					who = actor(e.globexUser)
				}
				if _, err := e.app.Incidents.Transition(ctx, who, e.globexInc.ID, tr); err != nil {
					t.Fatal(err)
				}
			}
			p := c.get(gpage)
			expectNot(t, p, `action="`+gpage+`/attachments"`)
			tok := csrfFor(t, p, "/logout")
			expect(t, c.multipart(gpage+"/attachments", url.Values{"csrf": {tok}}, map[string][]file{"files": {{"x.png", png}}}), http.StatusConflict)
			if as, _ := e.app.Incidents.Attachments(ctx, sys, e.globexInc.ID); len(as) != 0 {
				t.Errorf("a closed incident took files: %v", as)
			}
		})
	})
}

package snapshot_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestIncidentPagesFromTheSnapshot: a public incident's page and the history (this month)
// are served from the snapshot per language, with the handlers' bytes; an update reaches
// them at the next refresh; a history month in the query and an unknown incident are
// answered by the handlers themselves and not kept.
func TestIncidentPagesFromTheSnapshot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := newInstance(t, db)
		w := seed(t, in.app)
		ctx := context.Background()
		agent := desk.Actor{UserID: w.agent.ID, Role: desk.RoleAgent}
		p, err := in.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Name: desk.Texts{NL: "Storing hosting", EN: "Hosting outage"},
			Impact: desk.ImpactMajor, Components: []desk.AffectedComponent{{ComponentID: w.hosting.ID, Status: desk.StatusPartialOutage}},
			Body: desk.Texts{EN: "Looking into it."}})
		if err != nil {
			t.Fatal(err)
		}
		page := "/status/incidents/" + strconv.FormatInt(p.ID, 10)
		for _, path := range []string{page, "/status/history"} {
			for _, lang := range []string{"nl", "en"} {
				want := fetch(t, "GET", in.plain.URL+path, "Accept-Language", lang)
				before := in.cache.Builds()
				for range 2 {
					got := fetch(t, "GET", in.srv.URL+path, "Accept-Language", lang)
					if got.status != 200 || !bytes.Equal(got.body, want.body) || got.header.Get("ETag") == "" {
						t.Fatalf("%s %s: %d %v\n%s", path, lang, got.status, got.header, got.body)
					}
				}
				if n := in.cache.Builds() - before; n != 1 {
					t.Errorf("%s %s: %d builds for two requests, want 1", path, lang, n)
				}
			}
		}
		if _, err := in.app.PublicIncidents.PostUpdate(ctx, agent, p.ID, desk.UpdateInput{Status: desk.PublicMonitoring, Body: desk.Texts{EN: "A fix is out."}}); err != nil {
			t.Fatal(err)
		}
		if err := in.cache.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := fetch(t, "GET", in.srv.URL+page, "Accept-Language", "en"); !strings.Contains(string(got.body), "A fix is out.") {
			t.Errorf("after the refresh the page lacks the update:\n%s", got.body)
		}
		before := in.cache.Builds()
		for range 2 {
			if got := fetch(t, "GET", in.srv.URL+"/status/history?month=2026-01", "Accept-Language", "en"); got.status != 200 || got.header.Get("Cache-Control") != "no-store" {
				t.Errorf("a month in the query: %d %q", got.status, got.header.Get("Cache-Control"))
			}
			if got := fetch(t, "GET", in.srv.URL+"/status/incidents/999999"); got.status != http.StatusNotFound {
				t.Errorf("an unknown incident: %d", got.status)
			}
		}
		if n := in.cache.Builds() - before; n != 2 {
			t.Errorf("%d builds, want 2: the unknown incident is tried once a request, the month never", n)
		}
	})
}

package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/demo"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// clientScript reads every document the statuspage.io client knows through the client
// itself, pointed at Meldpunt with its documented setApiUrl, and prints them as one JSON
// object. The client's three maintenance calls all ask upcoming.json (a bug of the
// client), so active.json is read through the client's own HTTP instance.
const clientScript = `
const {Statuspage} = require(process.argv[2] + '/statuspage.io');
const sp = new Statuspage('meldpunt');
sp.setApiUrl(process.argv[3]);
(async () => {
  const out = {};
  out.summary = await sp.api.getSummary();
  out.status = await sp.api.getStatus();
  out.components = await sp.api.getComponents();
  out.incidents = await sp.api.incidents.getAll();
  out.unresolved = await sp.api.incidents.getUnresolved();
  out.upcoming = await sp.api.scheduledMaintenances.getUpcoming();
  out.clientActive = await sp.api.scheduledMaintenances.getActive();
  out.active = (await sp.apiClient.get('/api/v2/scheduled-maintenances/active.json')).data;
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e && e.stack || String(e)); process.exit(1); });
`

// v2Incident is what the test reads of an incident or maintenance.
type v2Incident struct {
	Name            string `json:"name"`
	Status          string `json:"status"`
	Impact          string `json:"impact"`
	Shortlink       string `json:"shortlink"`
	ScheduledFor    string `json:"scheduled_for"`
	IncidentUpdates []struct {
		Status string `json:"status"`
		Body   string `json:"body"`
	} `json:"incident_updates"`
}

type v2Page struct {
	Page struct {
		ID, Name, URL string
	} `json:"page"`
	Status struct {
		Indicator, Description string
	} `json:"status"`
	Components []struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Status string `json:"status"`
		Group  bool   `json:"group"`
	} `json:"components"`
	Incidents   []v2Incident `json:"incidents"`
	Maintenance []v2Incident `json:"scheduled_maintenances"`
}

// TestStatuspageClient points statuspage.io, a public Statuspage v2 client for Node, at a
// running Meldpunt with the demo data and a maintenance in progress, and checks what it
// reads back: the page, the components, the indicator, the incidents (all and
// unresolved) and the maintenances (upcoming and active). scripts/test installs the
// client (scripts/lib-statuspage.sh) and names it in MELDPUNT_TEST_STATUSPAGE_CLIENT.
func TestStatuspageClient(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("MELDPUNT_TEST_STATUSPAGE_CLIENT")
	if dir == "" {
		t.Skip("MELDPUNT_TEST_STATUSPAGE_CLIENT is not set: scripts/test installs the statuspage.io client and sets it")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		node = "/usr/bin/node"
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := app.New(db, time.Now, log, app.Config{Holidays: holidays.NL(), BaseURL: "http://meldpunt.test",
			Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
		if _, err := demo.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
		// A maintenance in progress on Hosting, beside the demo's upcoming one.
		hosting := 0
		pub, err := a.Components.Public(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range pub.Components {
			if c.Name == "Hosting" {
				hosting = int(c.ID)
			}
		}
		from := time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339)
		until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		sys := desk.SystemActor("test")
		m, err := a.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{NL: "Geheugen uitbreiden", EN: "Adding memory"}, ScheduledFor: &from, ScheduledUntil: &until,
			Components: []desk.AffectedComponent{{ComponentID: int64(hosting), Status: desk.StatusUnderMaintenance}},
			Body:       desk.Texts{NL: "We breiden het geheugen van de webservers uit."}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.PublicIncidents.PostUpdate(ctx, sys, m.ID, desk.UpdateInput{Status: desk.MaintenanceInProgress,
			Body: desk.Texts{NL: "Het onderhoud is begonnen."}}); err != nil {
			t.Fatal(err)
		}
		h, _ := build(Config{BaseURL: "http://meldpunt.test", Texts: loadTexts(t)}, a, log, prometheus.NewRegistry())
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)

		script := filepath.Join(t.TempDir(), "client.cjs")
		if err := os.WriteFile(script, []byte(clientScript), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, node, script, dir, srv.URL)
		// axios would send the requests through a proxy named in the environment.
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
			k, _, _ := strings.Cut(kv, "=")
			return strings.HasSuffix(strings.ToLower(k), "_proxy")
		})
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, stderr.String())
		}
		var got map[string]v2Page
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}

		s := got["summary"]
		if s.Page.ID != "meldpunt" || s.Page.Name != "Voorbeeld Hosting status" || s.Page.URL != "http://meldpunt.test/status" {
			t.Errorf("page: %+v", s.Page)
		}
		// E-mail is degraded by the open incident and Hosting under maintenance: the
		// outage outranks the maintenance, and the open incident's impact is minor.
		for _, doc := range []string{"summary", "status"} {
			if st := got[doc].Status; st.Indicator != "minor" || st.Description != "Minor Service Outage" {
				t.Errorf("%s: status %+v, want minor", doc, st)
			}
		}
		want := map[string]string{"Infrastructuur": "degraded_performance", "Hosting": "under_maintenance", "E-mail": "degraded_performance", "DNS": "operational"}
		for _, doc := range []string{"summary", "components"} {
			seen := map[string]string{}
			for _, c := range got[doc].Components {
				seen[c.Name] = c.Status
			}
			if len(seen) != len(want) {
				t.Errorf("%s: components %v, want %v (no clients-only component)", doc, seen, want)
			}
			for n, st := range want {
				if seen[n] != st {
					t.Errorf("%s: %s is %q, want %q", doc, n, seen[n], st)
				}
			}
		}

		open := "Vertraagde bezorging van uitgaande e-mail"
		for _, doc := range []string{"summary", "unresolved"} {
			is := got[doc].Incidents
			if len(is) != 1 || is[0].Name != open || is[0].Status != "monitoring" || is[0].Impact != "minor" || len(is[0].IncidentUpdates) != 2 {
				t.Errorf("%s: incidents %+v, want the open one being monitored", doc, is)
			}
		}
		all := map[string]v2Incident{}
		for _, i := range got["incidents"].Incidents {
			all[i.Name] = i
		}
		if r, ok := all["Storing e-mail"]; !ok || r.Status != "postmortem" || len(r.IncidentUpdates) != 4 ||
			r.IncidentUpdates[len(r.IncidentUpdates)-1].Status != "investigating" || !strings.HasPrefix(r.Shortlink, "http://meldpunt.test/status/incidents/") {
			t.Errorf("incidents: the resolved one is %+v", r)
		}
		if _, ok := all[open]; !ok {
			t.Errorf("incidents: %v lacks the open one", all)
		}

		names := func(ms []v2Incident) (out []string) {
			for _, m := range ms {
				out = append(out, m.Name+"/"+m.Status)
			}
			slices.Sort(out)
			return out
		}
		if n := names(got["upcoming"].Maintenance); !slices.Equal(n, []string{"Onderhoud DNS-servers/scheduled"}) {
			t.Errorf("upcoming: %v", n)
		}
		// The client's getActive asks upcoming.json; active.json itself holds the other.
		if n := names(got["clientActive"].Maintenance); !slices.Equal(n, []string{"Onderhoud DNS-servers/scheduled"}) {
			t.Errorf("the client's getActive: %v", n)
		}
		if n := names(got["active"].Maintenance); !slices.Equal(n, []string{"Geheugen uitbreiden/in_progress"}) {
			t.Errorf("active: %v", n)
		}
		if n := names(s.Maintenance); !slices.Equal(n, []string{"Geheugen uitbreiden/in_progress", "Onderhoud DNS-servers/scheduled"}) {
			t.Errorf("summary: maintenances %v", n)
		}
	})
}

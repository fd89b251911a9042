package monitor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// supplierPage serves a summary.json of the test's own making, shaped like a Statuspage
// page, which the test changes as it goes.
type supplierPage struct {
	mu  sync.Mutex
	doc map[string]any
	srv *httptest.Server
}

type comp struct{ id, name, status string }

func newSupplierPage(t *testing.T) *supplierPage {
	t.Helper()
	p := &supplierPage{}
	p.set("none", "All Systems Operational", []comp{
		{"k1x9mail", "Mail", "operational"},
		{"k2x9api0", "API", "operational"},
		{"k3x9pay0", "Payments", "operational"},
	}, nil, nil)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		b, _ := json.Marshal(p.doc)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *supplierPage) url() string { return p.srv.URL + "/api/v2/summary.json" }

// set replaces the page: its indicator, components, open incidents (name, the components
// they touch, their latest update) and maintenances in progress.
func (p *supplierPage) set(indicator, description string, comps []comp, incidents []map[string]any, maint []string) {
	var cs []map[string]any
	for i, c := range comps {
		cs = append(cs, map[string]any{
			"id": c.id, "name": c.name, "status": c.status, "position": i + 1,
			"created_at": "2026-01-05T09:00:00.000Z", "updated_at": "2026-11-30T10:00:00.000Z",
			"description": nil, "showcase": true, "group_id": nil, "page_id": "pg7example", "group": false, "only_show_if_degraded": false,
		})
	}
	var ms []map[string]any
	for _, m := range maint {
		ms = append(ms, map[string]any{"id": "mt1", "name": m, "status": "in_progress", "impact": "maintenance", "incident_updates": []any{}})
	}
	if incidents == nil {
		incidents = []map[string]any{}
	}
	p.mu.Lock()
	p.doc = map[string]any{
		"page":                   map[string]any{"id": "pg7example", "name": "Example Mail Co", "url": "https://status.example.test", "time_zone": "Etc/UTC", "updated_at": "2026-12-01T10:00:00.000Z"},
		"components":             cs,
		"incidents":              incidents,
		"scheduled_maintenances": ms,
		"status":                 map[string]any{"indicator": indicator, "description": description},
	}
	p.mu.Unlock()
}

func incident(name, status, update string, compIDs ...string) map[string]any {
	var cs []map[string]any
	for _, id := range compIDs {
		cs = append(cs, map[string]any{"id": id, "name": id, "status": "major_outage"})
	}
	return map[string]any{
		"id": "inc1", "name": name, "status": status, "impact": "major",
		"incident_updates": []map[string]any{
			{"id": "u2", "status": status, "body": update},
			{"id": "u1", "status": "investigating", "body": "We are looking into it."},
		},
		"components": cs,
	}
}

// TestStatuspageSwitch: a supplier's page that goes from all operational to a major outage
// of one component during the test, and back.
func TestStatuspageSwitch(t *testing.T) {
	t.Parallel()
	page := newSupplierPage(t)
	c := &Checker{}
	whole := settings(t, map[string]any{"url": page.url(), "supplier": "MailCo"})
	mail := settings(t, map[string]any{"url": page.url(), "components": []string{"Mail"}})
	payments := settings(t, map[string]any{"url": page.url(), "components": []string{"k3x9pay0"}})

	r := run(t, c, KindStatuspage, whole)
	expect(t, r, Up)
	if r.ComponentStatus != "operational" || r.Evidence["supplier"] != "MailCo" {
		t.Fatalf("component status %q, evidence %v", r.ComponentStatus, r.Evidence)
	}

	page.set("major", "Partial System Outage", []comp{
		{"k1x9mail", "Mail", "major_outage"},
		{"k2x9api0", "API", "degraded_performance"},
		{"k3x9pay0", "Payments", "operational"},
	}, []map[string]any{incident("Mail delivery delayed", "identified", "We found the cause: a full queue.", "k1x9mail")}, nil)

	r = run(t, c, KindStatuspage, whole)
	expect(t, r, Down, "the supplier reports major outage", "Mail delivery delayed")
	because(t, r, ReasonSupplier)
	if r.ComponentStatus != "major_outage" || r.Evidence["incidents"] != "Mail delivery delayed" || r.Evidence["incident_update"] != "We found the cause: a full queue." {
		t.Fatalf("component status %q, evidence %v", r.ComponentStatus, r.Evidence)
	}
	if !strings.Contains(r.Evidence["components"], "Mail: major_outage") || !strings.Contains(r.Evidence["components"], "API: degraded_performance") {
		t.Errorf("components evidence %q", r.Evidence["components"])
	}
	r = run(t, c, KindStatuspage, mail)
	expect(t, r, Down)
	if r.ComponentStatus != "major_outage" || r.Evidence["supplier"] != "Example Mail Co" {
		t.Fatalf("component status %q, evidence %v", r.ComponentStatus, r.Evidence)
	}
	// Payments is fine, and the mail incident is not its business.
	r = run(t, c, KindStatuspage, payments)
	expect(t, r, Up)
	if r.Evidence["incidents"] != "" {
		t.Errorf("incidents of other components: %v", r.Evidence)
	}

	page.set("none", "All Systems Operational", []comp{
		{"k1x9mail", "Mail", "operational"},
		{"k2x9api0", "API", "operational"},
		{"k3x9pay0", "Payments", "operational"},
	}, []map[string]any{incident("Mail delivery delayed", "resolved", "Fixed.", "k1x9mail")}, nil)
	r = run(t, c, KindStatuspage, mail)
	expect(t, r, Up)
	if r.Evidence["incidents"] != "" {
		t.Errorf("resolved incident still shown: %v", r.Evidence)
	}
}

// TestStatuspageMapping: each supplier status maps onto a verdict and stays itself as the
// component status; maintenance is up with the maintenance in the evidence.
func TestStatuspageMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		comp      string
		indicator string
		status    Status
	}{
		{"operational", "none", Up},
		{"degraded_performance", "minor", Degraded},
		{"partial_outage", "major", Degraded},
		{"major_outage", "critical", Down},
		{"under_maintenance", "maintenance", Up},
	} {
		t.Run(tc.comp, func(t *testing.T) {
			t.Parallel()
			page := newSupplierPage(t)
			page.set(tc.indicator, "whatever", []comp{{"a1", "Mail", "operational"}, {"b2", "API", tc.comp}}, nil, nil)
			c := &Checker{}
			for _, s := range []map[string]any{{"url": page.url()}, {"url": page.url(), "components": []string{"api"}}} {
				r := run(t, c, KindStatuspage, settings(t, s))
				expect(t, r, tc.status)
				if r.ComponentStatus != tc.comp {
					t.Errorf("%v: component status %q, want %q", s, r.ComponentStatus, tc.comp)
				}
				if tc.comp == "under_maintenance" && !strings.Contains(r.Evidence["maintenance"], "maintenance") {
					t.Errorf("evidence %v, want the maintenance", r.Evidence)
				}
			}
		})
	}
	t.Run("indicator alone", func(t *testing.T) {
		t.Parallel()
		page := newSupplierPage(t)
		page.set("critical", "Major System Outage", nil, nil, nil)
		r := run(t, &Checker{}, KindStatuspage, settings(t, map[string]any{"url": page.url()}))
		expect(t, r, Down, "major outage")
		if r.ComponentStatus != "major_outage" {
			t.Errorf("component status %q", r.ComponentStatus)
		}
	})
	t.Run("maintenance in progress", func(t *testing.T) {
		t.Parallel()
		page := newSupplierPage(t)
		page.set("maintenance", "Service Under Maintenance", []comp{{"a1", "Mail", "under_maintenance"}}, nil, []string{"Database upgrade"})
		r := run(t, &Checker{}, KindStatuspage, settings(t, map[string]any{"url": page.url()}))
		expect(t, r, Up)
		if r.Evidence["maintenance"] != "the supplier reports maintenance: Database upgrade" {
			t.Errorf("evidence %v", r.Evidence)
		}
	})
}

// TestStatuspageBad: what is not a supplier's page is down with a reason.
func TestStatuspageBad(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>Status</html>") })
	mux.HandleFunc("/other", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"ok":true}`) })
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"components":[`+strings.Repeat(`{"id":"x","name":"y","status":"operational"},`, 40000)+`{}]}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	page := newSupplierPage(t)
	c := &Checker{}
	for _, tc := range []struct {
		name string
		s    map[string]any
		errs []string
	}{
		{"html", map[string]any{"url": srv.URL + "/html"}, []string{"not a Statuspage summary.json"}},
		{"other json", map[string]any{"url": srv.URL + "/other"}, []string{"not a Statuspage summary.json: it has no status and no components"}},
		{"404", map[string]any{"url": srv.URL + "/gone"}, []string{"answered status 404"}},
		{"huge", map[string]any{"url": srv.URL + "/huge"}, []string{"larger than 1048576 bytes"}},
		{"unknown component", map[string]any{"url": page.url(), "components": []string{"Mail", "Fax"}}, []string{`has no component "Fax"`}},
		{"closed", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/api/v2/summary.json", closedPort(t))}, []string{"connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, c, KindStatuspage, settings(t, tc.s))
			expect(t, r, Down, tc.errs...)
			if tc.name != "closed" {
				because(t, r, ReasonSupplierPage)
			}
		})
	}
}

package api_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// The keys of an incident and its parts in Statuspage's v2 documents, as real pages send
// them (see /work/shared/statuspage-captures): a maintenance adds its window.
var (
	spIncidentKeys = map[string]string{"id": "string", "name": "string", "status": "string", "created_at": "string",
		"updated_at": "string", "monitoring_at": "null|string", "resolved_at": "null|string", "impact": "string",
		"shortlink": "string", "started_at": "string", "page_id": "string", "incident_updates": "array", "components": "array"}
	spUpdateKeys = map[string]string{"id": "string", "status": "string", "body": "string", "incident_id": "string",
		"created_at": "string", "updated_at": "string", "display_at": "string", "affected_components": "array",
		"deliver_notifications": "bool", "custom_tweet": "null", "tweet_id": "null"}
	spAffectedKeys = map[string]string{"code": "string", "name": "string", "old_status": "string", "new_status": "string"}
)

// TestStatusPageIncidents: public incidents and maintenances fill the v2 documents in
// Statuspage's shape: the unresolved incidents in summary.json and unresolved.json, the last
// ones (resolved too) in incidents.json, maintenances by state; the components show their
// displayed status and the indicator follows the incidents' impact. A clients-only
// component and the authors never appear.
func TestStatusPageIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		mk := func(name string, vis desk.ComponentVisibility) desk.Component {
			c := e.addComponent(t, name, e.orgA.ID)
			if _, err := e.app.Components.Update(ctx, sys, c.ID, app.ComponentPatch{Visibility: &vis}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		web, mail, secret := mk("Website", desk.VisibilityPublic), mk("Mail", desk.VisibilityPublic), mk("Acme Dedicated Server", desk.VisibilityClients)
		agent := e.actorOf("agent")
		open := must(e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Name: desk.Texts{NL: "Website traag", EN: "Website slow"},
			Impact: desk.ImpactMinor, Components: []desk.AffectedComponent{{ComponentID: web.ID, Status: desk.StatusDegradedPerformance}, {ComponentID: secret.ID, Status: desk.StatusMajorOutage}},
			Body: desk.Texts{EN: "We are *looking* into it."}}))(t)
		closed := must(e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Name: desk.Texts{EN: "Mail down"}, Impact: desk.ImpactCritical,
			Components: []desk.AffectedComponent{{ComponentID: mail.ID, Status: desk.StatusMajorOutage}}, Body: desk.Texts{EN: "Down."}}))(t)
		must(e.app.PublicIncidents.Resolve(ctx, agent, closed.ID, desk.Texts{EN: "Fixed."}))(t)
		now := time.Now()
		soon, later, end := now.Add(time.Hour), now.Add(48*time.Hour), now.Add(50*time.Hour)
		active := must(e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{NL: "Onderhoud mail"},
			Components: []desk.AffectedComponent{{ComponentID: mail.ID, Status: desk.StatusUnderMaintenance}}, ScheduledFor: ts(now), ScheduledUntil: ts(soon), Body: desk.Texts{NL: "Gepland."}}))(t)
		must(e.app.PublicIncidents.PostUpdate(ctx, agent, active.ID, desk.UpdateInput{Status: desk.MaintenanceInProgress, Body: desk.Texts{NL: "Begonnen."}}))(t)
		upcoming := must(e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{EN: "Web upgrade"},
			Components: []desk.AffectedComponent{{ComponentID: web.ID, Status: desk.StatusUnderMaintenance}}, ScheduledFor: ts(later), ScheduledUntil: ts(end), Body: desk.Texts{EN: "Planned."}}))(t)

		get := func(path string) map[string]any {
			t.Helper()
			r := e.do(t, request{method: "GET", path: path})
			if r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			for _, leak := range []string{"Acme", "agnes", "author", `"c` + strconv.FormatInt(secret.ID, 10) + `"`} {
				if strings.Contains(string(r.body), leak) {
					t.Errorf("%s names %q: %s", path, leak, r.body)
				}
			}
			var m map[string]any
			if err := json.Unmarshal(r.body, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		ids := func(path, list string) []string {
			t.Helper()
			var out []string
			for i, x := range get(path)[list].([]any) {
				inc := x.(map[string]any)
				want := spIncidentKeys
				if list == "scheduled_maintenances" {
					want = maps(maps(spIncidentKeys, "scheduled_for", "string"), "scheduled_until", "string")
				}
				at := path + " " + list + "[" + strconv.Itoa(i) + "]"
				checkKeys(t, at, inc, want)
				for j, u := range inc["incident_updates"].([]any) {
					checkKeys(t, at+".incident_updates["+strconv.Itoa(j)+"]", u, spUpdateKeys)
					for k, c := range u.(map[string]any)["affected_components"].([]any) {
						checkKeys(t, at+".affected_components["+strconv.Itoa(k)+"]", c, spAffectedKeys)
					}
				}
				for k, c := range inc["components"].([]any) {
					checkKeys(t, at+".components["+strconv.Itoa(k)+"]", c, spComponentKeys)
				}
				out = append(out, inc["id"].(string))
			}
			return out
		}
		id := func(p desk.PublicIncident) string { return "i" + strconv.FormatInt(p.ID, 10) }
		for _, c := range []struct {
			path, list string
			want       []string
		}{
			{"/api/v2/incidents.json", "incidents", []string{id(closed), id(open)}},
			{"/api/v2/incidents/unresolved.json", "incidents", []string{id(open)}},
			{"/api/v2/scheduled-maintenances.json", "scheduled_maintenances", []string{id(upcoming), id(active)}},
			{"/api/v2/scheduled-maintenances/upcoming.json", "scheduled_maintenances", []string{id(upcoming)}},
			{"/api/v2/scheduled-maintenances/active.json", "scheduled_maintenances", []string{id(active)}},
			{"/api/v2/summary.json", "incidents", []string{id(open)}},
			{"/api/v2/summary.json", "scheduled_maintenances", []string{id(active), id(upcoming)}},
		} {
			if got := ids(c.path, c.list); strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("%s %s: %v, want %v", c.path, c.list, got, c.want)
			}
		}

		s := get("/api/v2/summary.json")
		inc := s["incidents"].([]any)[0].(map[string]any)
		if inc["name"] != "Website traag" || inc["impact"] != "minor" || inc["status"] != "investigating" ||
			inc["shortlink"] != baseURL+"/status/incidents/"+strconv.FormatInt(open.ID, 10) {
			t.Errorf("incident %v", inc)
		}
		u := inc["incident_updates"].([]any)[0].(map[string]any)
		ac := u["affected_components"].([]any)
		if u["body"] != "We are *looking* into it." || len(ac) != 1 || ac[0].(map[string]any)["name"] != "Website" ||
			ac[0].(map[string]any)["new_status"] != "degraded_performance" || ac[0].(map[string]any)["old_status"] != "operational" {
			t.Errorf("update %v", u)
		}
		m := s["scheduled_maintenances"].([]any)[0].(map[string]any)
		if m["impact"] != "maintenance" || m["status"] != "in_progress" || m["scheduled_for"] == nil {
			t.Errorf("maintenance %v", m)
		}
		statuses := map[string]any{}
		for _, c := range s["components"].([]any) {
			statuses[c.(map[string]any)["name"].(string)] = c.(map[string]any)["status"]
		}
		if statuses["Website"] != "degraded_performance" || statuses["Mail"] != "under_maintenance" {
			t.Errorf("displayed statuses %v", statuses)
		}
		if st := get("/api/v2/status.json")["status"].(map[string]any); st["indicator"] != "minor" {
			t.Errorf("status %v, want minor", st)
		}
		// A critical incident with no component outranks the rest.
		must(e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Name: desk.Texts{EN: "Everything"}, Impact: desk.ImpactCritical, Body: desk.Texts{EN: "x"}}))(t)
		if st := get("/api/v2/status.json")["status"].(map[string]any); st["indicator"] != "critical" || st["description"] != "Major System Outage" {
			t.Errorf("status %v, want critical", st)
		}
	})
}

func ts(t time.Time) *string {
	s := t.Format(time.RFC3339Nano)
	return &s
}

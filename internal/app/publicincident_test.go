package app_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// publicWorld is a world with two public components and one clients-only component.
func publicWorld(t *testing.T, db *store.DB) (*world, desk.Component, desk.Component, desk.Component) {
	t.Helper()
	w := newWorld(t, db)
	ctx := context.Background()
	mk := func(name string, vis desk.ComponentVisibility) desk.Component {
		c, err := w.a.Components.Create(ctx, admin, desk.Component{Name: name, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return w, mk("Hosting", desk.VisibilityPublic), mk("DNS", desk.VisibilityPublic), mk("Acme ERP", desk.VisibilityClients)
}

func displayed(t *testing.T, w *world) map[string]desk.ComponentStatus {
	t.Helper()
	p, err := w.a.Components.Public(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]desk.ComponentStatus{}
	for _, c := range p.Components {
		out[c.Name] = c.Status
	}
	return out
}

// An incident's life: opened on a component, updated, resolved, given a postmortem; the
// displayed status follows it, and every publish queues exactly one webhook event of its
// kind for the endpoint that follows it, in Statuspage's shape, naming no private component.
func TestPublicIncidentLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, hosting, dns, erp := publicWorld(t, db)
		ctx := context.Background()
		events := []string{"status.incident.created", "status.incident.updated", "status.incident.resolved", "status.incident.postmortem"}
		if _, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo("https://hooks.example.com/x"), Events: &events}); err != nil {
			t.Fatal(err)
		}
		ag := actor(w.agent)
		p, err := w.a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{
			Name: desk.Texts{NL: "Storing webhosting"}, Impact: desk.ImpactMajor,
			Components: []desk.AffectedComponent{{ComponentID: hosting.ID, Status: desk.StatusPartialOutage}, {ComponentID: erp.ID, Status: desk.StatusMajorOutage}},
			Body:       desk.Texts{NL: "We onderzoeken het.", EN: "We are investigating."},
		})
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != desk.PublicInvestigating || len(p.Updates) != 1 || p.CreatedByID == nil || *p.CreatedByID != w.agent.ID {
			t.Fatalf("created %+v", p)
		}
		if got := displayed(t, w); got["Hosting"] != desk.StatusPartialOutage || got["DNS"] != desk.StatusOperational {
			t.Errorf("displayed after create: %v", got)
		}
		page, _ := w.a.Components.Public(ctx)
		if ind := desk.PageIndicatorWith(nil, page.Open); ind != desk.IndicatorMajor {
			t.Errorf("indicator %s, want major", ind)
		}
		// The component's own status stays as it was: only the displayed one moves.
		if c, _ := w.a.Components.Get(ctx, admin, hosting.ID); c.Status != desk.StatusOperational {
			t.Errorf("own status moved to %s", c.Status)
		}

		w.now = w.now.Add(10 * time.Minute)
		p, err = w.a.PublicIncidents.PostUpdate(ctx, ag, p.ID, desk.UpdateInput{Status: desk.PublicMonitoring,
			Body: desk.Texts{EN: "Fixed, watching."}, Components: []desk.AffectedComponent{{ComponentID: hosting.ID, Status: desk.StatusDegradedPerformance}, {ComponentID: dns.ID, Status: desk.StatusDegradedPerformance}}})
		if err != nil {
			t.Fatal(err)
		}
		if p.MonitoringAt == nil || !p.MonitoringAt.Equal(w.now) || len(p.Updates) != 2 || len(p.Components) != 3 {
			t.Fatalf("after update: %+v", p)
		}
		if ch := p.Updates[0].Components; len(ch) != 3 || ch[0].OldStatus != desk.StatusPartialOutage || ch[0].NewStatus != desk.StatusDegradedPerformance ||
			ch[2].ComponentID != dns.ID || ch[2].OldStatus != desk.StatusOperational {
			t.Errorf("changes %+v", ch)
		}
		if got := displayed(t, w); got["Hosting"] != desk.StatusDegradedPerformance || got["DNS"] != desk.StatusDegradedPerformance {
			t.Errorf("displayed after update: %v", got)
		}

		w.now = w.now.Add(10 * time.Minute)
		if p, err = w.a.PublicIncidents.Resolve(ctx, ag, p.ID, desk.Texts{NL: "Opgelost."}); err != nil {
			t.Fatal(err)
		}
		if p.Status != desk.PublicResolved || p.ResolvedAt == nil || p.Components[0].Status != desk.StatusOperational {
			t.Fatalf("resolved %+v", p)
		}
		if got := displayed(t, w); got["Hosting"] != desk.StatusOperational || got["DNS"] != desk.StatusOperational {
			t.Errorf("displayed after resolve: %v", got)
		}
		if _, err := w.a.PublicIncidents.Resolve(ctx, ag, p.ID, desk.Texts{NL: "Nogmaals."}); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("resolving twice: %v", err)
		}
		if p, err = w.a.PublicIncidents.SetPostmortem(ctx, ag, p.ID, desk.Texts{EN: "A disk filled up."}); err != nil || p.Status != desk.PublicPostmortem || p.Postmortem == nil {
			t.Fatalf("postmortem %+v %v", p, err)
		}

		// The public view hides the author and the clients-only component.
		v, err := w.a.PublicIncidents.GetPublic(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Incident.CreatedByID != nil || len(v.Incident.Components) != 2 {
			t.Errorf("public view %+v", v.Incident)
		}
		for _, u := range v.Incident.Updates {
			if u.AuthorID != nil || slices.ContainsFunc(u.Components, func(c desk.ComponentChange) bool { return c.ComponentID == erp.ID }) {
				t.Errorf("public update %+v", u)
			}
		}

		// One event per publish, of its kind, in order.
		out, err := w.a.Outbox.List(ctx, admin, desk.OutboxFilter{Via: desk.ViaWebhook, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i := len(out.Items) - 1; i >= 0; i-- {
			n := out.Items[i]
			kinds = append(kinds, n.Kind)
			if strings.Contains(n.Payload, "Acme ERP") || strings.Contains(n.Payload, "agnes") {
				t.Errorf("event names something private: %s", n.Payload)
			}
			var ev struct {
				Type string `json:"type"`
				Data struct {
					Incident struct {
						ID              string `json:"id"`
						Name            string `json:"name"`
						Impact          string `json:"impact"`
						IncidentUpdates []struct {
							AffectedComponents []struct{ Code, Name string } `json:"affected_components"`
						} `json:"incident_updates"`
					} `json:"incident"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil || ev.Type != n.Kind || ev.Data.Incident.Name != "Storing webhosting" || ev.Data.Incident.Impact != "major" {
				t.Errorf("payload %s: %v", n.Payload, err)
			}
		}
		if want := []string{"status.incident.created", "status.incident.updated", "status.incident.resolved", "status.incident.postmortem"}; !slices.Equal(kinds, want) {
			t.Errorf("events %v, want %v", kinds, want)
		}
		entries, err := w.a.Audit.List(ctx, admin, desk.AuditFilter{Entity: "public_incident"})
		if err != nil || len(entries.Items) != 4 {
			t.Errorf("audit %d entries, %v", len(entries.Items), err)
		}
	})
}

// Clients and experts may not publish (403, before the input is looked at); bad input is
// 422 naming the fields.
func TestPublicIncidentRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, hosting, _, _ := publicWorld(t, db)
		ctx := context.Background()
		for _, who := range []desk.User{w.reporter, w.clientAdmin, w.expert} {
			if _, err := w.a.PublicIncidents.Create(ctx, actor(who), app.NewPublicIncident{}); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s: %v, want forbidden", who.Role, err)
			}
			if _, err := w.a.PublicIncidents.List(ctx, actor(who), app.PublicIncidentFilter{}); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s lists: %v", who.Role, err)
			}
		}
		until := w.now.Add(-time.Hour)
		_, err := w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{NL: strings.Repeat("x", 201)}, Status: desk.PublicInvestigating, ScheduledFor: rfc(w.now), ScheduledUntil: rfc(until),
			Components: []desk.AffectedComponent{{ComponentID: hosting.ID, Status: desk.StatusMajorOutage}, {ComponentID: hosting.ID}, {ComponentID: 999, Status: "broken"}}})
		fields := fieldRules(err)
		for _, want := range []string{"name.nl/max_length", "status/one_of", "scheduled_until/after", "components[1].component_id/unique", "components[1].status/required", "components[2].status/one_of", "body/required"} {
			if !slices.Contains(fields, want) {
				t.Errorf("missing %s in %v", want, fields)
			}
		}
		_, err = w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Name: desk.Texts{EN: "Down"}, Body: desk.Texts{EN: "x"},
			Components: []desk.AffectedComponent{{ComponentID: 999, Status: desk.StatusMajorOutage}}})
		if f := fieldRules(err); !slices.Equal(f, []string{"components[0].component_id/exists"}) {
			t.Errorf("unknown component: %v", f)
		}
		if _, err := w.a.PublicIncidents.PostUpdate(ctx, actor(w.agent), 12345, desk.UpdateInput{Body: desk.Texts{EN: "x"}}); !desk.IsNotFound(err) {
			t.Errorf("update of nothing: %v", err)
		}
	})
}

func fieldRules(err error) []string {
	e, ok := err.(*desk.Error)
	if !ok {
		return []string{"not a desk error: " + errString(err)}
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+"/"+f.Rule)
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A maintenance in progress shows its components under maintenance and the indicator
// maintenance; scheduled, it changes nothing yet. The page lists it by its state.
func TestMaintenanceDisplayAndPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, hosting, dns, _ := publicWorld(t, db)
		ctx := context.Background()
		from, until := w.now.Add(time.Hour), w.now.Add(3*time.Hour)
		m, err := w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{NL: "Onderhoud DNS"}, ScheduledFor: rfc(from), ScheduledUntil: rfc(until),
			Components: []desk.AffectedComponent{{ComponentID: dns.ID, Status: desk.StatusUnderMaintenance}}, Body: desk.Texts{NL: "Gepland."}})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != desk.MaintenanceScheduled || !m.StartedAt.Equal(from) || m.Components[0].Status != desk.StatusUnderMaintenance {
			t.Fatalf("maintenance %+v", m)
		}
		if got := displayed(t, w); got["DNS"] != desk.StatusOperational {
			t.Errorf("scheduled maintenance moved DNS to %s", got["DNS"])
		}
		pg, err := w.a.PublicIncidents.Page(ctx, 7)
		if err != nil || len(pg.Upcoming) != 1 || len(pg.Active) != 0 || len(pg.Open) != 0 {
			t.Fatalf("page %+v %v", pg, err)
		}
		w.now = from
		if _, err := w.a.PublicIncidents.PostUpdate(ctx, actor(w.agent), m.ID, desk.UpdateInput{Status: desk.MaintenanceInProgress, Body: desk.Texts{NL: "Begonnen."}}); err != nil {
			t.Fatal(err)
		}
		got := displayed(t, w)
		if got["DNS"] != desk.StatusUnderMaintenance || got["Hosting"] != desk.StatusOperational {
			t.Errorf("in progress: %v", got)
		}
		page, _ := w.a.Components.Public(ctx)
		var sts []desk.ComponentStatus
		for _, c := range page.Components {
			sts = append(sts, c.Status)
		}
		if ind := desk.PageIndicatorWith(sts, page.Open); ind != desk.IndicatorMaintenance {
			t.Errorf("indicator %s", ind)
		}
		// An outage on DNS outranks its maintenance.
		if _, err := w.a.Components.SetStatus(ctx, actor(w.agent), dns.ID, desk.StatusMajorOutage); err != nil {
			t.Fatal(err)
		}
		if got := displayed(t, w); got["DNS"] != desk.StatusMajorOutage {
			t.Errorf("outage under maintenance shows %s", got["DNS"])
		}
		pg, _ = w.a.PublicIncidents.Page(ctx, 7)
		if len(pg.Active) != 1 || len(pg.Upcoming) != 0 {
			t.Errorf("page %+v", pg)
		}
		w.now = until
		if _, err := w.a.PublicIncidents.Resolve(ctx, actor(w.agent), m.ID, desk.Texts{EN: "Done."}); err != nil {
			t.Fatal(err)
		}
		pg, _ = w.a.PublicIncidents.Page(ctx, 7)
		if len(pg.Active) != 0 || len(pg.Recent) != 1 || pg.Recent[0].Status != desk.MaintenanceCompleted {
			t.Errorf("page after completion %+v", pg)
		}
		month, err := w.a.PublicIncidents.Month(ctx, from.Year(), from.Month(), time.UTC)
		if err != nil || len(month) != 1 {
			t.Errorf("month %d %v", len(month), err)
		}
		_ = hosting
	})
}

// rfc is t as the API sends it.
func rfc(t time.Time) *string {
	s := t.Format(time.RFC3339Nano)
	return &s
}

// A window that is not a time is named, once, by its field.
func TestPublicIncidentWindowInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		bad, old := "tomorrow", "1999-12-31T23:00:00Z"
		_, err := w.a.PublicIncidents.Create(context.Background(), actor(w.agent), app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{EN: "Work"}, Body: desk.Texts{EN: "x"}, ScheduledFor: &bad, ScheduledUntil: &old})
		if f := fieldRules(err); !slices.Equal(f, []string{"scheduled_for/date_time", "scheduled_until/range"}) {
			t.Errorf("got %v", f)
		}
	})
}

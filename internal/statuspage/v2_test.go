package statuspage

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
)

// An incident has none of a maintenance's fields; a maintenance has both, null or not;
// texts fall back from Dutch to English; only the components given appear.
func TestIncidentShape(t *testing.T) {
	t.Parallel()
	w := NewWriter("https://desk.example")
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	comps := map[int64]desk.Component{1: {ID: 1, Name: "Web", Status: desk.StatusMajorOutage, CreatedAt: at, UpdatedAt: at}}
	inc := desk.PublicIncident{ID: 7, Kind: desk.KindIncident, Name: desk.Texts{EN: "Down"}, Status: desk.PublicInvestigating,
		Impact: desk.ImpactMajor, CreatedAt: at, UpdatedAt: at, StartedAt: at,
		Components: []desk.AffectedComponent{{ComponentID: 1, Status: desk.StatusMajorOutage}, {ComponentID: 2, Status: desk.StatusMajorOutage}},
		Updates: []desk.PublicUpdate{{ID: 9, Status: desk.PublicInvestigating, Body: desk.Texts{NL: "Kijken", EN: "Looking"}, CreatedAt: at,
			Components: []desk.ComponentChange{{ComponentID: 2, OldStatus: desk.StatusOperational, NewStatus: desk.StatusMajorOutage},
				{ComponentID: 1, OldStatus: desk.StatusOperational, NewStatus: desk.StatusMajorOutage}}}}}
	b, err := json.Marshal(w.Incident(inc, comps))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"id":"i7"`, `"name":"Down"`, `"body":"Kijken"`, `"shortlink":"https://desk.example/status/incidents/7"`,
		`"started_at":"2026-12-02T09:00:00.000+01:00"`, `"monitoring_at":null`, `"affected_components":[{"code":"c1","name":"Web","old_status":"operational","new_status":"major_outage"}]`,
		`"incident_id":"i7"`, `"id":"u9"`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
	if strings.Contains(s, "scheduled_") || strings.Contains(s, `"c2"`) {
		t.Errorf("incident has a window or a hidden component: %s", s)
	}
	from := at.Add(time.Hour)
	inc.Kind, inc.Status, inc.ScheduledFor = desk.KindMaintenance, desk.MaintenanceScheduled, &from
	b, _ = json.Marshal(w.Incident(inc, comps))
	s = string(b)
	for _, want := range []string{`"impact":"maintenance"`, `"scheduled_for":"2026-12-02T10:00:00.000+01:00"`, `"scheduled_until":null`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
}

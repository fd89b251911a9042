package desk

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var pt0 = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func fieldRules(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, f := range err.(*Error).Fields {
		out = append(out, f.Field+"/"+f.Rule)
	}
	return out
}

func TestPublicIncidentValidate(t *testing.T) {
	t.Parallel()
	later, earlier := pt0.Add(time.Hour), pt0.Add(-time.Hour)
	many := make([]AffectedComponent, MaxPublicComponents+1)
	for i := range many {
		many[i] = AffectedComponent{ComponentID: int64(i + 1), Status: StatusMajorOutage}
	}
	for _, c := range []struct {
		name string
		p    PublicIncident
		want []string
	}{
		{"fine incident", PublicIncident{Kind: KindIncident, Name: Texts{EN: "Down"}}, nil},
		{"fine maintenance", PublicIncident{Kind: KindMaintenance, Name: Texts{NL: "Werk"}, ScheduledFor: &pt0, ScheduledUntil: &later}, nil},
		{"no name", PublicIncident{Kind: KindIncident, Name: Texts{NL: " ", EN: "\t"}}, []string{"name/required"}},
		{"long name", PublicIncident{Kind: KindIncident, Name: Texts{EN: strings.Repeat("é", 201)}}, []string{"name.en/max_length"}},
		{"200 is fine", PublicIncident{Kind: KindIncident, Name: Texts{EN: strings.Repeat("é", 200)}}, nil},
		{"control in name", PublicIncident{Kind: KindIncident, Name: Texts{NL: "a\nb"}}, []string{"name.nl/control_characters"}},
		{"bad kind", PublicIncident{Kind: "outage", Name: Texts{EN: "x"}}, []string{"kind/one_of"}},
		{"maintenance status on incident", PublicIncident{Kind: KindIncident, Name: Texts{EN: "x"}, Status: MaintenanceScheduled}, []string{"status/one_of"}},
		{"bad impact", PublicIncident{Kind: KindIncident, Name: Texts{EN: "x"}, Impact: "huge"}, []string{"impact/one_of"}},
		{"window on incident", PublicIncident{Kind: KindIncident, Name: Texts{EN: "x"}, ScheduledFor: &pt0}, []string{"scheduled_for/absent"}},
		{"no window", PublicIncident{Kind: KindMaintenance, Name: Texts{EN: "x"}}, []string{"scheduled_for/required", "scheduled_until/required"}},
		{"end before start", PublicIncident{Kind: KindMaintenance, Name: Texts{EN: "x"}, ScheduledFor: &pt0, ScheduledUntil: &earlier}, []string{"scheduled_until/after"}},
		{"end at start", PublicIncident{Kind: KindMaintenance, Name: Texts{EN: "x"}, ScheduledFor: &pt0, ScheduledUntil: &pt0}, []string{"scheduled_until/after"}},
		{"components", PublicIncident{Kind: KindIncident, Name: Texts{EN: "x"}, Components: []AffectedComponent{{ComponentID: 1}, {ComponentID: 1, Status: "down"}, {}}},
			[]string{"components[0].status/required", "components[1].component_id/unique", "components[1].status/one_of", "components[2].component_id/required", "components[2].status/required"}},
		{"too many components", PublicIncident{Kind: KindIncident, Name: Texts{EN: "x"}, Components: many}, []string{"components/max_items"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := c.p
			p.Defaults()
			if got := fieldRules(p.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestUpdateInputValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		kind PublicKind
		u    UpdateInput
		want []string
	}{
		{"fine", KindIncident, UpdateInput{Status: PublicIdentified, Body: Texts{NL: "Gevonden"}}, nil},
		{"keep status", KindIncident, UpdateInput{Body: Texts{EN: "More"}}, nil},
		{"no body", KindIncident, UpdateInput{}, []string{"body/required"}},
		{"long body", KindIncident, UpdateInput{Body: Texts{EN: strings.Repeat("x", MaxPublicBody+1)}}, []string{"body.en/max_length"}},
		{"markdown lines are fine", KindIncident, UpdateInput{Body: Texts{EN: "# Head\n\n* one\n* two\n"}}, nil},
		{"postmortem by update", KindIncident, UpdateInput{Status: PublicPostmortem, Body: Texts{EN: "x"}}, []string{"status/one_of"}},
		{"incident status on maintenance", KindMaintenance, UpdateInput{Status: PublicResolved, Body: Texts{EN: "x"}}, []string{"status/one_of"}},
		{"maintenance", KindMaintenance, UpdateInput{Status: MaintenanceVerifying, Body: Texts{EN: "x"}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := fieldRules(c.u.Validate(c.kind)); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// Begin and Apply keep the timestamps and the component changes a timeline needs.
func TestApplyUpdates(t *testing.T) {
	t.Parallel()
	author := int64(7)
	p := PublicIncident{Kind: KindIncident, Name: Texts{EN: "Down"}, Components: []AffectedComponent{{ComponentID: 1}}}
	p.Defaults()
	u := p.Begin(Texts{EN: "Looking"}, &author, pt0)
	if p.Status != PublicInvestigating || !p.StartedAt.Equal(pt0) || p.ResolvedAt != nil || *p.CreatedByID != 7 {
		t.Fatalf("begun %+v", p)
	}
	if want := []ComponentChange{{1, StatusOperational, StatusMajorOutage}}; !slices.Equal(u.Components, want) || u.Status != PublicInvestigating {
		t.Errorf("first update %+v", u)
	}
	t1 := pt0.Add(time.Minute)
	u = p.Apply(UpdateInput{Status: PublicMonitoring, Body: Texts{EN: "Watching"}, Components: []AffectedComponent{{ComponentID: 2, Status: StatusDegradedPerformance}}}, nil, t1)
	if p.MonitoringAt == nil || !p.MonitoringAt.Equal(t1) || !p.UpdatedAt.Equal(t1) || len(p.Components) != 2 {
		t.Fatalf("monitoring %+v", p)
	}
	if want := []ComponentChange{{1, StatusMajorOutage, StatusMajorOutage}, {2, StatusOperational, StatusDegradedPerformance}}; !slices.Equal(u.Components, want) {
		t.Errorf("changes %+v", u.Components)
	}
	t2 := pt0.Add(2 * time.Minute)
	u = p.Apply(UpdateInput{Status: PublicResolved, Body: Texts{EN: "Fixed"}}, nil, t2)
	if p.ResolvedAt == nil || !p.ResolvedAt.Equal(t2) || p.Open() {
		t.Fatalf("resolved %+v", p)
	}
	for _, c := range u.Components {
		if c.NewStatus != StatusOperational {
			t.Errorf("resolving left %+v", c)
		}
	}
	// Reopening clears the resolution.
	p.Apply(UpdateInput{Status: PublicIdentified, Body: Texts{EN: "Back"}}, nil, t2.Add(time.Minute))
	if p.ResolvedAt != nil || !p.Open() {
		t.Errorf("reopened %+v", p)
	}

	until := pt0.Add(time.Hour)
	from := pt0.Add(30 * time.Minute)
	m := PublicIncident{Kind: KindMaintenance, Name: Texts{EN: "Work"}, ScheduledFor: &from, ScheduledUntil: &until, Components: []AffectedComponent{{ComponentID: 3}}}
	m.Defaults()
	m.Begin(Texts{EN: "Planned"}, nil, pt0)
	if m.Status != MaintenanceScheduled || !m.StartedAt.Equal(from) || m.Active() || !m.Open() || m.Components[0].Status != StatusUnderMaintenance {
		t.Fatalf("maintenance %+v", m)
	}
	m.Apply(UpdateInput{Status: MaintenanceInProgress, Body: Texts{EN: "Started"}}, nil, from.Add(time.Second))
	if !m.Active() || !m.StartedAt.Equal(from.Add(time.Second)) {
		t.Errorf("started %+v", m)
	}
}

func TestDisplayedStatusesAndIndicator(t *testing.T) {
	t.Parallel()
	comps := []Component{{ID: 1, Status: StatusOperational}, {ID: 2, Status: StatusDegradedPerformance}, {ID: 3, Status: StatusOperational}, {ID: 4, Status: StatusMajorOutage}}
	incident := PublicIncident{Kind: KindIncident, Status: PublicIdentified, Impact: ImpactMinor,
		Components: []AffectedComponent{{ComponentID: 1, Status: StatusPartialOutage}, {ComponentID: 2, Status: StatusOperational}}}
	resolved := PublicIncident{Kind: KindIncident, Status: PublicResolved, Impact: ImpactCritical,
		Components: []AffectedComponent{{ComponentID: 3, Status: StatusMajorOutage}}}
	active := PublicIncident{Kind: KindMaintenance, Status: MaintenanceVerifying, Components: []AffectedComponent{{ComponentID: 3, Status: StatusOperational}, {ComponentID: 4}}}
	scheduled := PublicIncident{Kind: KindMaintenance, Status: MaintenanceScheduled, Components: []AffectedComponent{{ComponentID: 1}}}
	got := DisplayedStatuses(comps, []PublicIncident{incident, resolved, active, scheduled})
	want := map[int64]ComponentStatus{1: StatusPartialOutage, 2: StatusDegradedPerformance, 3: StatusUnderMaintenance, 4: StatusMajorOutage}
	for id, s := range want {
		if got[id] != s {
			t.Errorf("component %d: %s, want %s", id, got[id], s)
		}
	}
	for _, c := range []struct {
		name      string
		statuses  []ComponentStatus
		incidents []PublicIncident
		want      Indicator
	}{
		{"nothing", nil, nil, IndicatorNone},
		{"maintenance only", nil, []PublicIncident{active, scheduled}, IndicatorMaintenance},
		{"scheduled is nothing yet", nil, []PublicIncident{scheduled}, IndicatorNone},
		{"minor incident beats maintenance", nil, []PublicIncident{active, incident}, IndicatorMinor},
		{"resolved counts not", nil, []PublicIncident{resolved}, IndicatorNone},
		{"component outage beats a minor impact", []ComponentStatus{StatusMajorOutage}, []PublicIncident{incident}, IndicatorCritical},
		{"impact none with maintenance", nil, []PublicIncident{{Kind: KindIncident, Status: PublicInvestigating, Impact: ImpactNone}, active}, IndicatorMaintenance},
		{"critical", nil, []PublicIncident{{Kind: KindIncident, Status: PublicMonitoring, Impact: ImpactCritical}}, IndicatorCritical},
	} {
		if got := PageIndicatorWith(c.statuses, c.incidents); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestPublicView(t *testing.T) {
	t.Parallel()
	author := int64(3)
	p := PublicIncident{CreatedByID: &author, Components: []AffectedComponent{{ComponentID: 1}, {ComponentID: 2}},
		Updates: []PublicUpdate{{AuthorID: &author, Components: []ComponentChange{{ComponentID: 2}, {ComponentID: 1}}}}}
	v := p.Public(func(id int64) bool { return id == 1 })
	if v.CreatedByID != nil || len(v.Components) != 1 || v.Updates[0].AuthorID != nil || len(v.Updates[0].Components) != 1 || v.Updates[0].Components[0].ComponentID != 1 {
		t.Errorf("public view %+v", v)
	}
	if p.Updates[0].AuthorID == nil || len(p.Updates[0].Components) != 2 {
		t.Errorf("the original changed: %+v", p)
	}
}

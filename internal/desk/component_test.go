package desk_test

import (
	"testing"

	"meldpunt/internal/desk"
)

func TestPageIndicator(t *testing.T) {
	t.Parallel()
	const (
		op    = desk.StatusOperational
		deg   = desk.StatusDegradedPerformance
		part  = desk.StatusPartialOutage
		major = desk.StatusMajorOutage
		maint = desk.StatusUnderMaintenance
	)
	for _, c := range []struct {
		name string
		in   []desk.ComponentStatus
		want desk.Indicator
		desc string
	}{
		{"no components", nil, desk.IndicatorNone, "All Systems Operational"},
		{"all operational", []desk.ComponentStatus{op, op}, desk.IndicatorNone, "All Systems Operational"},
		{"degraded is minor", []desk.ComponentStatus{op, deg}, desk.IndicatorMinor, "Minor Service Outage"},
		{"partial outage is major", []desk.ComponentStatus{deg, part, op}, desk.IndicatorMajor, "Partial System Outage"},
		{"major outage is critical", []desk.ComponentStatus{major, part, deg}, desk.IndicatorCritical, "Major System Outage"},
		{"maintenance alone", []desk.ComponentStatus{op, maint}, desk.IndicatorMaintenance, "Service Under Maintenance"},
		{"an outage outranks maintenance", []desk.ComponentStatus{maint, deg}, desk.IndicatorMinor, "Minor Service Outage"},
		{"order does not matter", []desk.ComponentStatus{major, maint, op}, desk.IndicatorCritical, "Major System Outage"},
		{"an unknown status counts as operational", []desk.ComponentStatus{"broken"}, desk.IndicatorNone, "All Systems Operational"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := desk.PageIndicator(c.in)
			if got != c.want {
				t.Errorf("PageIndicator(%v) = %q, want %q", c.in, got, c.want)
			}
			if d := desk.IndicatorDescription(got); d != c.desc {
				t.Errorf("IndicatorDescription(%q) = %q, want %q", got, d, c.desc)
			}
		})
	}
}

func TestComponentStatusAndVisibility(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		status     desk.ComponentStatus
		visibility desk.ComponentVisibility
		defaults   bool
		field      string // the field named in the error; "" for valid
		rule       string
	}{
		{"defaults: operational, clients-only", "", "", true, "", ""},
		{"every Statuspage status", desk.StatusUnderMaintenance, desk.VisibilityPublic, false, "", ""},
		{"partial outage, clients", desk.StatusPartialOutage, desk.VisibilityClients, false, "", ""},
		{"an unknown status", "down", desk.VisibilityPublic, false, "status", "one_of"},
		{"a status in the wrong case", "Operational", desk.VisibilityPublic, false, "status", "one_of"},
		{"an empty status (a patch that clears it)", "", desk.VisibilityPublic, false, "status", "required"},
		{"an unknown visibility", desk.StatusOperational, "everyone", false, "visibility", "one_of"},
		{"an empty visibility", desk.StatusOperational, "", false, "visibility", "required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			comp := desk.Component{Name: "Mail", Status: c.status, Visibility: c.visibility}
			if c.defaults {
				comp.Defaults()
				if comp.Status != desk.StatusOperational || comp.Visibility != desk.VisibilityClients {
					t.Fatalf("defaults: %q, %q", comp.Status, comp.Visibility)
				}
			}
			err := comp.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e, ok := err.(*desk.Error)
			if !ok {
				t.Fatalf("Validate = %v, want a *desk.Error", err)
			}
			found := false
			for _, f := range e.Fields {
				if f.Field == c.field && f.Rule == c.rule {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate = %+v, want %s/%s", e.Fields, c.field, c.rule)
			}
		})
	}
}

// TestWorstStatus: a group shows the worst of its components, an outage before maintenance.
func TestWorstStatus(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   []desk.ComponentStatus
		want desk.ComponentStatus
	}{
		{nil, desk.StatusOperational},
		{[]desk.ComponentStatus{desk.StatusOperational, desk.StatusDegradedPerformance}, desk.StatusDegradedPerformance},
		{[]desk.ComponentStatus{desk.StatusPartialOutage, desk.StatusDegradedPerformance}, desk.StatusPartialOutage},
		{[]desk.ComponentStatus{desk.StatusUnderMaintenance, desk.StatusMajorOutage}, desk.StatusMajorOutage},
		{[]desk.ComponentStatus{desk.StatusUnderMaintenance, desk.StatusDegradedPerformance}, desk.StatusDegradedPerformance},
		{[]desk.ComponentStatus{desk.StatusOperational, desk.StatusUnderMaintenance}, desk.StatusUnderMaintenance},
	} {
		if got := desk.WorstStatus(c.in); got != c.want {
			t.Errorf("desk.WorstStatus(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

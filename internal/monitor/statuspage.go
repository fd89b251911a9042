package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"meldpunt/internal/desk"
)

// Supplier component statuses, in Statuspage's words, which ComponentStatus carries.
const (
	SupplierOperational         = "operational"
	SupplierUnderMaintenance    = "under_maintenance"
	SupplierDegradedPerformance = "degraded_performance"
	SupplierPartialOutage       = "partial_outage"
	SupplierMajorOutage         = "major_outage"
)

// supplierRank orders the supplier statuses from best to worst.
var supplierRank = map[string]int{
	SupplierOperational:         0,
	SupplierUnderMaintenance:    1,
	SupplierDegradedPerformance: 2,
	SupplierPartialOutage:       3,
	SupplierMajorOutage:         4,
}

// StatuspageSettings are a statuspage check's: a supplier's Statuspage-format summary.json,
// the whole page or some of its components.
type StatuspageSettings struct {
	URL string `json:"url"`
	// Components lists the supplier's components followed, by id or name; empty: the whole
	// page (its status indicator and every component).
	Components []string `json:"components,omitempty"`
	// Supplier names the supplier for the desk.
	Supplier string `json:"supplier,omitempty"`

	u *url.URL
}

func (s *StatuspageSettings) check(v *desk.Validator, p string) {
	s.u = checkURL(v, p+"url", s.URL)
	if len(s.Components) > maxList {
		v.Add(p+"components", "max_items", "must list at most %d components", maxList)
	}
	for i, c := range s.Components {
		v.Text(p+"components["+itoa(i)+"]", c, true, desk.MaxName, false)
	}
	v.Text(p+"supplier", s.Supplier, false, desk.MaxName, false)
}

func (s *StatuspageSettings) normalise()        {}
func (s *StatuspageSettings) secrets() []string { return urlSecrets(s.URL) }

// summary is the part of a Statuspage summary.json the check reads.
type summary struct {
	Page *struct {
		Name string `json:"name"`
	} `json:"page"`
	Status *struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
	Components []spComponent `json:"components"`
	Incidents  []struct {
		Name       string `json:"name"`
		Status     string `json:"status"`
		Impact     string `json:"impact"`
		Components []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"components"`
		Updates []struct {
			Body string `json:"body"`
		} `json:"incident_updates"`
	} `json:"incidents"`
	Maintenances []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"scheduled_maintenances"`
}

// spComponent is a component of a supplier's page.
type spComponent struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Group  bool   `json:"group"`
}

// indicatorStatus maps a page's status indicator onto a supplier component status.
func indicatorStatus(ind string) (string, bool) {
	switch ind {
	case "none":
		return SupplierOperational, true
	case "minor":
		return SupplierDegradedPerformance, true
	case "major":
		return SupplierPartialOutage, true
	case "critical":
		return SupplierMajorOutage, true
	case "maintenance":
		return SupplierUnderMaintenance, true
	}
	return "", false
}

// SupplierVerdict maps a supplier component status onto a verdict: an outage in part or
// slowness is degraded, a major outage down, maintenance up.
func SupplierVerdict(status string) Status {
	switch status {
	case SupplierMajorOutage:
		return Down
	case SupplierDegradedPerformance, SupplierPartialOutage:
		return Degraded
	}
	return Up
}

func (s *StatuspageSettings) run(ctx context.Context, c *Checker) Result {
	resp, data, truncated, elapsed, err := c.fetch(ctx, "GET", s.u, map[string]string{"Accept": "application/json"}, "", true, true, true)
	if resp == nil {
		r := failure(ctx, "the supplier's page", err)
		r.Duration = elapsed
		return r
	}
	r := Result{Status: Up, Duration: elapsed, Evidence: map[string]string{"response_time_ms": ms(elapsed)}}
	if s.Supplier != "" {
		r.Evidence["supplier"] = s.Supplier
	}
	down := func(reason, format string, args ...any) Result {
		r.Status, r.Reason = Down, reason
		r.Error = clip(fmt.Sprintf(format, args...), 500)
		return r
	}
	switch {
	case err != nil:
		return down(reasonOf(ctx, err), "the supplier's page: %s", describe(ctx, "", err))
	case resp.StatusCode != 200:
		return down(ReasonSupplierPage, "the supplier's page answered status %d, expected 200", resp.StatusCode)
	case truncated:
		return down(ReasonSupplierPage, "the supplier's page is larger than %d bytes", c.bodyLimit())
	}
	var doc summary
	if err := json.Unmarshal(data, &doc); err != nil {
		return down(ReasonSupplierPage, "the supplier's page is not a Statuspage summary.json: %s", clip(err.Error(), 200))
	}
	if doc.Status == nil && doc.Components == nil {
		return down(ReasonSupplierPage, "the supplier's page is not a Statuspage summary.json: it has no status and no components")
	}
	if s.Supplier == "" && doc.Page != nil && doc.Page.Name != "" {
		r.Evidence["supplier"] = printable(doc.Page.Name)
	}

	worst := SupplierOperational
	consider := func(st string) {
		if supplierRank[st] > supplierRank[worst] {
			worst = st
		}
	}
	var notes []string // components not operational, for the desk
	followed := map[string]bool{}
	if len(s.Components) == 0 {
		if doc.Status != nil {
			if st, ok := indicatorStatus(doc.Status.Indicator); ok {
				consider(st)
			}
		}
		for _, comp := range doc.Components {
			if _, known := supplierRank[comp.Status]; known {
				consider(comp.Status)
				followed[comp.ID] = true
				if comp.Status != SupplierOperational && !comp.Group {
					notes = append(notes, printable(comp.Name)+": "+comp.Status)
				}
			}
		}
	} else {
		for _, want := range s.Components {
			i := slices.IndexFunc(doc.Components, func(comp spComponent) bool {
				return comp.ID == want || strings.EqualFold(strings.TrimSpace(comp.Name), strings.TrimSpace(want))
			})
			if i < 0 {
				return down(ReasonSupplierPage, "the supplier's page has no component %q", want)
			}
			comp := doc.Components[i]
			if _, known := supplierRank[comp.Status]; !known {
				return down(ReasonSupplierPage, "the supplier's component %q has a status Meldpunt does not know: %q", want, clip(comp.Status, 50))
			}
			consider(comp.Status)
			followed[comp.ID] = true
			if comp.Status != SupplierOperational {
				notes = append(notes, printable(comp.Name)+": "+comp.Status)
			}
		}
	}
	r.ComponentStatus = worst
	r.Status = SupplierVerdict(worst)
	if len(notes) > 0 {
		r.Evidence["components"] = clip(strings.Join(notes, "; "), 500)
	}
	if doc.Status != nil && doc.Status.Description != "" {
		r.Evidence["page_status"] = printable(doc.Status.Description)
	}

	// The supplier's open incidents that touch what is followed, and the latest word on them.
	var names []string
	latest := ""
	for _, inc := range doc.Incidents {
		if inc.Status == "resolved" || inc.Status == "postmortem" || inc.Status == "completed" {
			continue
		}
		touches := len(s.Components) == 0 || len(inc.Components) == 0
		for _, ic := range inc.Components {
			if followed[ic.ID] {
				touches = true
			}
		}
		if !touches {
			continue
		}
		names = append(names, printable(inc.Name))
		if latest == "" && len(inc.Updates) > 0 {
			latest = printable(inc.Updates[0].Body)
		}
	}
	if len(names) > 0 {
		if len(names) > 5 {
			names = append(names[:5], fmt.Sprintf("and %d more", len(names)-5))
		}
		r.Evidence["incidents"] = clip(strings.Join(names, "; "), 500)
		r.Evidence["incident_update"] = clip(latest, 500)
	}
	var maint []string
	for _, m := range doc.Maintenances {
		if m.Status == "in_progress" || m.Status == "verifying" {
			maint = append(maint, printable(m.Name))
		}
	}
	if worst == SupplierUnderMaintenance || len(maint) > 0 {
		text := "the supplier reports maintenance"
		if len(maint) > 0 {
			text += ": " + strings.Join(maint, "; ")
		}
		r.Evidence["maintenance"] = clip(text, 500)
	}
	if r.Status != Up {
		r.Reason = ReasonSupplier
		r.Error = "the supplier reports " + strings.ReplaceAll(worst, "_", " ")
		if names != nil {
			r.Error += ": " + names[0]
		}
		r.Error = clip(r.Error, 500)
	}
	return r
}

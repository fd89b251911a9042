package webhook

import "strings"

// statusIncident is what the status page's events (status.*) carry of a public incident
// or maintenance, in Statuspage's v2 shape (docs/status-page.md, Notices).
type statusIncident struct {
	Name            string  `json:"name"`
	Status          string  `json:"status"`
	Impact          string  `json:"impact"`
	Shortlink       string  `json:"shortlink"`
	ScheduledFor    *string `json:"scheduled_for"`
	ScheduledUntil  *string `json:"scheduled_until"`
	IncidentUpdates []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Body   string `json:"body"`
	} `json:"incident_updates"`
	Components []struct {
		Name string `json:"name"`
	} `json:"components"`
}

// renderStatus renders an event of the public status page: a first line "{name}: {what
// happened}" (with the status, and the impact of an incident, or the maintenance's
// window), the update's message quoted, the public components it affects, and the link
// to the incident on the status page (the page itself when there is none).
func (r renderer) renderStatus(e *event) string {
	d := &e.Data
	var si statusIncident
	if d.Incident != nil {
		si = d.Incident.statusIncident
	}
	status := clean(r.label("mail.subscriber_notice.status.", si.Status), maxTitle)
	when := func(s *string) string {
		if s == nil {
			return ""
		}
		return r.when(*s)
	}
	var what string
	switch e.Type {
	case "status.incident.created", "status.incident.updated", "status.incident.resolved", "status.incident.postmortem",
		"status.maintenance.started", "status.maintenance.completed":
		impact := ""
		if si.ScheduledFor == nil && si.Impact != "" && si.Impact != "none" && e.Type != "status.incident.resolved" {
			impact = r.text("webhook.status.impact", clean(r.label("mail.subscriber_notice.impact.", si.Impact), maxTitle))
		}
		what = r.text("webhook."+e.Type, status, impact)
	case "status.maintenance.scheduled", "status.maintenance.reminder":
		what = r.text("webhook."+e.Type, when(si.ScheduledFor), when(si.ScheduledUntil))
	default:
		what = r.text("webhook.other", clean(e.Type, 60))
	}
	line := what
	if name := clean(si.Name, maxTitle); name != "" {
		line = name + ": " + what
	}
	lines := []string{strings.Join(strings.Fields(line), " ")}
	if d.UpdateID != nil {
		for _, u := range si.IncidentUpdates {
			if u.ID == *d.UpdateID && strings.TrimSpace(u.Body) != "" {
				lines = append(lines, quote(u.Body))
			}
		}
	}
	if len(si.Components) > 0 {
		names := make([]string, 0, len(si.Components))
		for _, c := range si.Components {
			names = append(names, clean(c.Name, maxTitle))
		}
		lines = append(lines, r.text("webhook.status.components", strings.Join(names, ", ")))
	}
	link := strings.TrimSpace(si.Shortlink)
	if link == "" && d.Page != nil {
		link = strings.TrimSpace(d.Page.URL)
	}
	if link != "" && !strings.ContainsAny(link, " \t\r\n<>") {
		lines = append(lines, escape(link))
	}
	return strings.Join(lines, "\n")
}

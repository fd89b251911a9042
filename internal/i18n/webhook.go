package i18n

// The texts of chat messages (webhooks in the slack format), merged into both catalogs at
// start-up like admin.go.
func init() {
	for k, v := range webhookEN {
		en[k] = v
	}
	for k, v := range webhookNL {
		nl[k] = v
	}
}

var webhookEN = map[string]string{
	"webhook.incident.created":             "new incident from %[1]s, %[2]s %[3]s",
	"webhook.incident.created_urgent":      "new urgent report from %[1]s, %[2]s %[3]s",
	"webhook.incident.state_changed":       "%[1]s → %[2]s",
	"webhook.incident.resolved":            "%[1]s → %[2]s",
	"webhook.incident.closed":              "%[1]s → %[2]s",
	"webhook.solution.temporary":           "Temporary solution",
	"webhook.solution.structural":          "Structural solution",
	"webhook.closed.confirmed":             "The reporter confirmed the solution.",
	"webhook.closed.automatic":             "Closed automatically.",
	"webhook.incident.assigned_owner":      "owner is now %[1]s",
	"webhook.incident.assigned_assignee":   "assigned to %[1]s",
	"webhook.incident.unassigned_owner":    "no owner any more",
	"webhook.incident.unassigned_assignee": "no longer assigned to anyone",
	"webhook.incident.replied":             "new reply",
	"webhook.incident.replied_internal":    "new internal note",
	"webhook.incident.sla_warning":         "SLA warning: %[1]s due by %[2]s",
	"webhook.incident.sla_breached":        "SLA breached: %[1]s was due by %[2]s",
	"webhook.sla.first_response":           "first response",
	"webhook.sla.resolution":               "resolution",
	"webhook.change.created":               "new change request",
	"webhook.change.incidents":             "Incidents: %[1]s",
	"webhook.change.state_changed":         "%[1]s → %[2]s",
	"webhook.test":                         "Test message from Meldpunt: this webhook works.",
	"webhook.other":                        "event %[1]s",
}

var webhookNL = map[string]string{
	"webhook.incident.created":             "nieuwe melding van %[1]s, %[2]s %[3]s",
	"webhook.incident.created_urgent":      "nieuwe spoedmelding van %[1]s, %[2]s %[3]s",
	"webhook.incident.state_changed":       "%[1]s → %[2]s",
	"webhook.incident.resolved":            "%[1]s → %[2]s",
	"webhook.incident.closed":              "%[1]s → %[2]s",
	"webhook.solution.temporary":           "Tijdelijke oplossing",
	"webhook.solution.structural":          "Structurele oplossing",
	"webhook.closed.confirmed":             "De melder heeft de oplossing bevestigd.",
	"webhook.closed.automatic":             "Automatisch gesloten.",
	"webhook.incident.assigned_owner":      "eigenaar is nu %[1]s",
	"webhook.incident.assigned_assignee":   "toegewezen aan %[1]s",
	"webhook.incident.unassigned_owner":    "geen eigenaar meer",
	"webhook.incident.unassigned_assignee": "niet meer toegewezen",
	"webhook.incident.replied":             "nieuwe reactie",
	"webhook.incident.replied_internal":    "nieuwe interne notitie",
	"webhook.incident.sla_warning":         "SLA-waarschuwing: %[1]s uiterlijk %[2]s",
	"webhook.incident.sla_breached":        "SLA overschreden: %[1]s was uiterlijk %[2]s",
	"webhook.sla.first_response":           "eerste reactie",
	"webhook.sla.resolution":               "oplossing",
	"webhook.change.created":               "nieuw wijzigingsverzoek",
	"webhook.change.incidents":             "Meldingen: %[1]s",
	"webhook.change.state_changed":         "%[1]s → %[2]s",
	"webhook.test":                         "Testbericht van Meldpunt: deze webhook werkt.",
	"webhook.other":                        "gebeurtenis %[1]s",
}

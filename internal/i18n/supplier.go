package i18n

// The texts of external parties, follow-up dates and stale incidents (docs/sla.md,
// "External parties and reminders"), merged into both catalogs at start-up like
// slareport.go.
func init() {
	for k, v := range supplierEN {
		en[k] = v
	}
	for k, v := range supplierNL {
		nl[k] = v
	}
}

var supplierEN = map[string]string{
	"incident.supplier":      "External party",
	"incident.follow_up":     "Follow up on",
	"assign.supplier_hint":   "(a supplier; the desk keeps ownership)",
	"assign.follow_up_hint":  "(the owner is reminded when it passes; empty: none)",
	"queue.stale":            "stale",
	"queue.follow_up_passed": "follow up",
	"event.forwarded":        "Forwarded to the external party %s; follow up on %s.",
	"event.nodate":           "no date",
	"field.supplier":         "Choose an active supplier.",
	"field.future":           "Choose a date and time that lies ahead.",
	"field.max":              "Choose a date at most a year ahead.",
	"field.date_time":        "Enter a date and time.",
	"field.phone":            "Enter a phone number: digits, spaces and + - ( ) . /",
}

var supplierNL = map[string]string{
	"incident.supplier":      "Leverancier",
	"incident.follow_up":     "Opvolgen op",
	"assign.supplier_hint":   "(een externe partij; de servicedesk blijft eigenaar)",
	"assign.follow_up_hint":  "(de eigenaar krijgt een herinnering als die datum verstrijkt; leeg: geen)",
	"queue.stale":            "stil",
	"queue.follow_up_passed": "opvolgen",
	"event.forwarded":        "Doorgezet naar leverancier %s, opvolgen op %s.",
	"event.nodate":           "geen datum",
	"field.supplier":         "Kies een actieve leverancier.",
	"field.future":           "Kies een datum en tijd in de toekomst.",
	"field.max":              "Kies een datum hooguit een jaar vooruit.",
	"field.date_time":        "Vul een datum en tijd in.",
	"field.phone":            "Vul een telefoonnummer in: cijfers, spaties en + - ( ) . /",
}

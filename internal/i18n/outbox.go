package i18n

// The texts of the outbox page and of the email settings (docs/email.md): the label of every
// notification kind and delivery state, merged into both catalogs at start-up like
// closure.go.
func init() {
	for k, v := range outboxEN {
		en[k] = v
	}
	for k, v := range outboxNL {
		nl[k] = v
	}
}

var outboxEN = map[string]string{
	"nav.outbox":        "Outbox",
	"nav.notifications": "Email settings",

	"notify_kind.report_received":   "Report received",
	"notify_kind.assessment":        "The desk's assessment",
	"notify_kind.incident_update":   "Updates on your incident",
	"notify_kind.waiting_for_you":   "Waiting for you",
	"notify_kind.solution":          "Solution, to confirm or reject",
	"notify_kind.closed":            "Incident closed",
	"notify_kind.auto_closed":       "Closed automatically",
	"notify_kind.new_report":        "New report",
	"notify_kind.assigned":          "Assigned to you",
	"notify_kind.client_reply":      "The client replied",
	"notify_kind.solution_rejected": "Solution rejected",
	"notify_kind.password_reset":    "Password reset link",
	"notify_kind.sla_warning":       "SLA deadline approaching",
	"notify_kind.sla_breach":        "SLA deadline missed",
	"notify_kind.follow_up_due":     "Follow-up date passed",
	"notify_kind.incident_stale":    "Incident without an update",

	"notify_help.incident_update": "A reply from the desk or a change of state on an incident you reported.",
	"notify_help.new_report":      "A client reported a new incident.",
	"notify_help.client_reply":    "The client replied on an incident you own or are assigned to.",
	"notify_help.sla_warning":     "A response or resolution deadline of your incident is close.",
	"notify_help.sla_breach":      "A response or resolution deadline has passed.",
	"notify_help.follow_up_due":   "The follow-up date of an incident handed to an external party has passed.",
	"notify_help.incident_stale":  "An open incident you own has had no update for too long.",

	"delivery.pending": "pending",
	"delivery.sent":    "sent",
	"delivery.failed":  "set aside",
	"delivery.skipped": "skipped",

	"outbox.title":      "Outbox",
	"outbox.intro":      "Every email Meldpunt sends, newest first. A message that could not be delivered after the set number of attempts is set aside until you retry it.",
	"outbox.transport":  "Mail goes to: %s.",
	"outbox.eml":        "Without an SMTP server, nothing is sent: each message is written as an .eml file into the outbox folder of the data directory, and Location shows that file's path. Any mail program opens it.",
	"outbox.states":     "Messages by state",
	"outbox.all":        "all",
	"outbox.caption":    "Messages in the outbox",
	"outbox.created":    "Created",
	"outbox.kind":       "Message",
	"outbox.recipient":  "Recipient",
	"outbox.incident":   "Incident",
	"outbox.state":      "State",
	"outbox.attempts":   "Attempts",
	"outbox.next":       "Next attempt",
	"outbox.last_error": "Last error",
	"outbox.location":   "Location",
	"outbox.retry":      "Retry",
	"outbox.retried":    "Message %s is queued again and goes out within a few seconds.",
	"outbox.not_failed": "Only a message that was set aside can be retried; this one is no longer set aside.",
	"outbox.empty":      "No messages here.",
	"outbox.unknown":    "(user %s)",

	"prefs.title":        "Email settings",
	"prefs.intro":        "Choose which optional messages you receive by email at %s. Everything also shows in Meldpunt itself.",
	"prefs.optional":     "Messages you can switch off",
	"prefs.none":         "Your role has no optional messages.",
	"prefs.always":       "These always go out",
	"prefs.always_intro": "These messages are about decisions on your own incidents or work handed to you, so they cannot be switched off:",
	"prefs.save":         "Save",
	"prefs.saved":        "Your email settings are saved.",
}

var outboxNL = map[string]string{
	"nav.outbox":        "Uitgaande e-mail",
	"nav.notifications": "E-mailinstellingen",

	"notify_kind.report_received":   "Melding ontvangen",
	"notify_kind.assessment":        "Beoordeling door de servicedesk",
	"notify_kind.incident_update":   "Updates over je melding",
	"notify_kind.waiting_for_you":   "Wacht op jou",
	"notify_kind.solution":          "Oplossing, te bevestigen of af te wijzen",
	"notify_kind.closed":            "Melding gesloten",
	"notify_kind.auto_closed":       "Automatisch gesloten",
	"notify_kind.new_report":        "Nieuwe melding",
	"notify_kind.assigned":          "Aan jou toegewezen",
	"notify_kind.client_reply":      "Reactie van de klant",
	"notify_kind.solution_rejected": "Oplossing afgewezen",
	"notify_kind.password_reset":    "Link voor nieuw wachtwoord",
	"notify_kind.sla_warning":       "SLA-termijn nadert",
	"notify_kind.sla_breach":        "SLA-termijn overschreden",
	"notify_kind.follow_up_due":     "Opvolgdatum verstreken",
	"notify_kind.incident_stale":    "Melding zonder update",

	"notify_help.incident_update": "Een reactie van de servicedesk of een nieuwe status bij een melding die je deed.",
	"notify_help.new_report":      "Een klant heeft een nieuwe melding gedaan.",
	"notify_help.client_reply":    "De klant reageerde op een melding waarvan je eigenaar of behandelaar bent.",
	"notify_help.sla_warning":     "Een reactie- of oplostermijn van je melding komt dichtbij.",
	"notify_help.sla_breach":      "Een reactie- of oplostermijn is verstreken.",
	"notify_help.follow_up_due":   "De opvolgdatum van een melding die bij een externe partij ligt is verstreken.",
	"notify_help.incident_stale":  "Een open melding waarvan je eigenaar bent heeft te lang geen update gehad.",

	"delivery.pending": "wacht",
	"delivery.sent":    "verstuurd",
	"delivery.failed":  "apart gezet",
	"delivery.skipped": "overgeslagen",

	"outbox.title":      "Uitgaande e-mail",
	"outbox.intro":      "Elke e-mail die Meldpunt verstuurt, nieuwste eerst. Een bericht dat na het ingestelde aantal pogingen niet bezorgd kon worden, wordt apart gezet tot je het opnieuw probeert.",
	"outbox.transport":  "E-mail gaat naar: %s.",
	"outbox.eml":        "Zonder SMTP-server wordt niets verstuurd: elk bericht wordt als .eml-bestand in de map outbox van de datamap geschreven, en Locatie toont het pad van dat bestand. Elk e-mailprogramma opent het.",
	"outbox.states":     "Berichten per status",
	"outbox.all":        "alle",
	"outbox.caption":    "Berichten in de uitgaande e-mail",
	"outbox.created":    "Aangemaakt",
	"outbox.kind":       "Bericht",
	"outbox.recipient":  "Ontvanger",
	"outbox.incident":   "Melding",
	"outbox.state":      "Status",
	"outbox.attempts":   "Pogingen",
	"outbox.next":       "Volgende poging",
	"outbox.last_error": "Laatste fout",
	"outbox.location":   "Locatie",
	"outbox.retry":      "Opnieuw proberen",
	"outbox.retried":    "Bericht %s staat weer in de wachtrij en gaat binnen enkele seconden uit.",
	"outbox.not_failed": "Alleen een bericht dat apart is gezet kan opnieuw worden geprobeerd; dit bericht is niet meer apart gezet.",
	"outbox.empty":      "Hier zijn geen berichten.",
	"outbox.unknown":    "(gebruiker %s)",

	"prefs.title":        "E-mailinstellingen",
	"prefs.intro":        "Kies welke optionele berichten je per e-mail ontvangt op %s. Alles blijft ook in Meldpunt zelf te zien.",
	"prefs.optional":     "Berichten die je kunt uitzetten",
	"prefs.none":         "Voor je rol zijn er geen optionele berichten.",
	"prefs.always":       "Deze gaan altijd uit",
	"prefs.always_intro": "Deze berichten gaan over beslissingen over je eigen meldingen of over werk dat aan jou is gegeven, dus ze kunnen niet uit:",
	"prefs.save":         "Opslaan",
	"prefs.saved":        "Je e-mailinstellingen zijn opgeslagen.",
}

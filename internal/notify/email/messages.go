package email

// The texts of the emails, per language. Each value is a text/template snippet executed
// with the message's vars (render.go); the words for states, levels, priorities, support
// hours and kinds of solution come from internal/i18n, shared with the pages. Both
// catalogs hold the same keys (render_test.go checks it).

var catalogs = map[string]map[string]string{"en": en, "nl": nl}

var en = map[string]string{
	// The frame of every message.
	"greeting":        "Dear {{.Name}},",
	"greeting.anon":   "Hello,",
	"view":            "View {{.Number}} online",
	"footer.reply":    "Reply to this email to add to the incident.",
	"footer.optional": "You can switch these messages off in your email settings:",
	"footer.optional.nourl": "You can switch these messages off in your email settings " +
		"in {{.Product}}.",
	"footer.sent": "This message was sent by {{.Product}}.",
	"reason":      "The reason:",

	// Labels of facts.
	"label.priority":     "Priority",
	"label.urgency":      "Urgency",
	"label.impact":       "Impact",
	"label.type":         "Report type",
	"label.organisation": "Organisation",
	"label.deadline":     "Deadline",
	"label.supplier":     "Supplier",
	"label.follow_up":    "Follow-up date",
	"label.updated":      "Last update",
	"verdict.urgent":     "urgent report",
	"verdict.regular":    "regular support",

	// Dates (Europe/Amsterdam) and durations.
	"date":     "{{.Weekday}} {{.Day}} {{.Month}} {{.Year}} at {{.Clock}} {{.Zone}}",
	"weekdays": "Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday",
	"months":   "January,February,March,April,May,June,July,August,September,October,November,December",
	"hour":     "hour",
	"hours":    "hours",
	"minute":   "minute",
	"minutes":  "minutes",
	"and":      "and",

	// To the client.
	"report_received.subject": "Report received",
	"report_received.intro":   "We have received your report and registered it as {{.Number}}.",
	"report_received.urgent": "According to your answers this is an urgent report. The service desk " +
		"checks this first and lets you know whether it is handled with priority.",
	"report_received.regular":  "According to your answers this falls under regular support.",
	"report_received.priority": "Its priority is {{.Priority}}.",
	"contract.none": "There is no active contract for your organisation, so no response or " +
		"resolution times have been agreed.",
	"contract.not_covered": "Your contract “{{.Contract}}” does not cover urgent reports: this " +
		"report is handled as regular support.",
	"contract.targets": "Contract “{{.Contract}}” promises for {{.PriorityCode}}: a first response " +
		"within {{.FirstResponse}} and a solution within {{.Resolution}}.",
	"contract.hours": "Support hours: {{.SupportHours}}.",
	"contract.outside": "You reported outside support hours: the times count from the start of the " +
		"next support period.",
	"contract.no_guarantee": "These are target times, not absolute guarantees, unless agreed " +
		"otherwise in writing.",

	"assessment.approved.subject": "Urgent report approved",
	"assessment.approved": "The service desk has assessed your report: it is an urgent report and " +
		"is handled with priority.",
	"assessment.note":            "A note from the service desk:",
	"assessment.regular.subject": "Handled as regular support",
	"assessment.regular": "The service desk has assessed your report: it is not an urgent report " +
		"and is handled as regular support.",
	"assessment.changed.subject": "Classification changed",
	"assessment.changed":         "The service desk has changed the classification of your report. It is now:",
	"assessment.other.subject":   "Report assessed",
	"assessment.other":           "The service desk has assessed your report.",

	"incident_update.subject":       "New update",
	"incident_update.subject.state": "Status changed to {{.To}}",
	"incident_update.body":          "{{.By}} has written an update on your report:",
	"incident_update.state":         "The status changed from {{.From}} to {{.To}}.",
	"incident_update.state_to":      "The status is now {{.To}}.",
	"incident_update.plain":         "There is an update on your report.",

	"waiting_for_you.subject": "Waiting for your reply",
	"waiting_for_you.body":    "{{.By}} needs something from you to continue with your report:",
	"waiting_for_you.plain":   "The service desk needs something from you to continue with your report.",
	"waiting_for_you.how":     "Reply to this email, or answer on the incident's page.",

	"solution.subject":    "Resolved, please confirm",
	"solution.intro":      "The service desk has resolved your report. The solution:",
	"solution.intro.none": "The service desk has resolved your report.",
	"solution.kind":       "Kind of solution: {{.SolutionKind}}.",
	"solution.ask":        "Does this solve the problem? Please let us know:",
	"solution.confirm":    "Yes, confirm the solution",
	"solution.reject":     "No, reject the solution",
	"solution.signin":     "Sign in to confirm or reject the solution",
	"solution.auto_close": "Without a reaction the incident closes automatically on {{.AutoCloseAt}}.",
	"solution.auto_close.hours": "Without a reaction the incident closes automatically after " +
		"{{.Hours}} hours.",
	"solution.reply": "A reply to this email reopens the incident.",

	"password_reset.subject": "Set a new password",
	"password_reset.intro":   "Someone, probably you, asked to set a new password for your {{.Product}} account.",
	"password_reset.button":  "Set a new password",
	"password_reset.expires": "The link works once, for {{.Hours}} minutes.",
	"password_reset.ignore":  "Did you not ask for this? Then ignore this email: your password stays as it is.",
	"closed.subject":         "Closed",
	"closed.confirmed": "You confirmed the solution, so the incident is now closed. Thank you for " +
		"letting us know.",
	"closed.by": "{{.By}} has closed your report.",

	"auto_closed.subject": "Closed automatically",
	"auto_closed.hours": "Your report was closed automatically: there was no reaction to the " +
		"solution within {{.Hours}} hours.",
	"auto_closed.plain": "Your report was closed automatically: there was no reaction to the " +
		"solution in time.",
	"auto_closed.again": "Is the problem not solved after all? Submit a new report and mention {{.Number}}.",

	// To staff.
	"new_report.subject":        "New report",
	"new_report.subject.urgent": "New urgent report",
	"new_report.intro":          "{{.Organisation}} has submitted a new report.",
	"new_report.intro.anon":     "A new report has been submitted.",
	"new_report.assess":         "The questionnaire says it is urgent: it waits for the desk's assessment.",

	"assigned.subject":       "Assigned to you",
	"assigned.subject.owner": "You are the owner",
	"assigned.owner":         "{{.By}} has made you the owner of this incident.",
	"assigned.assignee":      "{{.By}} has assigned this incident to you.",

	"client_reply.subject": "Reply from the client",
	"client_reply.body":    "{{.By}} replied:",
	"client_reply.plain":   "{{.By}} replied on the incident.",

	"solution_rejected.subject": "Solution rejected",
	"solution_rejected.intro":   "{{.By}} did not accept the solution; the incident is open again.",

	"sla_warning.subject.response": "First response due soon",
	"sla_warning.subject.resolve":  "Resolution due soon",
	"sla_warning.response":         "The first response to this incident is due soon.",
	"sla_warning.resolve":          "The resolution deadline of this incident is near.",
	"sla_breach.subject.response":  "First-response deadline passed",
	"sla_breach.subject.resolve":   "Resolution deadline passed",
	"sla_breach.response":          "The first-response deadline of this incident has passed without a reply.",
	"sla_breach.resolve":           "The resolution deadline of this incident has passed.",
	"sla_breach.escalated":         "The desk's coordinators have been told.",

	"follow_up_due.subject":  "Follow-up due",
	"follow_up_due.intro":    "The follow-up date of this incident has passed: check where it stands.",
	"incident_stale.subject": "No recent update",
	"incident_stale.intro":   "This incident has had no update for longer than its priority allows.",

	// Any other kind.
	"generic.subject": "Notification",
	"generic.intro":   "There is news about this incident.",
}

var nl = map[string]string{
	"greeting":              "Beste {{.Name}},",
	"greeting.anon":         "Hallo,",
	"view":                  "Bekijk {{.Number}} online",
	"footer.reply":          "Beantwoord deze e-mail om iets aan de melding toe te voegen.",
	"footer.optional":       "Deze berichten kun je uitzetten bij je e-mailinstellingen:",
	"footer.optional.nourl": "Deze berichten kun je uitzetten bij je e-mailinstellingen in {{.Product}}.",
	"footer.sent":           "Dit bericht is verstuurd door {{.Product}}.",
	"reason":                "De reden:",

	"label.priority":     "Prioriteit",
	"label.urgency":      "Urgentie",
	"label.impact":       "Impact",
	"label.type":         "Soort melding",
	"label.organisation": "Organisatie",
	"label.deadline":     "Deadline",
	"label.supplier":     "Leverancier",
	"label.follow_up":    "Opvolgdatum",
	"label.updated":      "Laatste update",
	"verdict.urgent":     "spoedmelding",
	"verdict.regular":    "reguliere support",

	"date":     "{{.Weekday}} {{.Day}} {{.Month}} {{.Year}} om {{.Clock}}",
	"weekdays": "zondag,maandag,dinsdag,woensdag,donderdag,vrijdag,zaterdag",
	"months":   "januari,februari,maart,april,mei,juni,juli,augustus,september,oktober,november,december",
	"hour":     "uur",
	"hours":    "uur",
	"minute":   "minuut",
	"minutes":  "minuten",
	"and":      "en",

	"report_received.subject": "Melding ontvangen",
	"report_received.intro":   "We hebben je melding ontvangen en geregistreerd als {{.Number}}.",
	"report_received.urgent": "Volgens je antwoorden is dit een spoedmelding. De servicedesk " +
		"beoordeelt dat eerst en laat je weten of de melding met voorrang wordt behandeld.",
	"report_received.regular":  "Volgens je antwoorden valt dit onder reguliere support.",
	"report_received.priority": "De prioriteit is {{.Priority}}.",
	"contract.none": "Er is geen actief contract voor je organisatie, dus er zijn geen reactie- " +
		"of oplostijden afgesproken.",
	"contract.not_covered": "Je contract ‘{{.Contract}}’ dekt geen spoedmeldingen: deze melding " +
		"wordt als reguliere support behandeld.",
	"contract.targets": "Contract ‘{{.Contract}}’ belooft bij {{.PriorityCode}}: een eerste reactie " +
		"binnen {{.FirstResponse}} en een oplossing binnen {{.Resolution}}.",
	"contract.hours": "Supporttijden: {{.SupportHours}}.",
	"contract.outside": "Je meldde buiten de supporttijden: de tijden tellen vanaf het begin van de " +
		"volgende supportperiode.",
	"contract.no_guarantee": "Dit zijn streeftijden, geen absolute garanties, tenzij schriftelijk " +
		"anders afgesproken.",

	"assessment.approved.subject": "Spoedmelding goedgekeurd",
	"assessment.approved": "De servicedesk heeft je melding beoordeeld: het is een spoedmelding en " +
		"wordt met voorrang behandeld.",
	"assessment.note":            "Een toelichting van de servicedesk:",
	"assessment.regular.subject": "Behandeld als reguliere support",
	"assessment.regular": "De servicedesk heeft je melding beoordeeld: het is geen spoedmelding en " +
		"wordt als reguliere support behandeld.",
	"assessment.changed.subject": "Classificatie aangepast",
	"assessment.changed":         "De servicedesk heeft de classificatie van je melding aangepast. Die is nu:",
	"assessment.other.subject":   "Melding beoordeeld",
	"assessment.other":           "De servicedesk heeft je melding beoordeeld.",

	"incident_update.subject":       "Nieuwe update",
	"incident_update.subject.state": "Status gewijzigd naar {{.To}}",
	"incident_update.body":          "{{.By}} heeft een update over je melding geschreven:",
	"incident_update.state":         "De status is gewijzigd van {{.From}} naar {{.To}}.",
	"incident_update.state_to":      "De status is nu {{.To}}.",
	"incident_update.plain":         "Er is een update over je melding.",

	"waiting_for_you.subject": "Wacht op je reactie",
	"waiting_for_you.body":    "{{.By}} heeft iets van je nodig om verder te kunnen met je melding:",
	"waiting_for_you.plain":   "De servicedesk heeft iets van je nodig om verder te kunnen met je melding.",
	"waiting_for_you.how":     "Beantwoord deze e-mail, of reageer op de pagina van de melding.",

	"solution.subject":    "Opgelost, graag je bevestiging",
	"solution.intro":      "De servicedesk heeft je melding opgelost. De oplossing:",
	"solution.intro.none": "De servicedesk heeft je melding opgelost.",
	"solution.kind":       "Soort oplossing: {{.SolutionKind}}.",
	"solution.ask":        "Is het probleem hiermee opgelost? Laat het ons weten:",
	"solution.confirm":    "Ja, bevestig de oplossing",
	"solution.reject":     "Nee, wijs de oplossing af",
	"solution.signin":     "Log in om de oplossing te bevestigen of af te wijzen",
	"solution.auto_close": "Zonder reactie wordt de melding op {{.AutoCloseAt}} automatisch gesloten.",
	"solution.auto_close.hours": "Zonder reactie wordt de melding na {{.Hours}} uur automatisch " +
		"gesloten.",
	"solution.reply": "Een antwoord op deze e-mail heropent de melding.",

	"password_reset.subject": "Nieuw wachtwoord instellen",
	"password_reset.intro":   "Iemand, waarschijnlijk jij, vroeg om een nieuw wachtwoord voor je account bij {{.Product}}.",
	"password_reset.button":  "Nieuw wachtwoord instellen",
	"password_reset.expires": "De link werkt één keer, {{.Hours}} minuten lang.",
	"password_reset.ignore":  "Heb je hier niet om gevraagd? Negeer deze e-mail dan: je wachtwoord blijft zoals het is.",
	"closed.subject":         "Gesloten",
	"closed.confirmed": "Je hebt de oplossing bevestigd, dus de melding is nu gesloten. Bedankt " +
		"voor je reactie.",
	"closed.by": "{{.By}} heeft je melding gesloten.",

	"auto_closed.subject": "Automatisch gesloten",
	"auto_closed.hours": "Je melding is automatisch gesloten: er kwam binnen {{.Hours}} uur geen " +
		"reactie op de oplossing.",
	"auto_closed.plain": "Je melding is automatisch gesloten: er kwam niet op tijd een reactie op " +
		"de oplossing.",
	"auto_closed.again": "Is het probleem toch niet opgelost? Doe een nieuwe melding en noem daarin {{.Number}}.",

	"new_report.subject":        "Nieuwe melding",
	"new_report.subject.urgent": "Nieuwe spoedmelding",
	"new_report.intro":          "{{.Organisation}} heeft een nieuwe melding gedaan.",
	"new_report.intro.anon":     "Er is een nieuwe melding gedaan.",
	"new_report.assess":         "Volgens de vragenlijst is het een spoedmelding: die wacht op beoordeling door de servicedesk.",

	"assigned.subject":       "Aan jou toegewezen",
	"assigned.subject.owner": "Jij bent eigenaar",
	"assigned.owner":         "{{.By}} heeft jou eigenaar van deze melding gemaakt.",
	"assigned.assignee":      "{{.By}} heeft deze melding aan jou toegewezen.",

	"client_reply.subject": "Reactie van de klant",
	"client_reply.body":    "{{.By}} reageerde:",
	"client_reply.plain":   "{{.By}} heeft op de melding gereageerd.",

	"solution_rejected.subject": "Oplossing afgewezen",
	"solution_rejected.intro":   "{{.By}} heeft de oplossing niet geaccepteerd; de melding staat weer open.",

	"sla_warning.subject.response": "Eerste reactie bijna te laat",
	"sla_warning.subject.resolve":  "Oplostijd bijna verstreken",
	"sla_warning.response":         "De eerste reactie op deze melding moet binnenkort gegeven zijn.",
	"sla_warning.resolve":          "De oplosdeadline van deze melding komt dichtbij.",
	"sla_breach.subject.response":  "Deadline eerste reactie verstreken",
	"sla_breach.subject.resolve":   "Oplosdeadline verstreken",
	"sla_breach.response":          "De deadline voor de eerste reactie op deze melding is verstreken zonder reactie.",
	"sla_breach.resolve":           "De oplosdeadline van deze melding is verstreken.",
	"sla_breach.escalated":         "De coördinatoren van de servicedesk zijn ingelicht.",

	"follow_up_due.subject":  "Opvolging nodig",
	"follow_up_due.intro":    "De opvolgdatum van deze melding is verstreken: kijk hoe het ermee staat.",
	"incident_stale.subject": "Al een tijd geen update",
	"incident_stale.intro":   "Deze melding heeft langer geen update gehad dan bij de prioriteit past.",

	"generic.subject": "Bericht",
	"generic.intro":   "Er is nieuws over deze melding.",
}

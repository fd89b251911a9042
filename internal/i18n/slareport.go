package i18n

// The texts of the SLA report (docs/sla.md, "Reports"), kept apart from en.go and nl.go
// and merged into both catalogs at start-up; TestCatalogsComplete checks them like the rest.
func init() {
	for k, v := range slaReportEN {
		en[k] = v
	}
	for k, v := range slaReportNL {
		nl[k] = v
	}
}

var slaReportEN = map[string]string{
	"nav.reports":               "Reports",
	"slareport.title":           "SLA report",
	"slareport.intro":           "The incidents registered in the month (Europe/Amsterdam). Times are open time of each incident's calendar: for the resolution, without the time the clock was paused. Incidents whose clock still runs are pending and not counted in the shares.",
	"slareport.pick":            "Choose the report",
	"slareport.org":             "Client",
	"slareport.month":           "Month",
	"slareport.show":            "Show",
	"slareport.prev":            "Previous month",
	"slareport.next":            "Next month",
	"slareport.csv":             "Download as CSV",
	"slareport.choose_org":      "Choose a client to see its report.",
	"slareport.incidents":       "Incidents",
	"slareport.priority":        "Priority",
	"slareport.total":           "Total",
	"slareport.response":        "First response",
	"slareport.resolve":         "Resolution",
	"slareport.met":             "Met",
	"slareport.missed":          "Missed",
	"slareport.pending":         "Pending",
	"slareport.share":           "Met target",
	"slareport.mean":            "Mean",
	"slareport.p90":             "90th percentile",
	"slareport.targets_caption": "Targets met per priority",
	"slareport.times_caption":   "Times per priority (open time)",
	"slareport.chart_targets":   "Incidents that met and missed the %s target, per priority",
	"slareport.chart_targets_d": "Stacked bars per priority: met, missed and pending incidents of the %s target. The same numbers are in the table.",
	"slareport.chart_times":     "Mean and 90th-percentile time to %s, per priority",
	"slareport.chart_times_d":   "Bars per priority: the mean and the 90th percentile in hours of open time. The same numbers are in the table.",
	"slareport.by_kind":         "By kind",
	"slareport.by_channel":      "By channel",
	"slareport.count":           "Number",
	"slareport.reclassified":    "Urgent reports moved to regular support",
	"slareport.reclassified_of": "%d of %d assessed reports (%s)",
	"slareport.none":            "No assessed reports.",
	"slareport.no_contract":     "This client has no active contract with targets: only times are shown.",
	"slareport.hours":           "hours",
	"slareport.bad_month":       "That is not a month (YYYY-MM); this is the current month.",
}

var slaReportNL = map[string]string{
	"nav.reports":               "Rapportage",
	"slareport.title":           "SLA-rapportage",
	"slareport.intro":           "De incidenten die in de maand zijn geregistreerd (Europe/Amsterdam). Tijden zijn openingstijd van de kalender van elk incident: voor de oplossing zonder de tijd dat de klok stilstond. Incidenten waarvan de klok nog loopt, zijn lopend en tellen niet mee in de percentages.",
	"slareport.pick":            "Kies de rapportage",
	"slareport.org":             "Klant",
	"slareport.month":           "Maand",
	"slareport.show":            "Toon",
	"slareport.prev":            "Vorige maand",
	"slareport.next":            "Volgende maand",
	"slareport.csv":             "Download als CSV",
	"slareport.choose_org":      "Kies een klant om de rapportage te zien.",
	"slareport.incidents":       "Incidenten",
	"slareport.priority":        "Prioriteit",
	"slareport.total":           "Totaal",
	"slareport.response":        "Eerste reactie",
	"slareport.resolve":         "Oplossing",
	"slareport.met":             "Gehaald",
	"slareport.missed":          "Niet gehaald",
	"slareport.pending":         "Lopend",
	"slareport.share":           "Norm gehaald",
	"slareport.mean":            "Gemiddeld",
	"slareport.p90":             "90e percentiel",
	"slareport.targets_caption": "Normen gehaald per prioriteit",
	"slareport.times_caption":   "Tijden per prioriteit (openingstijd)",
	"slareport.chart_targets":   "Incidenten die de norm voor %s wel en niet haalden, per prioriteit",
	"slareport.chart_targets_d": "Gestapelde balken per prioriteit: gehaald, niet gehaald en lopend voor de norm voor %s. Dezelfde cijfers staan in de tabel.",
	"slareport.chart_times":     "Gemiddelde en 90e-percentieltijd tot %s, per prioriteit",
	"slareport.chart_times_d":   "Balken per prioriteit: het gemiddelde en het 90e percentiel in uren openingstijd. Dezelfde cijfers staan in de tabel.",
	"slareport.by_kind":         "Naar soort",
	"slareport.by_channel":      "Naar kanaal",
	"slareport.count":           "Aantal",
	"slareport.reclassified":    "Spoedmeldingen omgezet naar reguliere support",
	"slareport.reclassified_of": "%d van %d beoordeelde meldingen (%s)",
	"slareport.none":            "Geen beoordeelde meldingen.",
	"slareport.no_contract":     "Deze klant heeft geen actief contract met normen: alleen de tijden worden getoond.",
	"slareport.hours":           "uur",
	"slareport.bad_month":       "Dat is geen maand (JJJJ-MM); dit is de huidige maand.",
}

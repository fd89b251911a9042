package i18n

// The texts of the closure loop (docs/closure.md): the kind of a solution and the automatic
// close of a resolved incident, merged into both catalogs at start-up like supplier.go.
func init() {
	for k, v := range closureEN {
		en[k] = v
	}
	for k, v := range closureNL {
		nl[k] = v
	}
}

var closureEN = map[string]string{
	"solution_kind.temporary":  "temporary (a workaround)",
	"solution_kind.structural": "structural (the cause is fixed)",
	"incident.solution_kind":   "Solution: %s",
	"incident.auto_close":      "Closes automatically on %s unless the client confirms, rejects or replies first.",
	"transition.solution_kind": "Kind of solution",
	"event.auto_closed":        "Closed automatically: no reaction within %s hours.",
	"event.reopened":           "Reopened: the client replied to the solution.",
}

var closureNL = map[string]string{
	"solution_kind.temporary":  "tijdelijk (een workaround)",
	"solution_kind.structural": "structureel (de oorzaak is verholpen)",
	"incident.solution_kind":   "Oplossing: %s",
	"incident.auto_close":      "Wordt automatisch gesloten op %s, tenzij de klant eerder bevestigt, afwijst of reageert.",
	"transition.solution_kind": "Soort oplossing",
	"event.auto_closed":        "Automatisch gesloten: geen reactie binnen %s uur.",
	"event.reopened":           "Heropend: de klant reageerde op de oplossing.",
}

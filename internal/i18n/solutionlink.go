package i18n

// The texts of the page a solution email's Confirm and Reject links open (docs/email.md),
// merged into both catalogs at start-up like closure.go. The forms reuse the portal's
// decide.* texts.
func init() {
	for k, v := range solutionLinkEN {
		en[k] = v
	}
	for k, v := range solutionLinkNL {
		nl[k] = v
	}
}

var solutionLinkEN = map[string]string{
	"solution_link.title":            "The solution to your incident",
	"solution_link.incident":         "Incident %s: %s",
	"solution_link.solution":         "Solution",
	"solution_link.auto_close":       "Without your reaction the incident closes automatically on %s.",
	"solution_link.proposed_confirm": "You chose “solved” in the email. Confirm it below; nothing happens until you do.",
	"solution_link.proposed_reject":  "You chose “not solved” in the email. Tell us below what still does not work; nothing happens until you send it.",
	"solution_link.sign_in":          "Sign in to see the incident",
	"solution_link.closed_title":     "Thank you",
	"solution_link.closed_text":      "Thank you for confirming: incident %s is closed.",
	"solution_link.reopened_title":   "The incident is reopened",
	"solution_link.reopened_text":    "Incident %s is reopened: the service desk has been told and works on it again.",
	"solution_link.done_title":       "Already handled",
	"solution_link.done_text":        "This link has been used already, or the solution has changed since. Incident %s is now: %s.",
	"solution_link.invalid_title":    "This link does not work",
	"solution_link.invalid_text":     "The link is not valid, perhaps because it was copied incompletely. Sign in to see your incident and react to the solution there.",
	"solution_link.expired_title":    "This link has expired",
	"solution_link.expired_text":     "The link was valid until the incident would close by itself. Sign in to see your incident.",
}

var solutionLinkNL = map[string]string{
	"solution_link.title":            "De oplossing van je melding",
	"solution_link.incident":         "Melding %s: %s",
	"solution_link.solution":         "Oplossing",
	"solution_link.auto_close":       "Zonder je reactie wordt de melding automatisch gesloten op %s.",
	"solution_link.proposed_confirm": "Je koos in de e-mail voor „opgelost”. Bevestig het hieronder; er gebeurt niets tot je dat doet.",
	"solution_link.proposed_reject":  "Je koos in de e-mail voor „niet opgelost”. Vertel hieronder wat er nog niet werkt; er gebeurt niets tot je het verstuurt.",
	"solution_link.sign_in":          "Log in om de melding te zien",
	"solution_link.closed_title":     "Bedankt",
	"solution_link.closed_text":      "Bedankt voor je bevestiging: melding %s is gesloten.",
	"solution_link.reopened_title":   "De melding is heropend",
	"solution_link.reopened_text":    "Melding %s is heropend: de servicedesk is op de hoogte en gaat er weer mee aan de slag.",
	"solution_link.done_title":       "Al afgehandeld",
	"solution_link.done_text":        "Deze link is al gebruikt, of de oplossing is inmiddels gewijzigd. Melding %s is nu: %s.",
	"solution_link.invalid_title":    "Deze link werkt niet",
	"solution_link.invalid_text":     "De link is niet geldig, misschien omdat hij niet helemaal is overgenomen. Log in om je melding te zien en daar op de oplossing te reageren.",
	"solution_link.expired_title":    "Deze link is verlopen",
	"solution_link.expired_text":     "De link was geldig tot de melding vanzelf zou sluiten. Log in om je melding te zien.",
}

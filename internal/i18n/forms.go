package i18n

// The texts every form shares (internal/web/console/forms.go): a field too large to
// receive, and the message a page shows once after a form did its work (the flash),
// merged into both catalogs at start-up like admin.go.
func init() {
	for k, v := range formsEN {
		en[k] = v
	}
	for k, v := range formsNL {
		nl[k] = v
	}
}

var formsEN = map[string]string{
	"field.too_large":      "This is too large to receive (more than %d MB), so it was not kept. Make it shorter.",
	"files.too_large":      "The files together are larger than %d MB, so none was received. Choose fewer or smaller files.",
	"flash.reply":          "Your reply was sent.",
	"flash.note":           "The internal note was saved.",
	"flash.transition":     "The state is now: %s.",
	"flash.assign":         "The assignment was saved.",
	"flash.approve":        "The report was approved as an urgent report.",
	"flash.reclassify":     "The report was moved to regular support.",
	"flash.classify":       "The classification was changed.",
	"flash.attach":         "The files were added.",
	"flash.change_created": "Change request %s was created.",
	"flash.change_edit":    "The change request was saved.",
	"flash.change_link":    "Incident %s is linked.",
	"flash.change_unlink":  "Incident %s is no longer linked.",
	"flash.setup":          "Meldpunt is set up, and you are signed in as its first admin.",
	"flash.questionnaire":  "Version %s of the questionnaire is saved and applies to new reports from now on.",
}

var formsNL = map[string]string{
	"field.too_large":      "Dit is te groot om te ontvangen (meer dan %d MB) en is daarom niet bewaard. Maak het korter.",
	"files.too_large":      "De bestanden zijn samen groter dan %d MB; daarom is er geen ontvangen. Kies minder of kleinere bestanden.",
	"flash.reply":          "Je reactie is verstuurd.",
	"flash.note":           "De interne notitie is opgeslagen.",
	"flash.transition":     "De status is nu: %s.",
	"flash.assign":         "De toewijzing is opgeslagen.",
	"flash.approve":        "De melding is goedgekeurd als spoedmelding.",
	"flash.reclassify":     "De melding is omgezet naar reguliere support.",
	"flash.classify":       "De classificatie is gewijzigd.",
	"flash.attach":         "De bestanden zijn toegevoegd.",
	"flash.change_created": "Wijzigingsverzoek %s is aangemaakt.",
	"flash.change_edit":    "Het wijzigingsverzoek is opgeslagen.",
	"flash.change_link":    "Melding %s is gekoppeld.",
	"flash.change_unlink":  "Melding %s is niet meer gekoppeld.",
	"flash.setup":          "Meldpunt is ingericht en je bent ingelogd als eerste beheerder.",
	"flash.questionnaire":  "Versie %s van de vragenlijst is opgeslagen en geldt vanaf nu voor nieuwe meldingen.",
}

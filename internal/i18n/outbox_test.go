package i18n

import (
	"testing"

	"meldpunt/internal/desk"
)

// TestOutboxLabels: every notification kind, webhook event type, channel and delivery state
// has a label in both languages, and every kind a person may switch off has its
// explanation.
func TestOutboxLabels(t *testing.T) {
	t.Parallel()
	kinds := []string{desk.NotifyReportReceived, desk.NotifyAssessment, desk.NotifyUpdate, desk.NotifyWaiting,
		desk.NotifySolution, desk.NotifyClosed, desk.NotifyAutoClosed, desk.NotifyNewReport, desk.NotifyAssigned,
		desk.NotifyClientReply, desk.NotifySolutionRejected, desk.NotifySLAWarning, desk.NotifySLABreach,
		desk.NotifyFollowUp, desk.NotifyStale, desk.NotifyPasswordReset}
	var keys []string
	for _, k := range kinds {
		keys = append(keys, "notify_kind."+k)
	}
	for _, k := range desk.OptionalKinds {
		keys = append(keys, "notify_kind."+k, "notify_help."+k)
	}
	for _, s := range desk.DeliveryStates {
		keys = append(keys, "delivery."+string(s))
	}
	for _, e := range append([]string{desk.EventWebhookTest}, desk.WebhookEvents...) {
		keys = append(keys, "webhooks.event."+e)
	}
	for _, v := range desk.Vias {
		keys = append(keys, "via."+string(v))
	}
	c := mustLoad(t)
	for _, l := range Locales() {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
	if c.T(desk.LocaleNL, "delivery.failed") == c.T(desk.LocaleEN, "delivery.failed") {
		t.Error("the state failed reads the same in both languages")
	}
}

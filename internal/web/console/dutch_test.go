package console

import (
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// TestMonitorReasonsInWords: every reason a check can give (monitor.Reasons) has words in
// both languages, and the monitors' timeline entries and errors say it in the reader's
// language with the check's own (English) detail beside it; a reason the catalog does not
// know shows as it is, and older entries (no reason, a Go duration) still read.
func TestMonitorReasonsInWords(t *testing.T) {
	t.Parallel()
	texts := loadCatalog(t)
	for _, l := range []desk.Locale{desk.LocaleNL, desk.LocaleEN} {
		v := &view{Locale: l, texts: texts}
		for _, r := range monitor.Reasons() {
			if !v.Has("monitor.reason."+r) || v.MonitorReason(r) == r {
				t.Errorf("%s: no words for the reason %q", l, r)
			}
		}
	}
	down := desk.TimelineEntry{Event: desk.EventMonitorWentDown, Args: []string{"text:Shop port", "reason:refused", "text:connect: connection refused"}}
	up := desk.TimelineEntry{Event: desk.EventMonitorCameUp, Args: []string{"text:Shop port", "duration:4500"}}
	for _, c := range []struct {
		l    desk.Locale
		e    desk.TimelineEntry
		want string
	}{
		{desk.LocaleNL, down, "Monitor Shop port meldt een storing: Verbinding geweigerd (connect: connection refused)"},
		{desk.LocaleEN, down, "Monitor Shop port is down: Connection refused (connect: connection refused)"},
		{desk.LocaleNL, up, "Monitor Shop port is weer in orde, na 1 u 15 min storing."},
		{desk.LocaleEN, up, "Monitor Shop port is up again after 1 h 15 min down."},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventMonitorWentDown, Args: []string{"text:Shop port", "text:connect: refused"}},
			"Monitor Shop port meldt een storing: connect: refused"},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventMonitorWentDown, Args: []string{"text:Shop port", "reason:new_reason", "text:x"}},
			"Monitor Shop port meldt een storing: new_reason (x)"},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventMonitorCameUp, Args: []string{"text:Shop port", "text:40s"}},
			"Monitor Shop port is weer in orde, na 40s storing."},
	} {
		v := &view{Locale: c.l, texts: texts}
		if got := v.Event(c.e); got != c.want {
			t.Errorf("%s %v:\n got %q\nwant %q", c.l, c.e.Args, got, c.want)
		}
	}
	nl := &view{Locale: desk.LocaleNL, texts: texts}
	for _, c := range []struct{ reason, detail, want string }{
		{"timeout", "no answer within 10s", "Geen antwoord op tijd (no answer within 10s)"},
		{"", "connect: refused", "connect: refused"},
		{"slow", "", "Trage reactie"},
	} {
		if got := monitorError(nl, c.reason, c.detail); got != c.want {
			t.Errorf("monitorError(%q, %q) = %q, want %q", c.reason, c.detail, got, c.want)
		}
	}
}

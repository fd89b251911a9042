package console

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// panel is the verdict as the page shows it: urgent or regular, why, the priority and what
// the contract promises. The server fills it for the "check" step (no JavaScript) and for
// the confirmation; report.js draws the same structure from the evaluate API's answer,
// with the texts of panelTexts.
type panel struct {
	// Class is urgent, regular, pending (not yet answered) or error.
	Class   string
	Title   string
	Lead    string
	Reasons []string
	Note    string
	Lines   []panelLine
}

// panelLine is one line under the reasons; Warn marks what the client must not miss.
type panelLine struct {
	Text string
	Warn bool
}

// pendingPanel is the panel before the answers are complete: missing says how many
// required questions are still open; -1 before anything was checked.
func (v *view) pendingPanel(missing int) panel {
	p := panel{Class: "pending", Title: v.T("verdict.pending_title"), Lead: v.T("verdict.pending_nojs")}
	if missing > 0 {
		p.Lead = v.T("verdict.missing", missing)
	}
	return p
}

// verdictPanel builds the panel of an evaluation. The criteria and exclusions are said in
// the words of the questionnaire's definition. withPromise adds the contract's promise
// (p nil: there is no active contract).
func (v *view) verdictPanel(q desk.Questionnaire, ev desk.Evaluation, withPromise bool, p *app.Promise) panel {
	crit := func(code string) string { return reasonText(v, q.Criteria, "criterion", code) }
	excl := func(code string) string { return reasonText(v, q.Exclusions, "exclusion", code) }
	var out panel
	if ev.Verdict == desk.VerdictUrgent {
		out = panel{Class: "urgent", Title: v.T("verdict.urgent_title"), Lead: v.T("verdict.urgent_lead")}
		for _, c := range ev.Criteria {
			out.Reasons = append(out.Reasons, crit(c))
		}
	} else {
		out = panel{Class: "regular", Title: v.T("verdict.regular_title")}
		if len(ev.Exclusions) > 0 {
			out.Lead = v.T("verdict.regular_lead")
			for _, e := range ev.Exclusions {
				out.Reasons = append(out.Reasons, excl(e))
			}
			if len(ev.Criteria) > 0 {
				var cs []string
				for _, c := range ev.Criteria {
					cs = append(cs, crit(c))
				}
				out.Note = v.T("verdict.outweighs", strings.Join(cs, "; "))
			}
		} else {
			out.Lead = v.T("verdict.no_criteria")
		}
	}
	if ev.Priority.Valid() {
		out.Lines = append(out.Lines, panelLine{Text: v.T("verdict.priority", ev.Priority.String(),
			v.Label("priority", ev.Priority.String()), strings.ToLower(v.Label("level", ev.Urgency)), strings.ToLower(v.Label("level", ev.Impact)))})
	}
	if withPromise {
		out.Lines = append(out.Lines, v.promiseLines(ev.Verdict, ev.Priority, p)...)
	}
	return out
}

// promiseLines says what the contract promises for a priority, and plainly when it does
// not cover urgent reports or when it is outside support hours now.
func (v *view) promiseLines(verdict desk.Verdict, prio desk.Priority, p *app.Promise) []panelLine {
	if p == nil {
		return []panelLine{{Text: v.T("verdict.no_contract"), Warn: true}}
	}
	var ls []panelLine
	if verdict == desk.VerdictUrgent && !p.CoversUrgent {
		ls = append(ls, panelLine{Text: v.T("verdict.not_covered", p.ContractName), Warn: true})
	}
	if p.FirstResponseMin > 0 && p.ResolutionMin > 0 {
		ls = append(ls, panelLine{Text: v.T("verdict.targets", p.ContractName, prio.String(),
			v.Minutes(p.FirstResponseMin), v.Minutes(p.ResolutionMin))})
	}
	hours := string(p.SupportHours) // an admin's own calendar is named by its slug
	if v.Has("hours." + hours) {
		hours = v.Label("hours", hours)
	}
	ls = append(ls, panelLine{Text: v.T("verdict.hours", hours)})
	if !p.InSupportHours {
		ls = append(ls, panelLine{Text: v.T("verdict.outside_hours"), Warn: true})
	}
	ls = append(ls, panelLine{Text: v.T("verdict.no_guarantee")})
	return ls
}

// reasonText is a criterion's or an exclusion's description in the definition, or the
// catalog's label when the definition has none.
func reasonText(v *view, texts map[string]desk.Text, family, code string) string {
	if t, ok := texts[code]; ok {
		if s := t.In(v.Locale); s != "" {
			return s
		}
	}
	return v.T(family + "." + code)
}

// Minutes says a target in hours and minutes: "30 minuten", "4 uur", "1 uur en 30 minuten".
func (v *view) Minutes(m int) string {
	h, mm := m/60, m%60
	switch {
	case h == 0:
		return v.N("dur.minutes", mm)
	case mm == 0:
		return v.N("dur.hours", h)
	}
	return v.T("dur.and", v.N("dur.hours", h), v.N("dur.minutes", mm))
}

// Age says how long ago t was, roughly: "5 min", "3 uur", "2 dagen".
func (v *view) Age(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return v.T("age.now")
	case d < time.Hour:
		return v.T("age.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return v.T("age.hours", int(d/time.Hour))
	}
	return v.T("age.days", int(d/(24*time.Hour)))
}

// panelTexts is what report.js needs to draw the panel in the page's language, as JSON for
// a data attribute: the catalog texts, and the definition's words for each code.
func (v *view) panelTexts(q desk.Questionnaire) string {
	keys := []string{
		"verdict.pending_title", "verdict.pending_js", "verdict.missing", "verdict.urgent_title", "verdict.urgent_lead",
		"verdict.regular_title", "verdict.regular_lead", "verdict.outweighs", "verdict.no_criteria", "verdict.priority",
		"verdict.no_contract", "verdict.not_covered", "verdict.targets", "verdict.hours", "verdict.outside_hours",
		"verdict.no_guarantee", "verdict.error_title", "verdict.error", "dur.and",
	}
	texts := map[string]string{}
	for _, k := range keys {
		texts[k] = v.T(k)
	}
	for _, k := range []string{"dur.minutes", "dur.hours"} { // report.js chooses the form
		texts[k+".one"], texts[k+".other"], _ = v.texts.Forms(v.Locale, k)
	}
	for _, p := range desk.Priorities {
		texts["priority."+p.String()] = v.Label("priority", p.String())
	}
	for _, l := range desk.Levels {
		texts["level."+string(l)] = strings.ToLower(v.Label("level", l))
	}
	for _, h := range []desk.SupportHours{desk.Hours24x7, desk.HoursBusiness} {
		texts["hours."+string(h)] = v.Label("hours", h)
	}
	for _, c := range desk.Criteria {
		texts["criterion."+c] = reasonText(v, q.Criteria, "criterion", c)
	}
	for _, e := range desk.Exclusions {
		texts["exclusion."+e] = reasonText(v, q.Exclusions, "exclusion", e)
	}
	b, _ := json.Marshal(texts)
	return string(b)
}

// promiseFor says what the contract of an incident's client promises for it now: nil when
// there is no active contract (or it cannot be read: the page then simply omits it).
func (h *handler) promiseFor(ctx context.Context, a desk.Actor, inc desk.Incident) *app.Promise {
	p, err := h.svc.reports.Promise(ctx, a, inc.ID)
	if err != nil {
		return nil
	}
	return p
}

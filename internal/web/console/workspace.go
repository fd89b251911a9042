package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The incident page as the desk's workspace (issue 13, docs/desk.md "The incident page"):
// the one next step for the incident's state in a box of its own, the forms' basis (a
// change someone else made since the page was opened is shown before anything is
// overwritten), and who else has the page open.

func init() {
	pageGates["POST /incidents/{id}/presence"] = roleGate(desk.Role.IsStaff)
}

// registerWorkspace adds the route the incident page's script renews its presence on.
func (h *handler) registerWorkspace(private func(string, actorFunc)) {
	private("POST /incidents/{id}/presence", h.presence)
}

// The next steps the box offers, one per situation of an open incident.
const (
	nextAssess  = "assess"  // an urgent report waits for the desk's judgement
	nextTake    = "take"    // nobody works it yet: assign it to yourself
	nextStart   = "start"   // assigned, not started: move it to in progress
	nextResolve = "resolve" // being worked on: resolve it with the solution
	nextResume  = "resume"  // waiting on the client or a third party: resume when they answered
	nextFollow  = "follow"  // resolved: follow up with the client until it closes
	nextDecide  = "decide"  // the client's own: confirm or reject the solution
	nextWait    = "wait"    // the client waits for the desk; nothing to do
	nextClosed  = "closed"  // closed: nothing left to do
)

// nextStep is the box at the top of the incident page: what to do now, and with which form.
type nextStep struct {
	Kind string
	// Transition is the state change the box's form makes (start, resolve, resume).
	Transition *transitionForm
}

// nextStepFor chooses the one next step for the actor on the incident.
func nextStepFor(a desk.Actor, d *detailData) nextStep {
	inc := d.Inc
	if !a.Role.IsStaff() {
		switch {
		case d.Decide:
			return nextStep{Kind: nextDecide}
		case !inc.State.Open():
			return nextStep{Kind: nextClosed}
		}
		return nextStep{Kind: nextWait}
	}
	find := func(kind string, to desk.State) nextStep {
		for i := range d.Transitions {
			if d.Transitions[i].To == to {
				return nextStep{Kind: kind, Transition: &d.Transitions[i]}
			}
		}
		return nextStep{Kind: kind}
	}
	switch {
	case !inc.State.Open():
		return nextStep{Kind: nextClosed}
	case d.CanAssess:
		return nextStep{Kind: nextAssess}
	case (inc.State == desk.StateNew || inc.State == desk.StateTriaged) && inc.AssigneeID == nil && d.CanAssign:
		return nextStep{Kind: nextTake}
	case inc.State == desk.StateNew || inc.State == desk.StateTriaged:
		return find(nextStart, desk.StateInProgress)
	case inc.State == desk.StateInProgress:
		return find(nextResolve, desk.StateResolved)
	case inc.State == desk.StateWaiting:
		return find(nextResume, desk.StateInProgress)
	}
	return nextStep{Kind: nextFollow}
}

// basisFrom reads the basis a form of the incident page was made from (its hidden
// version and seen fields); ok is false for a form without one (an API-like post).
func basisFrom(r *http.Request) (app.Basis, bool) {
	v, err1 := strconv.Atoi(r.PostFormValue("version"))
	s, err2 := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
	if err1 != nil || err2 != nil {
		return app.Basis{}, false
	}
	return app.Basis{Version: v, Seen: s}, true
}

// withBasis is the context of a form's change: with the form's basis when it has one.
func withBasis(ctx context.Context, r *http.Request) context.Context {
	if b, ok := basisFrom(r); ok {
		return app.BasedOn(ctx, b)
	}
	return ctx
}

// changedSince marks, after a refused form, the timeline entries others wrote since the
// page the form came from: they are shown above the forms and highlighted in the timeline.
func (d *detailData) changedSince(a desk.Actor, v *view, status int) {
	if status != http.StatusConflict || v.Values == nil {
		return
	}
	seen, err := strconv.ParseInt(v.Values.Get("seen"), 10, 64)
	if err != nil {
		return
	}
	d.Since = app.ChangedSince(d.Timeline, seen, a)
	d.New = map[int64]bool{}
	for _, e := range d.Since {
		d.New[e.ID] = true
	}
}

// lastSeen is the id of the last entry the page shows: the forms' basis.
func lastSeen(tl []desk.TimelineEntry) int64 {
	var n int64
	for _, e := range tl {
		n = max(n, e.ID)
	}
	return n
}

// presenceView is who else has the incident open, as the page says it. View names this
// page view, so that leaving it does not drop a newer view of the same person.
type presenceView struct {
	Number, View string
	Others       []presenceLine
}

// newPageView returns a random name for one view of the page.
func newPageView() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// presenceLine is one other person: "Sanne (agent), since 14:02".
type presenceLine struct {
	Name, Role, Since string
}

// presenceOf puts the presences in the page's words.
func presenceOf(v *view, number string, ps []desk.Presence) *presenceView {
	p := &presenceView{Number: number}
	for _, o := range ps {
		p.Others = append(p.Others, presenceLine{Name: o.Name, Role: v.Label("role", o.Role), Since: o.Since.In(v.zone).Format("15:04")})
	}
	return p
}

// presence renews the actor's presence on the incident and answers with the block that
// says who else has it open (the page's script puts it in place), or drops it (leave=1,
// sent when the page is left) and answers 204.
func (h *handler) presence(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	if err := formCut(r); err != nil { // a body over its limit is refused, not cut
		return err
	}
	pv := r.PostFormValue("view")
	if r.PostFormValue("leave") == "1" {
		if err := h.svc.presence.Leave(r.Context(), a, id, pv); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	ps, err := h.svc.presence.Renew(r.Context(), a, id, pv)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "incident.title")
	t, err := h.rd.page("incident")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "presence", v.WithPresence(presenceOf(v, desk.FormatNumber(id), ps))); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// followUpLayouts are the ways a follow-up date may be written, on the wall clock of the
// installation's time zone: the Dutch page's dd-mm-jjjj uu:mm, the English page's
// yyyy-mm-dd hh:mm, and ISO 8601 (a browser's datetime-local value), with or without
// seconds. A four-digit year first or last tells them apart.
var followUpLayouts = []string{"2-1-2006 15:04", "2-1-2006 15:04:05", "2006-1-2 15:04", "2006-1-2 15:04:05",
	"2006-01-02T15:04", "2006-01-02T15:04:05"}

// followUpInputLayout is how the page writes a follow-up date in its language (view.Time
// without the zone).
func followUpInputLayout(l desk.Locale) string {
	if l == desk.LocaleEN {
		return "2006-01-02 15:04"
	}
	return "02-01-2006 15:04"
}

// parseFollowUp reads a follow-up date as written in one of followUpLayouts, or RFC 3339.
func parseFollowUp(s string, zone *time.Location) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, l := range followUpLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// The incident page's parts are called with more than one value: these put them together.

// entryPart is a timeline entry as the ws-entry part shows it.
type entryPart struct {
	V   *view
	E   desk.TimelineEntry
	New bool
}

// Entry is the ws-entry part's data: the entry, and whether it is new since a refused form.
func (v *view) Entry(e desk.TimelineEntry, isNew bool) entryPart {
	return entryPart{V: v, E: e, New: isNew}
}

// presencePart is the presence part's data.
type presencePart struct {
	V *view
	P *presenceView
}

// WithPresence is the presence part's data.
func (v *view) WithPresence(p *presenceView) presencePart { return presencePart{V: v, P: p} }

// transitionPart is a state change's form as the ws-transition part shows it; Main marks the
// one in the next-step box.
type transitionPart struct {
	V    *view
	T    transitionForm
	D    detailData
	Main bool
}

// Transition is the ws-transition part's data.
func (v *view) Transition(t transitionForm, main bool) transitionPart {
	d, _ := v.Data.(detailData)
	return transitionPart{V: v, T: t, D: d, Main: main}
}

// FormStarts tells whether the form that failed has a name that starts with prefix.
func (v *view) FormStarts(prefix string) bool {
	return v.Form != "" && strings.HasPrefix(v.Form, prefix)
}

// OtherTransitions are the state changes the side offers: all but the next step's.
func (d detailData) OtherTransitions() []transitionForm {
	var out []transitionForm
	for _, t := range d.Transitions {
		if d.Next.Transition == nil || t.To != d.Next.Transition.To {
			out = append(out, t)
		}
	}
	return out
}

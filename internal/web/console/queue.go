package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// clockView is one SLA clock of an incident as a page shows it: a countdown, or why there
// is none. Class is running, warn, breached, paused, answered, stopped or none.
type clockView struct {
	Class string
	Text  string
	// Due is the deadline the countdown counts to; nil when there is none to show.
	Due *time.Time
}

// Breached tells whether the clock ran out.
func (c clockView) Breached() bool { return c.Class == "breached" }

// slaView is the SLA block of an incident's page.
type slaView struct {
	Response, Resolve clockView
	Calendar          string
}

// queueRow is one incident in the queue.
type queueRow struct {
	Inc                              desk.Incident
	OrgName, OwnerName, AssigneeName string
	Response, Resolve                clockView
	// SupplierName is the external party the incident is handed to; Stale says it had no
	// update for its priority's stale time, FollowUpPassed that its follow-up date passed.
	SupplierName          string
	Stale, FollowUpPassed bool
}

// queueData is the queue page's own data: the rows, and the filter with what it offers.
type queueData struct {
	Rows []queueRow
	// The filter as given, for the form and the links.
	Org, Priority, State, Kind, Owner, Assignee string
	Supplier                                    string
	Suppliers                                   []desk.Supplier
	Orgs                                        []desk.Organisation
	Owners, Assignees                           []desk.User
	Priorities                                  []desk.Priority
	States                                      []desk.State
	Kinds                                       []desk.Kind
	// NextURL leads to the next page, FirstURL back to the first; "" when there is none.
	NextURL, FirstURL string
	// Public are the open public incidents the bulk link offers; Ticked the incidents a
	// failed bulk action had ticked (bulk.go).
	Public []publicOption
	Ticked map[string]bool
	// The views (queueviews.go): the flags of the built-in ones, the view shown ("" for a
	// filter of one's own), the links of every view and the person's saved ones, and the
	// filter as a query ("" for all open incidents), which a saved view keeps.
	Mine, Unassigned, Breaching, External bool
	View                                  string
	Views                                 []viewLink
	Saved                                 []app.SavedView
	Query                                 string
	// Self is the queue's URL as shown (filter, view and page), where forms return;
	// BulkAction the bulk form's, which shows the same queue with the outcome.
	Self, BulkAction string
	// The bulk actions (bulk.go): the states they move to, the person acting, and the
	// outcome of the actions just done.
	BulkStates []bulkState
	MeID       int64
	Results    *bulkResults
	// Updated is when the page was made, as the clock shows it.
	Updated string
}

// queueLimit is how many incidents a page of the queue shows.
const queueLimit = 50

// queue lists every open incident by time to breach, for the desk: the resolution deadline
// soonest first, paused incidents and those without a deadline last. The query narrows it
// by client (org), priority, state, kind, owner and assignee; after is the cursor
// "<deadline in unix ms>_<id>" of the next page.
func (h *handler) queue(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.showQueue(w, r, a, newView(r, h.rd, "queue.title"), http.StatusOK)
}

// showQueue renders the queue; after a failed bulk link, v holds its errors and input.
func (h *handler) showQueue(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	d, err := h.queuePage(r, a, v)
	if err != nil {
		return err
	}
	h.renderQueue(w, r, v, d, status)
	return nil
}

// renderQueue renders the queue's data d.
func (h *handler) renderQueue(w http.ResponseWriter, r *http.Request, v *view, d queueData, status int) {
	v.Nav, v.Data, v.Here = "queue", d, d.Self
	if d.View == "mine" {
		v.Nav = "queue-mine"
	}
	h.rd.render(w, r, h.log, status, "queue", v)
}

// queuePage reads the queue the request asks for: a view (?view=), or a filter of its own.
func (h *handler) queuePage(r *http.Request, a desk.Actor, v *view) (queueData, error) {
	if !a.Role.IsDesk() {
		return queueData{}, errForbidden
	}
	ctx := r.Context()
	q, view, saved, err := h.resolveView(ctx, a, r.URL.Query())
	if err != nil {
		return queueData{}, err
	}
	f, d := queueFilter(q)
	now := h.svc.sla.Now()
	if d.Mine {
		f.Involves = a.UserID
	}
	if d.Breaching {
		f.DueBefore = now.Add(time.Hour)
	}
	d.View, d.Saved = view, saved
	var in queueIn
	if in.Page, err = h.svc.incidents.Queue(ctx, a, f); err != nil {
		return d, err
	}
	if in.Orgs, err = h.svc.organisations.List(ctx, a, desk.OrgClient); err != nil {
		return d, err
	}
	if in.Staff, err = h.staff(ctx, a); err != nil {
		return d, err
	}
	if in.Suppliers, err = h.svc.suppliers.List(ctx, a, false); err != nil {
		return d, err
	}
	if in.StaleAfter, err = h.svc.suppliers.StaleAfter(ctx, a); err != nil {
		return d, err
	}
	in.Now = now
	d = buildQueue(v, f, d, in)
	d.Views = viewLinks(v, d)
	d.BulkStates, d.MeID = bulkStates(v), a.UserID
	d.Updated = v.Clock(now)
	d.BulkAction = "/queue/bulk" + strings.TrimPrefix(d.Self, "/queue")
	d.Ticked = map[string]bool{}
	for _, t := range v.Values["incidents"] {
		d.Ticked[t] = true
	}
	if h.svc.publicIncidents != nil {
		if d.Public, err = h.openPublic(ctx, a, v); err != nil {
			return d, err
		}
	}
	return d, nil
}

// Clock writes the time of day in the installation's time zone: "14:05:09".
func (v *view) Clock(t time.Time) string { return t.In(v.zone).Format("15:04:05") }

// queueFilter reads the queue's query: the filter for the store, and the page's data with
// the filter as the page shows it (values it does not know are left out).
func queueFilter(q url.Values) (desk.IncidentFilter, queueData) {
	d := queueData{Priorities: desk.Priorities, Kinds: []desk.Kind{desk.KindUrgent, desk.KindRegular}}
	for _, s := range desk.States {
		if s.Open() {
			d.States = append(d.States, s)
		}
	}
	f := desk.IncidentFilter{Limit: queueLimit}
	id := func(name string) (int64, string) {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n <= 0 {
			return 0, ""
		}
		return n, q.Get(name)
	}
	f.OrgID, d.Org = id("org")
	f.OwnerID, d.Owner = id("owner")
	f.AssigneeID, d.Assignee = id("assignee")
	f.SupplierID, d.Supplier = id("supplier")
	var p desk.Priority
	if p.UnmarshalText([]byte(q.Get("priority"))) == nil && p.Valid() {
		f.Priority, d.Priority = p, p.String()
	}
	if s := desk.State(q.Get("state")); slices.Contains(d.States, s) {
		f.States, d.State = []desk.State{s}, string(s)
	}
	if k := desk.Kind(q.Get("kind")); slices.Contains(d.Kinds, k) {
		f.Kind, d.Kind = k, string(k)
	}
	// The built-in views' flags; "mine" and "breaching" take the person and the time,
	// which queuePage adds.
	d.Mine, d.Breaching = q.Get("mine") == "1", q.Get("breaching") == "1"
	f.NoAssignee, d.Unassigned = q.Get("unassigned") == "1", q.Get("unassigned") == "1"
	f.External, d.External = q.Get("external") == "1", q.Get("external") == "1"
	if due, id, ok := parseQueueCursor(q.Get("after")); ok {
		f.DueAfter, f.DueAfterID = due, id
	}
	return f, d
}

// queueIn is what the queue page shows besides its filter: a page of incidents, the
// clients, the staff and the suppliers they are named by, the stale times, and now.
type queueIn struct {
	Page       app.QueuePage
	Orgs       []desk.Organisation
	Staff      []desk.User
	Suppliers  []desk.Supplier
	StaleAfter desk.StaleAfter
	Now        time.Time
}

// buildQueue makes the queue page's data: a row per incident with its clocks, names and
// marks, the filter's choices, and the links to the next and the first page (keeping the
// filter).
func buildQueue(v *view, f desk.IncidentFilter, d queueData, in queueIn) queueData {
	d.Orgs, d.Suppliers = in.Orgs, in.Suppliers
	orgNames, staffNames, supplierNames := map[int64]string{}, map[int64]string{}, map[int64]string{}
	for _, o := range in.Orgs {
		orgNames[o.ID] = o.Name
	}
	for _, u := range in.Staff {
		staffNames[u.ID] = u.Name
		d.Assignees = append(d.Assignees, u)
		if u.Role.IsDesk() {
			d.Owners = append(d.Owners, u)
		}
	}
	for _, s := range in.Suppliers {
		supplierNames[s.ID] = s.Name
	}
	name := func(id *int64) string {
		if id == nil {
			return ""
		}
		return staffNames[*id]
	}
	for _, inc := range in.Page.Items {
		s := v.slaOf(inc, in.Now)
		row := queueRow{Inc: inc, OrgName: orgNames[inc.OrgID], OwnerName: name(inc.OwnerID),
			AssigneeName: name(inc.AssigneeID), Response: s.Response, Resolve: s.Resolve,
			Stale: inc.Stale(in.StaleAfter, in.Now), FollowUpPassed: inc.FollowUpPassed(in.Now)}
		if inc.SupplierID != nil {
			row.SupplierName = supplierNames[*inc.SupplierID]
		}
		d.Rows = append(d.Rows, row)
	}
	filter := d.filterValues()
	d.Query = filter.Encode()
	if d.View != "" { // the links of a view keep naming it
		filter = url.Values{"view": {d.View}}
	}
	d.Self = "/queue"
	if len(filter) > 0 {
		d.Self += "?" + filter.Encode()
	}
	if in.Page.NextID != 0 {
		next := url.Values{}
		for k, val := range filter {
			next[k] = val
		}
		next.Set("after", strconv.FormatInt(in.Page.NextDue.UnixMilli(), 10)+"_"+strconv.FormatInt(in.Page.NextID, 10))
		d.NextURL = "/queue?" + next.Encode()
	}
	if f.DueAfterID != 0 {
		d.FirstURL = d.Self
		here := url.Values{}
		for k, val := range filter {
			here[k] = val
		}
		here.Set("after", strconv.FormatInt(f.DueAfter.UnixMilli(), 10)+"_"+strconv.FormatInt(f.DueAfterID, 10))
		d.Self = "/queue?" + here.Encode()
	}
	return d
}

// filterValues is the filter as the queue's URL writes it, without view and cursor.
func (d queueData) filterValues() url.Values {
	filter := url.Values{}
	for k, val := range map[string]string{"org": d.Org, "priority": d.Priority, "state": d.State, "kind": d.Kind,
		"owner": d.Owner, "assignee": d.Assignee, "supplier": d.Supplier} {
		if val != "" {
			filter.Set(k, val)
		}
	}
	for k, on := range map[string]bool{"mine": d.Mine, "unassigned": d.Unassigned, "breaching": d.Breaching, "external": d.External} {
		if on {
			filter.Set(k, "1")
		}
	}
	return filter
}

// parseQueueCursor reads "<unix ms>_<id>".
func parseQueueCursor(s string) (time.Time, int64, bool) {
	a, b, ok := strings.Cut(s, "_")
	if !ok {
		return time.Time{}, 0, false
	}
	ms, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || ms < 0 || ms > desk.Never.UnixMilli() {
		return time.Time{}, 0, false
	}
	return time.UnixMilli(ms).UTC(), id, true
}

// staff returns the provider's active staff, by name: who may own or work incidents.
func (h *handler) staff(ctx context.Context, a desk.Actor) ([]desk.User, error) {
	ps, err := h.svc.organisations.List(ctx, a, desk.OrgProvider)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	us, err := h.svc.identity.Users(ctx, a, app.UserFilter{OrgID: ps[0].ID})
	if err != nil {
		return nil, err
	}
	out := us[:0]
	for _, u := range us {
		if u.Active && u.Role.IsStaff() {
			out = append(out, u)
		}
	}
	return out, nil
}

// slaOf says how an incident's two clocks stand at now.
func (v *view) slaOf(inc desk.Incident, now time.Time) slaView {
	s := slaView{Calendar: inc.SLA.Calendar}
	if v.Has("hours." + s.Calendar) {
		s.Calendar = v.Label("hours", s.Calendar)
	}
	none := clockView{Class: "none", Text: v.T("sla.none")}
	if inc.SLA.Calendar == "" {
		s.Response, s.Resolve = none, none
		return s
	}
	s.Response = v.countdownTo(inc.SLA.ResponseDue, inc.SLA.ResponseWarn, now)
	if inc.FirstResponseAt != nil {
		s.Response = clockView{Class: "answered", Text: v.T("sla.answered", v.Time(*inc.FirstResponseAt)), Due: inc.SLA.ResponseDue}
	}
	switch {
	case inc.State == desk.StateClosed:
		s.Resolve = clockView{Class: "stopped", Text: v.T("sla.stopped")}
	case inc.SLA.PausedSince != nil:
		s.Resolve = clockView{Class: "paused", Text: v.T("sla.paused_since", v.Time(*inc.SLA.PausedSince))}
	default:
		s.Resolve = v.countdownTo(inc.SLA.ResolveDue, inc.SLA.ResolveWarn, now)
	}
	return s
}

// countdownTo says how long until due, or how long ago it passed.
func (v *view) countdownTo(due, warn *time.Time, now time.Time) clockView {
	switch {
	case due == nil:
		return clockView{Class: "none", Text: v.T("sla.none")}
	case now.After(*due):
		return clockView{Class: "breached", Text: v.T("sla.over", v.Duration(now.Sub(*due))), Due: due}
	case warn != nil && !now.Before(*warn):
		return clockView{Class: "warn", Text: v.Duration(due.Sub(now)), Due: due}
	}
	return clockView{Class: "running", Text: v.Duration(due.Sub(now)), Due: due}
}

// Duration writes a span of time the way the queue counts down: "3 d 4 u", "2 u 15 min",
// "40 min" in Dutch; "3 d 4 h", "2 h 15 min", "40 min" in English. It rounds down to the
// minute; a deadline never reached shows as "—".
func (v *view) Duration(d time.Duration) string {
	if d > 100*365*24*time.Hour {
		return "—"
	}
	m := int64(d / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0 && hours > 0:
		return v.T("sla.d_h", days, hours)
	case days > 0:
		return v.T("sla.d", days)
	case hours > 0 && mins > 0:
		return v.T("sla.h_m", hours, mins)
	case hours > 0:
		return v.T("sla.h", hours)
	}
	return v.T("sla.m", mins)
}

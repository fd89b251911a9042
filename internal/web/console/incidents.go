package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// listData is the incident list's own data.
type listData struct {
	Items []desk.Incident
	// OrgNames names the organisations of the listed incidents, for staff.
	OrgNames map[int64]string
	Staff    bool
	// Filter holds the filter as given, for the form and the links.
	State, Open, Org, Q string
	States              []desk.State
	Orgs                []desk.Organisation
	// NextURL leads to the next page; FirstURL back to the first; "" when there is none.
	NextURL, FirstURL string
}

// incidents lists the incidents the actor may see, newest first, narrowed by the filter in
// the query: state, open (open|closed), org (staff only), q (words in the title), and the
// cursor after.
func (h *handler) incidents(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	q := r.URL.Query()
	d := listData{Staff: a.Role.IsStaff(), States: desk.States, OrgNames: map[int64]string{}}
	f := desk.IncidentFilter{Limit: 25}
	if s := desk.State(q.Get("state")); slices.Contains(desk.States, s) {
		f.States, d.State = []desk.State{s}, string(s)
	}
	switch q.Get("open") {
	case "open":
		f.Open, d.Open = ptrTo(true), "open"
	case "closed":
		f.Open, d.Open = ptrTo(false), "closed"
	}
	if id, err := strconv.ParseInt(q.Get("org"), 10, 64); err == nil && id > 0 && d.Staff {
		f.OrgID, d.Org = id, q.Get("org")
	}
	d.Q = strings.TrimSpace(q.Get("q"))
	f.Query = d.Q
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f.After = max(after, 0)

	v := newView(r, h.rd, "incidents.title")
	status := http.StatusOK
	page, err := h.svc.incidents.List(r.Context(), a, f)
	if err != nil {
		// Words the list cannot be searched for (a NUL, invalid UTF-8, too many): the
		// message next to the search field, the words kept, no list.
		errs, alert, ok := formErrors(v, err, "q")
		if !ok {
			return err
		}
		d.Q = strings.ToValidUTF8(d.Q, "\uFFFD")
		status, v.Form, v.Errors, v.Alert = web.Status(desk.ErrorCode(err)), "filter", errs, alert
		v.Values, v.fields = url.Values{"q": {d.Q}}, []fieldRef{fld("q", "q", "filter.q")}
	}
	d.Items = page.Items
	if d.Staff {
		orgs, err := h.svc.organisations.List(r.Context(), a, desk.OrgClient)
		if err != nil {
			return err
		}
		d.Orgs = orgs
		for _, o := range orgs {
			d.OrgNames[o.ID] = o.Name
		}
	}
	filter := url.Values{}
	for k, v := range map[string]string{"state": d.State, "open": d.Open, "org": d.Org, "q": d.Q} {
		if v != "" {
			filter.Set(k, v)
		}
	}
	if page.Next != 0 {
		next := url.Values{}
		for k, v := range filter {
			next[k] = v
		}
		next.Set("after", strconv.FormatInt(page.Next, 10))
		d.NextURL = "/incidents?" + next.Encode()
	}
	if f.After > 0 {
		d.FirstURL = "/incidents"
		if len(filter) > 0 {
			d.FirstURL += "?" + filter.Encode()
		}
	}
	if a.Role.IsClient() {
		v.Title = v.T("incidents.mine")
	}
	v.Nav, v.Data = "incidents", d
	h.rd.render(w, r, h.log, status, "incidents", v)
	return nil
}

func ptrTo[T any](v T) *T { return &v }

package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The queue's views (issue 13, point 2): built-in ones every desk member has, and the
// filters a person saves under a name. A view is a link (?view=mine, ?view=12), so views
// work without JavaScript; a saved view keeps the filter as the queue's URL writes it.
// The menu shows, on every page, how many reports wait for assessment and how many open
// incidents are the person's own.

// builtinView is a view every desk member has.
type builtinView struct {
	Key, Label, Query string
}

// builtinViews are the built-in views, in the order the queue offers them.
var builtinViews = []builtinView{
	{"open", "queue.view.open", ""},
	{"mine", "queue.view.mine", "mine=1"},
	{"unassigned", "queue.view.unassigned", "unassigned=1"},
	{"breaching", "queue.view.breaching", "breaching=1"},
	{"supplier", "queue.view.supplier", "external=1"},
}

// viewLink is one view as the queue lists it.
type viewLink struct {
	Name    string
	URL     string
	Current bool
}

func init() {
	for _, p := range []string{"POST /queue/views", "POST /queue/views/{view}", "POST /queue/views/{view}/delete", "POST /queue/bulk"} {
		pageGates[p] = roleGate(desk.Role.IsDesk)
	}
	flashes["view_saved"] = flashText{key: "queue.flash_view_saved"}
	flashes["view_renamed"] = flashText{key: "queue.flash_view_renamed"}
	flashes["view_deleted"] = flashText{key: "queue.flash_view_deleted"}
}

// registerQueue adds the routes of the queue's views and bulk actions, and lets the pages
// count the desk's menu.
func (h *handler) registerQueue(private func(string, actorFunc)) {
	private("POST /queue/views", h.saveView)
	private("POST /queue/views/{view}", h.renameView)
	private("POST /queue/views/{view}/delete", h.deleteView)
	private("POST /queue/bulk", h.bulk)
	if h.svc.savedViews != nil {
		h.rd.counts = h.menuCounts
	}
}

// menuCounts fills the desk's menu counts of a page: one query (store.MenuCounts). A
// failure is logged and the menu shows no numbers; the page itself is not at stake.
func (h *handler) menuCounts(r *http.Request, v *view) {
	a := desk.Actor{UserID: v.User.ID, Name: v.User.Name, Role: v.User.Role, OrgID: v.User.OrgID}
	c, err := h.svc.savedViews.MenuCounts(r.Context(), a)
	if err != nil {
		h.log.WarnContext(r.Context(), "count the menu", "err", err)
		return
	}
	v.Counts = &c
}

// resolveView returns the filter a request asks for: the query of the view it names
// (keeping the cursor), or its own query. It returns the view's key ("" for none) and the
// person's saved views. A view that is not the person's is not found.
func (h *handler) resolveView(ctx context.Context, a desk.Actor, q url.Values) (url.Values, string, []app.SavedView, error) {
	var saved []app.SavedView
	if h.svc.savedViews != nil {
		var err error
		if saved, err = h.svc.savedViews.List(ctx, a); err != nil {
			return nil, "", nil, err
		}
	}
	key := q.Get("view")
	if key == "" {
		return q, "", saved, nil
	}
	query, ok := "", false
	for _, b := range builtinViews {
		if b.Key == key {
			query, ok = b.Query, true
		}
	}
	if !ok {
		id, err := strconv.ParseInt(key, 10, 64)
		for _, s := range saved {
			if err == nil && s.ID == id {
				query, ok = s.Query, true
			}
		}
	}
	if !ok {
		return nil, "", nil, desk.NotFound("view")
	}
	out, err := url.ParseQuery(query)
	if err != nil {
		out = url.Values{}
	}
	if after := q.Get("after"); after != "" {
		out.Set("after", after)
	}
	return out, key, saved, nil
}

// viewLinks lists the views: the built-in ones, then the saved ones. The current one is
// the view shown, or else the first whose filter is the page's.
func viewLinks(v *view, d queueData) []viewLink {
	var out []viewLink
	found := false
	add := func(key, name, query string) {
		cur := d.View == key || d.View == "" && !found && query == d.Query
		found = found || cur
		out = append(out, viewLink{Name: name, URL: "/queue?view=" + url.QueryEscape(key), Current: cur})
	}
	for _, b := range builtinViews {
		add(b.Key, v.T(b.Label), b.Query)
	}
	for _, s := range d.Saved {
		add(strconv.FormatInt(s.ID, 10), s.Name, s.Query)
	}
	return out
}

// canonicalQuery reads a filter query as the queue does and writes it back: only what the
// queue knows, in one order, so equal filters are equal strings.
func canonicalQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return ""
	}
	_, d := queueFilter(q)
	return d.filterValues().Encode()
}

// viewFields are the fields of the views' forms.
func viewFields(form string) []fieldRef {
	if form == "view-new" {
		return []fieldRef{fld("name", "view-name", "queue.view_name")}
	}
	return []fieldRef{{Name: "name", ID: form + "-name", Key: "queue.view_name"}}
}

// viewSubmission shows the queue again with a view's form that failed; the manage panel
// is then open.
func (h *handler) viewSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, form string) submission {
	return submission{form: form, fields: viewFields(form), title: "queue.title", conflict: "ticketlink.conflict",
		show: func(v *view, status int) error {
			// The queue the form was posted from.
			r.URL.RawQuery = r.PostForm.Get("back")
			if r.URL.Query().Get("view") == "" {
				r.URL.RawQuery = canonicalQuery(r.URL.RawQuery)
			}
			return h.showQueue(w, r, a, v, status)
		}}
}

// saveView saves the filter of the queue as a named view and shows it.
func (h *handler) saveView(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.submit(w, r, h.viewSubmission(w, r, a, "view-new"), func() (outcome, error) {
		s, err := h.svc.savedViews.Create(r.Context(), a, r.PostFormValue("name"), canonicalQuery(r.PostFormValue("query")))
		if err != nil {
			return outcome{}, err
		}
		return outcome{to: "/queue?view=" + strconv.FormatInt(s.ID, 10), flash: flash{code: "view_saved", arg: s.Name}}, nil
	})
}

// viewID reads the view of the path; not found when it is no id.
func viewID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("view"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("view")
	}
	return id, nil
}

// renameView gives a saved view another name.
func (h *handler) renameView(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := viewID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.viewSubmission(w, r, a, "view-"+strconv.FormatInt(id, 10)), func() (outcome, error) {
		s, err := h.svc.savedViews.Rename(r.Context(), a, id, r.PostFormValue("name"))
		if err != nil {
			return outcome{}, err
		}
		return outcome{to: "/queue?view=" + strconv.FormatInt(s.ID, 10), flash: flash{code: "view_renamed", arg: s.Name}}, nil
	})
}

// deleteView deletes a saved view and shows all open incidents.
func (h *handler) deleteView(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := viewID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.viewSubmission(w, r, a, "view-"+strconv.FormatInt(id, 10)), func() (outcome, error) {
		s, err := h.svc.savedViews.Get(r.Context(), a, id)
		if err != nil {
			return outcome{}, err
		}
		if err := h.svc.savedViews.Delete(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/queue", flash: flash{code: "view_deleted", arg: s.Name}}, nil
	})
}

// ManageOpen tells whether the queue's panel of views is open: after one of its forms
// failed.
func (v *view) ManageOpen() bool { return strings.HasPrefix(v.Form, "view-") }

// NavCount writes a menu count: the number, or "99+" from app.MenuCountCap on.
func (v *view) NavCount(n int) string {
	if n >= app.MenuCountCap {
		return strconv.Itoa(app.MenuCountCap-1) + "+"
	}
	return strconv.Itoa(n)
}

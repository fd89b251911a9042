package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// Change requests: the desk's list, a change request's page with its decisions and linked
// incidents, and the forms that create (from an incident), edit, decide, link and unlink.
// Staff read them; the desk acts on them. Clients see a change request only as a title and
// a state on the page of their incident; its own pages are not found for them (the app
// decides).

// changesData is the list page's own data.
type changesData struct {
	Items  []changeRow
	State  string
	States []desk.ChangeState
	// NextURL leads to the next page; FirstURL back to the first; "" when there is none.
	NextURL, FirstURL string
	Desk              bool
}

// changeRow is a change request in the list, with the numbers of its incidents.
type changeRow struct {
	desk.ChangeRequest
	IncidentNumbers []string
}

// changes lists change requests, newest first, narrowed by state, a page at a time.
func (h *handler) changes(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	q := r.URL.Query()
	d := changesData{States: desk.ChangeStates, Desk: a.Role.IsDesk()}
	f := desk.ChangeFilter{Limit: 25}
	if s := desk.ChangeState(q.Get("state")); slices.Contains(desk.ChangeStates, s) {
		f.States, d.State = []desk.ChangeState{s}, string(s)
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f.After = max(after, 0)
	page, err := h.svc.changes.List(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, c := range page.Items {
		row := changeRow{ChangeRequest: c}
		for _, id := range c.IncidentIDs {
			row.IncidentNumbers = append(row.IncidentNumbers, desk.FormatNumber(id))
		}
		d.Items = append(d.Items, row)
	}
	filter := url.Values{}
	if d.State != "" {
		filter.Set("state", d.State)
	}
	if page.Next != 0 {
		next := url.Values{"after": {strconv.FormatInt(page.Next, 10)}}
		if d.State != "" {
			next.Set("state", d.State)
		}
		d.NextURL = "/changes?" + next.Encode()
	}
	if f.After > 0 {
		d.FirstURL = "/changes"
		if len(filter) > 0 {
			d.FirstURL += "?" + filter.Encode()
		}
	}
	v := newView(r, h.rd, "changes.title")
	v.Nav, v.Data = "changes", d
	h.rd.render(w, r, h.log, http.StatusOK, "changes", v)
}

// changeData is a change request's page.
type changeData struct {
	C         desk.ChangeRequest
	CreatedBy string
	Incidents []linkedIncident
	// Desk offers the forms; Transitions are the states the change request may move to,
	// Editable whether its title and description may still change.
	Desk        bool
	Transitions []desk.ChangeState
	Editable    bool
}

// linkedIncident is an incident a change request is linked to, as its page lists it:
// the title and client only when the actor may see the incident.
type linkedIncident struct {
	ID      int64
	Number  string
	Title   string
	OrgName string
	State   desk.State
	Visible bool
}

// changeURL is the page of a change request.
func changeURL(c desk.ChangeRequest) string { return "/changes/" + c.Number }

// changeID reads {id}: 12 or CHG-000012.
func changeID(r *http.Request) (int64, error) {
	id, ok := desk.ParseChangeNumber(r.PathValue("id"))
	if !ok {
		return 0, desk.NotFound("change request")
	}
	return id, nil
}

// change shows one change request.
func (h *handler) change(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	id, err := changeID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showChange(w, r, a, id, newView(r, h.rd, "changes.one"), http.StatusOK)
}

// showChange renders a change request's page; after a failed form, v holds its errors and
// input.
func (h *handler) showChange(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, v *view, status int) {
	ctx := r.Context()
	c, err := h.svc.changes.Get(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := changeData{C: c, Desk: a.Role.IsDesk(), CreatedBy: h.userName(ctx, a, c.CreatedByID)}
	if d.Desk {
		d.Transitions, d.Editable = c.State.Next(), !c.State.Final()
	}
	orgs := map[int64]string{}
	for _, incID := range c.IncidentIDs {
		li := linkedIncident{ID: incID, Number: desk.FormatNumber(incID)}
		if inc, err := h.svc.incidents.Get(ctx, a, incID); err == nil {
			li.Title, li.State, li.Visible = inc.Title, inc.State, true
			if _, ok := orgs[inc.OrgID]; !ok {
				if o, err := h.svc.organisations.Get(ctx, a, inc.OrgID); err == nil {
					orgs[inc.OrgID] = o.Name
				}
			}
			li.OrgName = orgs[inc.OrgID]
		} else if !desk.IsNotFound(err) {
			h.fail(w, r, err)
			return
		}
		d.Incidents = append(d.Incidents, li)
	}
	v.Title = c.Number + " " + c.Title
	v.Nav, v.Here, v.Data = "changes", changeURL(c), d
	h.rd.render(w, r, h.log, status, "change", v)
}

// postChange runs a form's change of a change request (see postForm).
func (h *handler) postChange(w http.ResponseWriter, r *http.Request, a desk.Actor, form string, fields []string,
	do func(ctx context.Context, id int64) error) {
	h.postForm(w, r, a, pageOf{id: changeID, path: func(id int64) string { return "/changes/" + desk.FormatChangeNumber(id) },
		title: "changes.one", conflict: "changes.conflict", show: h.showChange}, form, fields, do)
}

// transitionChange approves, rejects or implements a change request, with an optional
// reason.
func (h *handler) transitionChange(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	t := desk.ChangeTransition{To: desk.ChangeState(r.PostFormValue("to")), Reason: r.PostFormValue("reason")}
	h.postChange(w, r, a, "change-"+string(t.To), []string{"reason"}, func(ctx context.Context, id int64) error {
		_, err := h.svc.changes.Transition(ctx, a, id, t)
		return err
	})
}

// editChange changes the title and description, based on the version the form showed.
func (h *handler) editChange(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	title, desc := r.PostFormValue("title"), r.PostFormValue("description")
	p := app.ChangePatch{Title: &title, Description: &desc}
	if n, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &n
	}
	h.postChange(w, r, a, "change-edit", []string{"title", "description"}, func(ctx context.Context, id int64) error {
		_, err := h.svc.changes.Update(ctx, a, id, p)
		return err
	})
}

// linkChange links the incident whose number the form names. An incident that does not
// exist (for the actor) or is linked already is named next to the field.
func (h *handler) linkChange(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	h.postChange(w, r, a, "change-link", []string{"incident"}, func(ctx context.Context, id int64) error {
		if _, err := h.svc.changes.Get(ctx, a, id); err != nil {
			return err // the change request itself is not found: the error page
		}
		s := strings.TrimSpace(r.PostFormValue("incident"))
		fieldErr := func(rule, msg string) error {
			return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
				Fields: []desk.FieldError{{Field: "incident", Rule: rule, Message: msg}}}
		}
		if s == "" {
			return fieldErr("required", "is required")
		}
		incID, ok := desk.ParseNumber(s)
		if !ok {
			return fieldErr("incident", "no incident has this number")
		}
		_, err := h.svc.changes.Link(ctx, a, id, incID)
		switch desk.ErrorCode(err) {
		case desk.ENOTFOUND:
			return fieldErr("incident", "no incident has this number")
		case desk.ECONFLICT:
			return fieldErr("linked", "is linked to this change request already")
		}
		return err
	})
}

// unlinkChange removes the incident the form names.
func (h *handler) unlinkChange(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	h.postChange(w, r, a, "change-unlink", nil, func(ctx context.Context, id int64) error {
		incID, ok := desk.ParseNumber(r.PostFormValue("incident"))
		if !ok {
			return desk.NotFound("incident")
		}
		_, err := h.svc.changes.Unlink(ctx, a, id, incID)
		return err
	})
}

// createChange makes a change request from an incident, for its structural fix, and goes
// to its page. Invalid input shows the incident again with the messages at the fields.
func (h *handler) createChange(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	id, err := incidentID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	ctx := r.Context()
	// Whoever may not see the incident learns nothing of it, not even that it exists.
	if _, err := h.svc.incidents.Get(ctx, a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.svc.changes.Create(ctx, a, app.ChangeInput{Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), IncidentIDs: []int64{id}})
	if err == nil {
		http.Redirect(w, r, changeURL(c), http.StatusSeeOther)
		return
	}
	v := newView(r, h.rd, "incident.title")
	errs, alert, ok := formErrors(v, err, "title", "description")
	if !ok {
		h.fail(w, r, err)
		return
	}
	v.Form, v.Errors, v.Alert, v.Values = "change", errs, alert, r.PostForm
	h.showIncident(w, r, a, id, v, http.StatusUnprocessableEntity)
}

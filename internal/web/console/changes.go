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
func (h *handler) changes(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
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
		return err
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
	return nil
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
func (h *handler) change(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	return h.showChange(w, r, a, id, newView(r, h.rd, "changes.one"), http.StatusOK)
}

// showChange renders a change request's page; after a failed form, v holds its errors and
// input.
func (h *handler) showChange(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, v *view, status int) error {
	ctx := r.Context()
	c, err := h.svc.changes.Get(ctx, a, id)
	if err != nil {
		return err
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
			return err
		}
		d.Incidents = append(d.Incidents, li)
	}
	v.Title = c.Number + " " + c.Title
	v.Nav, v.Here, v.Data = "changes", changeURL(c), d
	h.rd.render(w, r, h.log, status, "change", v)
	return nil
}

// changeFields lists the fields of a form of a change request's page, in page order.
func changeFields(form string) []fieldRef {
	switch form {
	case "change-edit":
		return []fieldRef{fld("title", "edit-title", "col.title"), fld("description", "edit-description", "changes.description")}
	case "change-link":
		return []fieldRef{fld("incident", "link-incident", "changes.link_label")}
	case "change-unlink":
		return nil
	}
	to := strings.TrimPrefix(form, "change-")
	return []fieldRef{fld("reason", "reason-"+to, "changes.reason")}
}

// postChange runs a form's change of a change request (see postForm); only the desk may
// post one, and anyone else is refused before the form is checked.
func (h *handler) postChange(w http.ResponseWriter, r *http.Request, a desk.Actor, form string, fl flash,
	do func(ctx context.Context, id int64) error) error {
	return h.postForm(w, r, a, pageOf{id: changeID, path: func(id int64) string { return "/changes/" + desk.FormatChangeNumber(id) },
		title: "changes.one", conflict: "changes.conflict", show: h.showChange}, form, changeFields(form), fl,
		func(ctx context.Context, id int64) error {
			if err := h.deskOnChange(ctx, a, id); err != nil {
				return err
			}
			return do(ctx, id)
		})
}

// transitionChange approves, rejects or implements a change request, with an optional
// reason.
func (h *handler) transitionChange(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	t := desk.ChangeTransition{To: desk.ChangeState(r.PostFormValue("to")), Reason: r.PostFormValue("reason")}
	return h.postChange(w, r, a, "change-"+string(t.To), flash{code: "change_transition", arg: string(t.To)}, func(ctx context.Context, id int64) error {
		_, err := h.svc.changes.Transition(ctx, a, id, t)
		return err
	})
}

// editChange changes the title and description, based on the version the form showed.
func (h *handler) editChange(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	title, desc := r.PostFormValue("title"), r.PostFormValue("description")
	p := app.ChangePatch{Title: &title, Description: &desc}
	if n, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &n
	}
	return h.postChange(w, r, a, "change-edit", flash{code: "change_edit"}, func(ctx context.Context, id int64) error {
		_, err := h.svc.changes.Update(ctx, a, id, p)
		return err
	})
}

// linkChange links the incident whose number the form names. An incident that does not
// exist (for the actor) or is linked already is named next to the field.
func (h *handler) linkChange(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	s := strings.TrimSpace(r.PostFormValue("incident"))
	return h.postChange(w, r, a, "change-link", flash{code: "change_link", arg: s}, func(ctx context.Context, id int64) error {
		if _, err := h.svc.changes.Get(ctx, a, id); err != nil {
			return err // the change request itself is not found: the error page
		}
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
func (h *handler) unlinkChange(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	n := r.PostFormValue("incident")
	return h.postChange(w, r, a, "change-unlink", flash{code: "change_unlink", arg: n}, func(ctx context.Context, id int64) error {
		incID, ok := desk.ParseNumber(n)
		if !ok {
			return desk.NotFound("incident")
		}
		_, err := h.svc.changes.Unlink(ctx, a, id, incID)
		return err
	})
}

// createChange makes a change request from an incident, for its structural fix, and goes
// to its page. Invalid input shows the incident again with the messages at the fields.
func (h *handler) createChange(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	s := submission{form: "change", fields: incidentFields("change", false), title: "incident.title",
		show: func(v *view, status int) error { return h.showIncident(w, r, a, id, v, status) }}
	return h.submit(w, r, s, func() (outcome, error) {
		ctx := r.Context()
		// Whoever may not see the incident learns nothing of it, not even that it exists.
		if _, err := h.svc.incidents.Get(ctx, a, id); err != nil {
			return outcome{}, err
		}
		c, err := h.svc.changes.Create(ctx, a, app.ChangeInput{Title: r.PostFormValue("title"),
			Description: r.PostFormValue("description"), IncidentIDs: []int64{id}})
		if err != nil {
			return outcome{}, err
		}
		return outcome{to: changeURL(c), flash: flash{code: "change_created", arg: c.Number}}, nil
	})
}

package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// One outage, many tickets (docs/status-page.md): on a ticket the desk links it to an open
// public incident, unlinks it, or starts a public incident from it; on the queue it links
// the tickets it ticks in one go; on a public incident's tickets page it links tickets by
// number. Whoever sees a ticket sees its public incident, with a link to the status page.

// ticketLinkView is the ticket page's block about its public incident.
type ticketLinkView struct {
	// Linked is the public incident the ticket links to; nil when none.
	Linked *app.TicketLink
	Name   string // its name in the page's language
	// CanLink offers the desk's forms: link (to one of Open), unlink, start one.
	CanLink bool
	Open    []publicOption
	// Draft is the start form's content: the ticket's title, its public components.
	DraftName  string
	Components []componentOption
	Impacts    []desk.PublicImpact
}

// publicOption is an open public incident a form offers.
type publicOption struct {
	ID   int64
	Name string
}

// componentOption is a public component the start form offers.
type componentOption struct {
	ID      int64
	Name    string
	Checked bool
}

func init() {
	for code, key := range map[string]string{"public_linked": "ticketlink.flash_linked", "public_unlinked": "ticketlink.flash_unlinked",
		"public_started": "ticketlink.flash_started", "public_bulk": "ticketlink.flash_bulk"} {
		flashes[code] = flashText{key: key}
	}
	for _, p := range []string{"POST /incidents/{id}/public-incident", "POST /incidents/{id}/public-incident/unlink",
		"POST /incidents/{id}/public-incident/new"} {
		pageGates[p] = deskIncident
	}
	pageGates["GET /public-incidents/{id}/tickets"] = roleGate(desk.Role.IsDesk)
	pageGates["POST /public-incidents/{id}/tickets"] = roleGate(desk.Role.IsDesk)
}

// registerTicketLinks adds the routes of linked tickets.
func (h *handler) registerTicketLinks(private func(string, actorFunc)) {
	private("POST /incidents/{id}/public-incident", h.linkTicket)
	private("POST /incidents/{id}/public-incident/unlink", h.unlinkTicket)
	private("POST /incidents/{id}/public-incident/new", h.startFromTicket)
	private("GET /public-incidents/{id}/tickets", h.linkedTickets)
	private("POST /public-incidents/{id}/tickets", h.linkTicketsForm)
}

// ticketLinkFields are the fields of the ticket page's link forms.
func ticketLinkFields(form string) []fieldRef {
	switch form {
	case "public-link":
		return []fieldRef{fld("public_incident_id", "public-incident-id", "ticketlink.choose")}
	case "public-new":
		return []fieldRef{fld("name.nl", "public-name-nl", "ticketlink.name_nl"), fld("name.en", "public-name-en", "ticketlink.name_en"),
			fld("name", "public-name-nl", "ticketlink.name_nl"), fld("impact", "public-impact", "ticketlink.impact"),
			fld("components", "public-components", "ticketlink.components"),
			fld("body.nl", "public-body-nl", "ticketlink.body_nl"), fld("body.en", "public-body-en", "ticketlink.body_en"),
			fld("body", "public-body-nl", "ticketlink.body_nl")}
	case "public-bulk":
		return []fieldRef{fld("tickets", "bulk-tickets", "ticketlink.tickets"), fld("public_incident_id", "bulk-public-incident-id", "ticketlink.choose")}
	}
	return nil
}

// ticketLink fills the ticket page's block about its public incident.
func (h *handler) ticketLink(ctx context.Context, a desk.Actor, v *view, inc desk.Incident) (*ticketLinkView, error) {
	if h.svc.publicIncidents == nil {
		return nil, nil
	}
	tv := &ticketLinkView{}
	l, err := h.svc.publicIncidents.TicketLinkOf(ctx, a, inc.ID)
	switch {
	case err == nil:
		tv.Linked, tv.Name = &l, l.Name.In(v.Locale)
	case !desk.IsNotFound(err):
		return nil, err
	}
	if !a.Role.IsDesk() || !inc.State.Open() {
		if tv.Linked == nil {
			return nil, nil
		}
		return tv, nil
	}
	tv.CanLink, tv.Impacts = true, desk.PublicImpacts
	if tv.Open, err = h.openPublic(ctx, a, v); err != nil {
		return nil, err
	}
	d, err := h.svc.publicIncidents.TicketDraft(ctx, a, inc.ID)
	if err != nil {
		return nil, err
	}
	tv.DraftName = d.Name.NL
	chosen := map[int64]bool{}
	for _, c := range d.Components {
		chosen[c.ComponentID] = true
	}
	if v.Form == "public-new" {
		chosen = map[int64]bool{}
		for _, s := range v.Values["components"] {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				chosen[id] = true
			}
		}
	}
	for _, c := range d.Components {
		comp, err := h.svc.components.Get(ctx, a, c.ComponentID)
		if err != nil {
			return nil, err
		}
		tv.Components = append(tv.Components, componentOption{ID: comp.ID, Name: comp.Name, Checked: chosen[comp.ID]})
	}
	return tv, nil
}

// openPublic lists the open public incidents (not maintenances) a link form offers.
func (h *handler) openPublic(ctx context.Context, a desk.Actor, v *view) ([]publicOption, error) {
	ps, err := h.svc.publicIncidents.List(ctx, a, app.PublicIncidentFilter{Kind: desk.KindIncident, State: app.PublicOpen, Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make([]publicOption, 0, len(ps))
	for _, p := range ps {
		out = append(out, publicOption{ID: p.ID, Name: p.Name.In(v.Locale)})
	}
	return out, nil
}

// formID reads a positive id from a form field; 0 when it holds none.
func formID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// requiredChoice is the error of a select left empty.
func requiredChoice(field string) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
		Fields: []desk.FieldError{{Field: field, Rule: "required", Message: "is required"}}}
}

func (h *handler) ticketSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, form string) submission {
	return submission{form: form, fields: ticketLinkFields(form), title: "incident.title", conflict: "ticketlink.conflict",
		show: func(v *view, status int) error { return h.showIncident(w, r, a, id, v, status) }}
}

func (h *handler) linkTicket(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.ticketSubmission(w, r, a, id, "public-link"), func() (outcome, error) {
		pid := formID(r, "public_incident_id")
		if pid == 0 {
			return outcome{}, requiredChoice("public_incident_id")
		}
		if _, err := h.svc.publicIncidents.LinkTicket(r.Context(), a, id, pid); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/incidents/" + desk.FormatNumber(id), flash: flash{code: "public_linked"}}, nil
	})
}

func (h *handler) unlinkTicket(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.ticketSubmission(w, r, a, id, "public-unlink"), func() (outcome, error) {
		if err := h.svc.publicIncidents.UnlinkTicket(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/incidents/" + desk.FormatNumber(id), flash: flash{code: "public_unlinked"}}, nil
	})
}

func (h *handler) startFromTicket(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.ticketSubmission(w, r, a, id, "public-new"), func() (outcome, error) {
		in := app.NewPublicIncident{Kind: desk.KindIncident,
			Name:       desk.Texts{NL: r.PostFormValue("name_nl"), EN: r.PostFormValue("name_en")},
			Impact:     desk.PublicImpact(r.PostFormValue("impact")),
			Body:       desk.Texts{NL: r.PostFormValue("body_nl"), EN: r.PostFormValue("body_en")},
			Components: []desk.AffectedComponent{}}
		if len(r.PostForm["components"]) > desk.MaxPublicComponents {
			return outcome{}, &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
				Fields: []desk.FieldError{{Field: "components", Rule: "max_items", Message: "too many components"}}}
		}
		for _, s := range r.PostForm["components"] {
			cid, err := strconv.ParseInt(s, 10, 64)
			if err != nil || cid <= 0 {
				return outcome{}, &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
					Fields: []desk.FieldError{{Field: "components", Rule: "exists", Message: "no component has this id"}}}
			}
			in.Components = append(in.Components, desk.AffectedComponent{ComponentID: cid, Status: desk.StatusMajorOutage})
		}
		if _, err := h.svc.publicIncidents.StartFromTicket(r.Context(), a, id, in); err != nil {
			return outcome{}, componentsField(err)
		}
		return outcome{to: "/incidents/" + desk.FormatNumber(id), flash: flash{code: "public_started"}}, nil
	})
}

// componentsField names errors of components[i].… on the form's one components field.
func componentsField(err error) error {
	e, ok := err.(*desk.Error)
	if !ok {
		return err
	}
	c := *e
	c.Fields = make([]desk.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if strings.HasPrefix(f.Field, "components[") {
			f.Field = "components"
		}
		c.Fields[i] = f
	}
	return &c
}

// bulkLink links the tickets named (numbers or ids) to the public incident of the form.
func (h *handler) bulkLink(r *http.Request, a desk.Actor, names []string, back string) (outcome, error) {
	pid := formID(r, "public_incident_id")
	if r.PathValue("id") != "" {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return outcome{}, desk.NotFound("public incident")
		}
		pid = id
	}
	var ids []int64
	for _, s := range names {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, ok := desk.ParseNumber(s)
		if !ok || len(s) > 30 {
			id = 0
		}
		ids = append(ids, id)
	}
	switch {
	case len(ids) == 0:
		return outcome{}, requiredChoice("tickets")
	case pid == 0:
		return outcome{}, requiredChoice("public_incident_id")
	case len(ids) > app.MaxLinkTickets:
		return outcome{}, &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
			Fields: []desk.FieldError{{Field: "tickets", Rule: "max_items", Message: "too many tickets"}}}
	}
	linked, err := h.svc.publicIncidents.LinkTickets(r.Context(), a, pid, ids)
	if err != nil {
		return outcome{}, ticketsField(err)
	}
	return outcome{to: back, flash: flash{code: "public_bulk", arg: strconv.Itoa(len(linked))}}, nil
}

// ticketsField names errors of tickets[i] on the form's one tickets field, keeping which.
func ticketsField(err error) error {
	e, ok := err.(*desk.Error)
	if !ok {
		return err
	}
	c := *e
	c.Fields = make([]desk.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if strings.HasPrefix(f.Field, "tickets[") {
			f.Field, f.Message = "tickets", f.Message+" ("+strings.TrimSuffix(strings.TrimPrefix(e.Fields[i].Field, "tickets["), "]")+")"
		}
		c.Fields[i] = f
	}
	return &c
}

// linkedTicketsData is the page of a public incident's tickets.
type linkedTicketsData struct {
	ID      int64
	Name    string
	Open    bool
	Tickets []desk.Incident
}

func (h *handler) linkedTickets(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.showLinkedTickets(w, r, a, newView(r, h.rd, "ticketlink.page_title"), http.StatusOK)
}

func (h *handler) showLinkedTickets(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return desk.NotFound("public incident")
	}
	ctx := r.Context()
	p, err := h.svc.publicIncidents.Get(ctx, a, id)
	if err != nil {
		return err
	}
	incs, err := h.svc.publicIncidents.LinkedTickets(ctx, a, id)
	if err != nil {
		return err
	}
	d := linkedTicketsData{ID: p.ID, Name: p.Name.In(v.Locale), Open: p.Kind == desk.KindIncident && p.Open(), Tickets: incs}
	v.Title = v.T("ticketlink.page_title") + ": " + d.Name
	v.Nav, v.Here, v.Data = "queue", "/public-incidents/"+desk.FormatInt(id)+"/tickets", d
	h.rd.render(w, r, h.log, status, "linkedtickets", v)
	return nil
}

func (h *handler) linkTicketsForm(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	s := submission{form: "public-bulk", fields: ticketLinkFields("public-bulk"), title: "ticketlink.page_title", conflict: "ticketlink.conflict",
		show: func(v *view, status int) error { return h.showLinkedTickets(w, r, a, v, status) }}
	return h.submit(w, r, s, func() (outcome, error) {
		names := strings.FieldsFunc(r.PostFormValue("tickets"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
		if len(names) > app.MaxLinkTickets {
			names = names[:app.MaxLinkTickets+1]
		}
		return h.bulkLink(r, a, names, "/public-incidents/"+r.PathValue("id")+"/tickets")
	})
}

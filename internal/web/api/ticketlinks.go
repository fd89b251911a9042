package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// One outage, many tickets (docs/status-page.md): the desk links client tickets to a public
// incident, from the ticket (PUT/DELETE …/incidents/{id}/public-incident, or POST there to
// start a public incident from the ticket) or from the public incident in bulk (POST
// …/public-incidents/{id}/tickets). Whoever sees a ticket reads its link (GET); nobody but
// the desk learns which other tickets share it.

// ticketLinkInput is the body of PUT /incidents/{id}/public-incident.
type ticketLinkInput struct {
	PublicIncidentID int64 `json:"public_incident_id"`
}

// linkTicketsInput is the body of POST /public-incidents/{id}/tickets: ticket numbers
// (INC-000123) or ids.
type linkTicketsInput struct {
	Tickets []string `json:"tickets"`
}

// linkedTickets is the answer of POST /public-incidents/{id}/tickets: the tickets it linked
// (those linked already are left out).
type linkedTickets struct {
	Linked []string `json:"linked"`
}

// linkedTicket is a ticket in the desk's list of a public incident's tickets.
type linkedTicket struct {
	Number string     `json:"number"`
	Title  string     `json:"title"`
	State  desk.State `json:"state"`
	OrgID  int64      `json:"org_id"`
}

func (a *api) getTicketLink(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	l, err := a.svc.publicIncidents.TicketLinkOf(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (a *api) putTicketLink(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var in ticketLinkInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.PublicIncidentID <= 0 {
		return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
			Fields: []desk.FieldError{{Field: "public_incident_id", Rule: "required", Message: "is required"}}}
	}
	l, err := a.svc.publicIncidents.LinkTicket(r.Context(), actor(r), id, in.PublicIncidentID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (a *api) deleteTicketLink(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	if err := a.svc.publicIncidents.UnlinkTicket(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) startFromTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var in app.NewPublicIncident
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.StartFromTicket(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/public-incidents/"+desk.FormatInt(p.ID), p)
}

func (a *api) linkTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	var in linkTicketsInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.Tickets) > app.MaxLinkTickets {
		return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
			Fields: []desk.FieldError{{Field: "tickets", Rule: "max_items", Message: "name at most " + desk.FormatInt(app.MaxLinkTickets) + " tickets"}}}
	}
	ids := make([]int64, len(in.Tickets))
	for i, s := range in.Tickets {
		if n, ok := desk.ParseNumber(s); ok && len(s) <= 30 {
			ids[i] = n
		} // 0: the use case names it as unknown, by its place
	}
	linked, err := a.svc.publicIncidents.LinkTickets(r.Context(), actor(r), id, ids)
	if err != nil {
		return err
	}
	out := linkedTickets{Linked: []string{}}
	for _, id := range linked {
		out.Linked = append(out.Linked, desk.FormatNumber(id))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *api) listLinkedTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	incs, err := a.svc.publicIncidents.LinkedTickets(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	out := make([]linkedTicket, 0, len(incs))
	for _, inc := range incs {
		out = append(out, linkedTicket{Number: inc.Number, Title: inc.Title, State: inc.State, OrgID: inc.OrgID})
	}
	return writeJSON(w, http.StatusOK, listOf(out))
}

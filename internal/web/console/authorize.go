package console

import (
	"context"
	"net/http"

	"meldpunt/internal/desk"
)

// Authorise first, then validate: the forms only the desk may post refuse everyone else
// before the form's values are checked, so a client learns nothing of their rules (403
// instead of 422). Whoever may not see the object the form names gets 404, as from the
// use case.

// deskOnIncident refuses anyone but the desk a change of the incident.
func (h *handler) deskOnIncident(ctx context.Context, a desk.Actor, id int64) error {
	if a.Role.IsDesk() {
		return nil
	}
	if _, err := h.svc.incidents.Get(ctx, a, id); err != nil {
		return err
	}
	return errForbidden
}

// deskOnChange refuses anyone but the desk a change of the change request.
func (h *handler) deskOnChange(ctx context.Context, a desk.Actor, id int64) error {
	if a.Role.IsDesk() {
		return nil
	}
	if _, err := h.svc.changes.Get(ctx, a, id); err != nil {
		return err
	}
	return errForbidden
}

// pageGate refuses a signed-in person who may not post a form at all, before serve reads
// the form: nobody makes the server read a questionnaire or megabytes of files only to be
// refused.
type pageGate func(h *handler, r *http.Request, a desk.Actor) error

// pageGates holds the gate of every form that some role may never post; the handlers
// still check the same (and more) after the form is read.
var pageGates = map[string]pageGate{
	"POST /incidents/{id}/attachments":    incidentSeen,
	"POST /incidents/{id}/assign":         deskIncident,
	"POST /incidents/{id}/assess":         deskIncident,
	"POST /incidents/{id}/classify":       deskIncident,
	"POST /incidents/{id}/changes":        deskIncident,
	"POST /report":                        roleGate(desk.Role.IsClient),
	"POST /intake":                        roleGate(desk.Role.IsDesk),
	"POST /admin/questionnaire":           roleGate(isAdmin),
	"POST /admin/outbox/{id}/retry":       roleGate(isAdmin),
	"POST /admin/webhooks":                roleGate(isAdmin),
	"POST /admin/status-page":             roleGate(isAdmin),
	"POST /admin/status-page/logo":        roleGate(isAdmin),
	"POST /admin/status-page/logo/delete": roleGate(isAdmin),
	"POST /admin/webhooks/{id}":           roleGate(isAdmin),
	"POST /admin/webhooks/{id}/test":      roleGate(isAdmin),
	"POST /admin/webhooks/{id}/rotate":    roleGate(isAdmin),
	"POST /admin/webhooks/{id}/delete":    roleGate(isAdmin),
	"POST /suppliers":                     roleGate(isAdmin),
	"POST /suppliers/{id}":                roleGate(isAdmin),
	"POST /calendars/new":                 roleGate(isAdmin),
	"POST /calendars/{slug}":              roleGate(isAdmin),
	"POST /changes/{id}/transition":       deskChange,
	"POST /changes/{id}/edit":             deskChange,
	"POST /changes/{id}/incidents":        deskChange,
	"POST /changes/{id}/unlink":           deskChange,
	// The status page's incidents and maintenance: the desk publishes (publicincidents.go).
	"POST /public-incidents":                   roleGate(desk.Role.IsDesk),
	"POST /public-incidents/{id}/updates":      roleGate(desk.Role.IsDesk),
	"POST /public-incidents/{id}/resolve":      roleGate(desk.Role.IsDesk),
	"POST /public-incidents/{id}/postmortem":   roleGate(desk.Role.IsDesk),
	"POST /admin/status-templates":             roleGate(isAdmin),
	"POST /admin/status-templates/{id}":        roleGate(isAdmin),
	"POST /admin/status-templates/{id}/delete": roleGate(isAdmin),
}

func isAdmin(r desk.Role) bool { return r == desk.RoleAdmin }

// anyone is the gate of a private route that every signed-in person may use.
func anyone(*handler, *http.Request, desk.Actor) error { return nil }

// roleGate refuses the roles ok does not accept (403).
func roleGate(ok func(desk.Role) bool) pageGate {
	return func(_ *handler, _ *http.Request, a desk.Actor) error {
		if ok(a.Role) {
			return nil
		}
		return errForbidden
	}
}

// incidentSeen refuses an incident the person may not see (404).
func incidentSeen(h *handler, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err == nil {
		_, err = h.svc.incidents.Get(r.Context(), a, id)
	}
	return err
}

// deskIncident is deskOnIncident for the incident of the path.
func deskIncident(h *handler, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	return h.deskOnIncident(r.Context(), a, id)
}

// deskChange is deskOnChange for the change request of the path.
func deskChange(h *handler, r *http.Request, a desk.Actor) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	return h.deskOnChange(r.Context(), a, id)
}

package console

import (
	"context"

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

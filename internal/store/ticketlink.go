package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The links of client tickets to public incidents (issue 11, "One outage, many tickets"):
// a ticket links to at most one public incident.

// LinkTicket links a ticket to a public incident; ECONFLICT when the ticket is linked
// already (to this one or another), EINVALID when either does not exist.
func (t *tx) LinkTicket(ctx context.Context, incidentID, publicID int64, by *int64, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO public_incident_tickets (incident_id, public_incident_id, linked_by, linked_at)
		VALUES ($1, $2, $3, $4)`, incidentID, publicID, nullID(by), millis(at))
	if err != nil {
		return writeErr(err, "link ticket", "the ticket is linked to a public incident already",
			"the link refers to a ticket or public incident that does not exist")
	}
	return nil
}

// UnlinkTicket removes a ticket's link; ENOTFOUND when it has none.
func (t *tx) UnlinkTicket(ctx context.Context, incidentID int64) error {
	res, err := t.exec(ctx, "DELETE FROM public_incident_tickets WHERE incident_id = $1", incidentID)
	if err != nil {
		return fmt.Errorf("unlink ticket: %w", err)
	}
	return mustAffect(res, "unlink ticket", "link to a public incident")
}

// TicketLink returns the public incident a ticket links to; ENOTFOUND when none.
func (t *tx) TicketLink(ctx context.Context, incidentID int64) (int64, error) {
	var id int64
	err := t.queryRow(ctx, "SELECT public_incident_id FROM public_incident_tickets WHERE incident_id = $1", incidentID).Scan(&id)
	if err != nil {
		return 0, readErr(err, "read ticket link", "link to a public incident")
	}
	return id, nil
}

// LinkedTickets lists the ids of the tickets linked to a public incident, by id.
func (t *tx) LinkedTickets(ctx context.Context, publicID int64) ([]int64, error) {
	return list(ctx, t, "list linked tickets", func(r row) (int64, error) {
		var id sql.NullInt64
		err := r.Scan(&id)
		return id.Int64, err
	}, "SELECT incident_id FROM public_incident_tickets WHERE public_incident_id = $1 ORDER BY incident_id", publicID)
}

package store

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// IncidentsRegistered lists an organisation's incidents registered in [from, to), by id,
// without their component links: what the SLA report of a month counts. It reads the
// organisation's incidents through incidents_org (org_id, id); a month of one client is at
// most some thousands of rows.
func (t *tx) IncidentsRegistered(ctx context.Context, orgID int64, from, to time.Time) ([]desk.Incident, error) {
	return list(ctx, t, "list registered incidents", scanIncident,
		"SELECT "+incidentColumns+" FROM incidents WHERE org_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id",
		orgID, millis(from), millis(to))
}

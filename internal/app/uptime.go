package app

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// Uptime computes the daily uptime of the components ids over the last desk.UptimeDays days
// in zone, from their status histories read in one query, or, for a component whose
// monitors set its status, from its monitors' checks on the days they checked it. A
// component without history has days without data.
func (a *Components) Uptime(ctx context.Context, ids []int64, zone *time.Location) (map[int64][]desk.DayUptime, error) {
	now := a.clock()
	y, m, d := now.In(zone).Date()
	since := time.Date(y, m, d-(desk.UptimeDays-1), 0, 0, 0, 0, zone)
	var hs []desk.ComponentStatusChange
	err := a.db.read(ctx, func(tx componentTx) (err error) {
		hs, err = tx.ComponentStatusHistories(ctx, ids, since)
		return err
	})
	if err != nil {
		return nil, err
	}
	by := map[int64][]desk.ComponentStatusChange{}
	for _, h := range hs {
		by[h.ComponentID] = append(by[h.ComponentID], h)
	}
	out := make(map[int64][]desk.DayUptime, len(ids))
	for _, id := range ids {
		out[id] = desk.DailyUptime(by[id], desk.UptimeDays, now, zone)
	}
	// Where monitors may set the public status, the days they checked come from their
	// checks (monitoruptime.go).
	if err := a.monitorUptime(ctx, ids, out, now); err != nil {
		return nil, err
	}
	return out, nil
}

package app

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// The status page's uptime bars (issue 12 point 7): a component whose monitors may change
// its public status (mode auto) shows, for each day its monitors checked it, the share of
// their checks that were not down, instead of the share of the day its public status was
// an outage. A component in mode propose keeps the bar of its public status: there the
// desk decides what the public reads, and the monitors' history would tell the public what
// the desk did not. Days without checks keep the bar of the public status too.

// monitorUptimeTx is what the bars read of the monitors.
type monitorUptimeTx interface {
	ComponentStore
	MonitorStore
	SettingStore
}

// monitorUptime replaces, in days (by component, as Components.Uptime made them), the days
// the monitors of a component in mode auto checked it.
func (a *Components) monitorUptime(ctx context.Context, ids []int64, days map[int64][]desk.DayUptime, now time.Time) error {
	db := newTxn(a.db.store, func(tx Tx) monitorUptimeTx { return tx })
	return db.read(ctx, func(tx monitorUptimeTx) error {
		hourMark, err := readMark(ctx, tx, settingRolledHour)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := tx.Component(ctx, id)
			if desk.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if c.Monitoring.Mode != desk.MonitorAuto {
				continue
			}
			ms, err := tx.Monitors(ctx, id)
			if err != nil {
				return err
			}
			if len(ms) == 0 {
				continue
			}
			mids := make([]int64, len(ms))
			for i, m := range ms {
				mids[i] = m.ID
			}
			if err := dayTallies(ctx, tx, mids, days[id], hourMark, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// dayTallies counts the monitors' checks of each day (hourly rows up to the rollup's mark,
// raw results after it) and sets the days that had checks from them.
func dayTallies(ctx context.Context, tx monitorUptimeTx, mids []int64, days []desk.DayUptime, hourMark, now time.Time) error {
	if len(days) == 0 {
		return nil
	}
	tallies := make([]desk.Tally, len(days))
	ends := make([]time.Time, len(days))
	for i := range days {
		ends[i] = days[i].Date.AddDate(0, 0, 1)
		if i+1 < len(days) {
			ends[i] = days[i+1].Date
		}
	}
	dayOf := func(t time.Time) int {
		for i := range days {
			if !t.Before(days[i].Date) && t.Before(ends[i]) {
				return i
			}
		}
		return -1
	}
	start := days[0].Date
	if !hourMark.IsZero() && hourMark.After(start) {
		for _, mid := range mids {
			rows, err := tx.MonitorHistory(ctx, desk.LevelHourly, mid, start, hourMark)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if i := dayOf(r.At); i >= 0 {
					tallies[i].Checks += r.Checks
					tallies[i].Down += r.Down
					tallies[i].Degraded += r.Degraded
				}
			}
		}
	}
	for i := range days {
		from, to := days[i].Date, ends[i]
		if from.Before(hourMark) {
			from = hourMark
		}
		if to.After(now) {
			to = now.Add(time.Millisecond)
		}
		if !to.After(from) {
			continue
		}
		t, err := tx.MonitorTally(ctx, desk.LevelRaw, mids, from, to)
		if err != nil {
			return err
		}
		tallies[i].Checks += t.Checks
		tallies[i].Down += t.Down
		tallies[i].Degraded += t.Degraded
	}
	for i, t := range tallies {
		if t.Checks == 0 {
			continue
		}
		d := &days[i]
		if !d.Known {
			end := ends[i]
			if end.After(now) {
				end = now
			}
			d.Known, d.Observed = true, end.Sub(d.Date)
		}
		d.Down = time.Duration(float64(d.Observed) * float64(t.Down) / float64(t.Checks))
		switch {
		case t.Down > 0:
			d.Worst = desk.StatusMajorOutage
		case t.Degraded > 0:
			d.Worst = desk.StatusDegradedPerformance
		default:
			d.Worst = desk.StatusOperational
		}
	}
	return nil
}

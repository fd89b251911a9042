package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"meldpunt/internal/desk"
)

// A monitor's history (docs/monitors.md "Scheduling and history"): raw results are kept for
// MonitorConfig.Retention; each closed UTC hour is rolled into hourly rows (kept
// HourlyRetention) and each closed UTC day into daily rows (kept). Two settings remember
// how far the rollups came: monitor.rolled_hour and monitor.rolled_day, the start of the
// first hour and day not yet rolled. Every instance runs Rollup; a rollup is an INSERT …
// ON CONFLICT DO NOTHING with its mark in one transaction, so two at once add each row once.

// rollupDelay is how long after an hour ends it is rolled up: results are stored with the
// time their check started, and a check of that hour may still be on its way.
const rollupDelay = 5 * time.Minute

// At most this many hours and days are rolled in one run, so a run stays short after a long
// stop; the next runs catch up.
const (
	rollupHours = 72
	rollupDays  = 14
)

const (
	settingRolledHour = "monitor.rolled_hour"
	settingRolledDay  = "monitor.rolled_day"
)

// readMark reads a rollup mark; zero when there is none yet.
func readMark(ctx context.Context, tx SettingStore, key string) (time.Time, error) {
	v, err := tx.Setting(ctx, key)
	if desk.IsNotFound(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms).UTC(), nil
}

func putMark(ctx context.Context, tx SettingStore, key string, t time.Time) error {
	return tx.PutSetting(ctx, key, strconv.FormatInt(t.UnixMilli(), 10))
}

// Rollup rolls the closed hours and days into aggregates and deletes what is past its
// retention; it returns how many aggregate rows it added.
func (s *Monitors) Rollup(ctx context.Context) (int, error) {
	now := s.clock()
	closed := now.Add(-rollupDelay).Truncate(time.Hour) // hours before it are closed
	total := 0
	for range rollupHours {
		var rolled bool
		err := s.db.write(ctx, func(tx monitorTx) error {
			rolled = false
			hour, err := readMark(ctx, tx, settingRolledHour)
			if err != nil {
				return err
			}
			if hour.IsZero() {
				first, ok, err := tx.EarliestMonitorResult(ctx)
				if err != nil || !ok {
					return err // nothing to roll up yet
				}
				hour = first.Truncate(time.Hour)
			}
			if !hour.Before(closed) {
				return nil
			}
			n, err := tx.RollupHour(ctx, hour)
			if err != nil {
				return err
			}
			total += n
			rolled = true
			return putMark(ctx, tx, settingRolledHour, hour.Add(time.Hour))
		})
		if err != nil {
			return total, err
		}
		if !rolled {
			break
		}
	}
	for range rollupDays {
		var rolled bool
		err := s.db.write(ctx, func(tx monitorTx) error {
			rolled = false
			hourMark, err := readMark(ctx, tx, settingRolledHour)
			if err != nil || hourMark.IsZero() {
				return err
			}
			day, err := readMark(ctx, tx, settingRolledDay)
			if err != nil {
				return err
			}
			if day.IsZero() {
				first, ok, err := tx.EarliestMonitorResult(ctx)
				if err != nil {
					return err
				}
				if !ok {
					first = hourMark.Add(-time.Hour) // raw results gone: the hours start it
				}
				day = first.Truncate(24 * time.Hour)
			}
			if day.Add(24 * time.Hour).After(hourMark) {
				return nil // a day is rolled once all its hours are
			}
			n, err := tx.RollupDay(ctx, day)
			if err != nil {
				return err
			}
			total += n
			rolled = true
			return putMark(ctx, tx, settingRolledDay, day.Add(24*time.Hour))
		})
		if err != nil {
			return total, err
		}
		if !rolled {
			break
		}
	}
	err := s.db.write(ctx, func(tx monitorTx) error {
		hourMark, err := readMark(ctx, tx, settingRolledHour)
		if err != nil {
			return err
		}
		dayMark, err := readMark(ctx, tx, settingRolledDay)
		if err != nil {
			return err
		}
		// Nothing is deleted before it is rolled up.
		if raw := earlier(now.Add(-s.cfg.Monitors.Retention), hourMark); !raw.IsZero() {
			if _, err := tx.PruneMonitorHistory(ctx, desk.LevelRaw, raw); err != nil {
				return err
			}
		}
		if hourly := earlier(now.Add(-HourlyRetention), dayMark); !hourly.IsZero() {
			if _, err := tx.PruneMonitorHistory(ctx, desk.LevelHourly, hourly); err != nil {
				return err
			}
		}
		return nil
	})
	return total, err
}

// earlier returns the earlier of two times; zero when mark is zero (nothing rolled yet).
func earlier(t, mark time.Time) time.Time {
	if mark.IsZero() {
		return time.Time{}
	}
	if mark.Before(t) {
		return mark
	}
	return t
}

// historySpan is a stretch of a window and the level of history that holds it.
type historySpan struct {
	level    desk.MonitorLevel
	from, to time.Time
}

// spans splits the window from since until now over the levels that hold it: daily rows
// before the hourly ones' reach (now − 90 days, on a day's start), hourly rows up to the
// hourly mark, raw results after it. Aggregates count whole hours and days: a window's edge
// is exact to the hour (within 90 days) or the day.
func spans(ctx context.Context, tx SettingStore, since, now time.Time) ([]historySpan, error) {
	hourMark, err := readMark(ctx, tx, settingRolledHour)
	if err != nil {
		return nil, err
	}
	end := now.Add(time.Millisecond)
	if hourMark.IsZero() {
		return []historySpan{{desk.LevelRaw, since, end}}, nil
	}
	dayEdge := now.Add(-90 * 24 * time.Hour).Truncate(24 * time.Hour)
	var out []historySpan
	if since.Before(dayEdge) {
		out = append(out, historySpan{desk.LevelDaily, since, dayEdge})
	}
	hFrom := since
	if hFrom.Before(dayEdge) {
		hFrom = dayEdge
	}
	out = append(out, historySpan{desk.LevelHourly, hFrom, hourMark})
	rFrom := since
	if rFrom.Before(hourMark) {
		rFrom = hourMark
	}
	return append(out, historySpan{desk.LevelRaw, rFrom, end}), nil
}

// addTally adds b's checks to a: counts add, means weigh by checks, p95 is the higher.
func addTally(a, b desk.Tally) desk.Tally {
	sum := a.MeanMS*a.Checks + b.MeanMS*b.Checks
	a.Checks += b.Checks
	a.Up += b.Up
	a.Degraded += b.Degraded
	a.Down += b.Down
	a.P95MS = max(a.P95MS, b.P95MS)
	a.MeanMS = 0
	if a.Checks > 0 {
		a.MeanMS = sum / a.Checks
	}
	return a
}

// tally counts the checks of the monitors together from since until now (spans).
func tally(ctx context.Context, tx interface {
	MonitorStore
	SettingStore
}, ids []int64, since, now time.Time) (desk.Tally, error) {
	ss, err := spans(ctx, tx, since, now)
	if err != nil {
		return desk.Tally{}, err
	}
	var out desk.Tally
	for _, sp := range ss {
		t, err := tx.MonitorTally(ctx, sp.level, ids, sp.from, sp.to)
		if err != nil {
			return desk.Tally{}, err
		}
		out = addTally(out, t)
	}
	return out, nil
}

// tallies is tally for each monitor on its own, a query per level for all of them.
func tallies(ctx context.Context, tx interface {
	MonitorStore
	SettingStore
}, ids []int64, since, now time.Time) (map[int64]desk.Tally, error) {
	ss, err := spans(ctx, tx, since, now)
	if err != nil {
		return nil, err
	}
	out := map[int64]desk.Tally{}
	for _, sp := range ss {
		ts, err := tx.MonitorTallies(ctx, sp.level, ids, sp.from, sp.to)
		if err != nil {
			return nil, err
		}
		for id, t := range ts {
			out[id] = addTally(out[id], t)
		}
	}
	return out, nil
}

// uptimes gives the monitors' uptime over every window of desk.UptimeWindows.
func (s *Monitors) uptimes(ctx context.Context, tx monitorTx, ids []int64) ([]desk.Uptime, error) {
	now := s.clock()
	out := make([]desk.Uptime, 0, len(desk.UptimeWindows))
	for _, w := range desk.UptimeWindows {
		t, err := tally(ctx, tx, ids, now.Add(-w.Span), now)
		if err != nil {
			return nil, err
		}
		share, known := t.Uptime()
		out = append(out, desk.Uptime{Window: w.Name, Share: share, Known: known, Checks: t.Checks})
	}
	return out, nil
}

// MonitorOverview is one monitor on the monitors page: its view, its latest results and its
// uptime over the windows asked for.
type MonitorOverview struct {
	MonitorView
	Recent []desk.MonitorResult
	Uptime []desk.Uptime
}

// Overview lists every monitor with its results since the time (newest first, at most
// recent each) and its uptime over the named windows of desk.UptimeWindows; staff only. Its
// queries do not grow with the number of monitors (but for one per thousand).
func (s *Monitors) Overview(ctx context.Context, actor desk.Actor, since time.Time, recent int, windows []string) (out []MonitorOverview, err error) {
	vs, err := s.List(ctx, actor, 0)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		rs, err := tx.RecentMonitorResults(ctx, ids, since, recent)
		if err != nil {
			return err
		}
		out = make([]MonitorOverview, len(vs))
		for i, v := range vs {
			out[i] = MonitorOverview{MonitorView: v, Recent: rs[v.ID]}
		}
		now := s.clock()
		for _, w := range desk.UptimeWindows {
			if !slices.Contains(windows, w.Name) {
				continue
			}
			ts, err := tallies(ctx, tx, ids, now.Add(-w.Span), now)
			if err != nil {
				return err
			}
			for i := range out {
				share, known := ts[out[i].ID].Uptime()
				out[i].Uptime = append(out[i].Uptime, desk.Uptime{Window: w.Name, Share: share, Known: known, Checks: ts[out[i].ID].Checks})
			}
		}
		return nil
	})
	return out, err
}

// Uptime gives a monitor's uptime over 24 h, 7 d, 30 d, 90 d and a year; staff only.
func (s *Monitors) Uptime(ctx context.Context, actor desk.Actor, id int64) (us []desk.Uptime, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("monitor")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		if _, err := tx.Monitor(ctx, id); err != nil {
			return err
		}
		us, err = s.uptimes(ctx, tx, []int64{id})
		return err
	})
	return us, err
}

// ComponentUptime gives a component's uptime by its monitors (the share of all their checks
// that were not down) over the same windows; staff only. A component without monitors has
// no known uptime here.
func (s *Monitors) ComponentUptime(ctx context.Context, actor desk.Actor, componentID int64) (us []desk.Uptime, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("component")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		if _, err := tx.Component(ctx, componentID); err != nil {
			return err
		}
		ms, err := tx.Monitors(ctx, componentID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		us, err = s.uptimes(ctx, tx, ids)
		return err
	})
	return us, err
}

// History lists a monitor's hourly or daily aggregates in [from, to); staff only.
func (s *Monitors) History(ctx context.Context, actor desk.Actor, id int64, level desk.MonitorLevel, from, to time.Time) (hs []desk.HistoryRow, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("monitor")
	}
	if level != desk.LevelHourly && level != desk.LevelDaily {
		return nil, invalid("level", "one_of", "must be hourly or daily")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		if _, err := tx.Monitor(ctx, id); err != nil {
			return err
		}
		hs, err = tx.MonitorHistory(ctx, level, id, from, to)
		return err
	})
	return hs, err
}

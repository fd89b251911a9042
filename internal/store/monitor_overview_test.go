package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestMonitorTalliesAndRecent: the monitors page's batch reads agree with the one-monitor
// reads they replace, at every level, and keep only each monitor's newest results.
func TestMonitorTalliesAndRecent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		ids := addMonitors(t, db, 4, day)
		var rs []desk.MonitorResult
		for minute := range 180 {
			for i, id := range ids[:3] { // the fourth monitor has no results
				r := desk.MonitorResult{MonitorID: id, At: day.Add(time.Duration(minute)*time.Minute + time.Duration(i)*time.Second),
					Status: desk.MonitorUp, Duration: time.Duration(10+i*5+minute%7) * time.Millisecond}
				switch {
				case (minute+i)%11 == 0:
					r.Status, r.Error = desk.MonitorDown, "refused"
				case (minute+i)%5 == 0:
					r.Status = desk.MonitorDegraded
				}
				rs = append(rs, r)
			}
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.AddMonitorResults(ctx, rs); err != nil {
				return err
			}
			for h := range 2 {
				if _, err := tx.RollupHour(ctx, day.Add(time.Duration(h)*time.Hour)); err != nil {
					return err
				}
			}
			_, err := tx.RollupDay(ctx, day)
			return err
		})
		err := db.Read(ctx, func(tx app.Tx) error {
			for _, level := range []desk.MonitorLevel{desk.LevelRaw, desk.LevelHourly, desk.LevelDaily} {
				from, to := day.Add(30*time.Minute), day.Add(170*time.Minute)
				if level != desk.LevelRaw {
					from, to = day, day.Add(24*time.Hour)
				}
				all, err := tx.MonitorTallies(ctx, level, ids, from, to)
				if err != nil {
					return err
				}
				if _, ok := all[ids[3]]; ok || len(all) != 3 {
					t.Errorf("%s: tallies for %d monitors, the one without results among them: %v", level, len(all), all)
				}
				for _, id := range ids[:3] {
					one, err := tx.MonitorTally(ctx, level, []int64{id}, from, to)
					if err != nil {
						return err
					}
					if one.Checks == 0 || one.Down == 0 || one.Degraded == 0 || all[id] != one {
						t.Errorf("%s monitor %d: batch %+v, alone %+v", level, id, all[id], one)
					}
				}
			}
			since := day.Add(100 * time.Minute)
			recent, err := tx.RecentMonitorResults(ctx, ids, since, 5)
			if err != nil {
				return err
			}
			if _, ok := recent[ids[3]]; ok {
				t.Errorf("results for the monitor without any: %v", recent[ids[3]])
			}
			for _, id := range ids[:3] {
				one, err := tx.MonitorResults(ctx, id, since, 5)
				if err != nil {
					return err
				}
				if len(one) != 5 || !reflect.DeepEqual(recent[id], one) {
					t.Errorf("monitor %d: batch %+v\nalone %+v", id, recent[id], one)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

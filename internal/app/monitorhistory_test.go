package app_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestMonitorRollupsAndUptime: four days of results, one every ten minutes, with one hour
// down and one hour of rising response times, rolled up at a fixed time: hourly and daily
// rows with the right counts, mean and p95; raw results past their retention gone, never
// before they are rolled; uptime over every window from raw, hourly and daily rows
// together.
func TestMonitorRollupsAndUptime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", Settings: json.RawMessage(`{"address":"127.0.0.1:9"}`)})
		now := w.clock.now() // 09:00 UTC
		start := now.Add(-96 * time.Hour)
		downHour := now.Add(-72 * time.Hour) // six checks down, 1 s each
		slowHour := now.Add(-50 * time.Hour) // 100 … 600 ms
		var rs []desk.MonitorResult
		for at := start; at.Before(now); at = at.Add(10 * time.Minute) {
			r := desk.MonitorResult{MonitorID: m.ID, At: at, Status: desk.MonitorUp, Duration: 100 * time.Millisecond}
			switch at.Truncate(time.Hour) {
			case downHour:
				r.Status, r.Duration, r.Error = desk.MonitorDown, time.Second, "connect: connection refused"
			case slowHour:
				r.Duration = time.Duration(at.Minute()/10+1) * 100 * time.Millisecond
			}
			rs = append(rs, r)
		}
		if err := db.Write(ctx, func(tx app.Tx) error { return tx.AddMonitorResults(ctx, rs) }); err != nil {
			t.Fatal(err)
		}
		for range 5 { // a run rolls at most 72 hours; the next ones catch up
			if _, err := a.Monitors.Rollup(ctx); err != nil {
				t.Fatal(err)
			}
		}
		hourly, err := a.Monitors.History(ctx, sys, m.ID, desk.LevelHourly, start.Add(-time.Hour), now)
		if err != nil {
			t.Fatal(err)
		}
		// Every closed hour (before 08:00: the hour 08:00–09:00 ended less than 5 minutes ago).
		if len(hourly) != 95 {
			t.Fatalf("%d hourly rows, want 95", len(hourly))
		}
		byHour := map[time.Time]desk.HistoryRow{}
		for _, h := range hourly {
			byHour[h.At] = h
		}
		if h := byHour[downHour]; h.Checks != 6 || h.Down != 6 || h.MeanMS != 1000 || h.P95MS != 1000 {
			t.Errorf("the hour down: %+v", h)
		}
		if h := byHour[slowHour]; h.Checks != 6 || h.Up != 6 || h.MeanMS != 350 || h.P95MS != 600 {
			t.Errorf("the slow hour: %+v, want mean 350 ms and p95 600 ms", h)
		}
		daily, err := a.Monitors.History(ctx, sys, m.ID, desk.LevelDaily, start.Add(-48*time.Hour), now)
		if err != nil {
			t.Fatal(err)
		}
		if len(daily) != 4 || daily[0].Checks != 15*6 || daily[1].Down != 6 || daily[1].Checks != 144 || daily[2].P95MS != 600 {
			t.Errorf("daily rows: %+v", daily)
		}
		// Raw results are kept 48 hours.
		raw, err := a.Monitors.Results(ctx, sys, m.ID, time.Time{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 48*6 || raw[len(raw)-1].At.Before(now.Add(-48*time.Hour)) {
			t.Errorf("%d raw results left, the oldest at %v; want the last 48 hours' %d", len(raw), raw[len(raw)-1].At, 48*6)
		}
		want := map[string]struct {
			checks int64
			share  float64
		}{
			"24h": {144, 1}, "7d": {576, 1 - 6.0/576}, "30d": {576, 1 - 6.0/576}, "90d": {576, 1 - 6.0/576}, "1y": {576, 1 - 6.0/576},
		}
		check := func(who string, us []desk.Uptime) {
			t.Helper()
			if len(us) != len(desk.UptimeWindows) {
				t.Fatalf("%s: %d windows", who, len(us))
			}
			for _, u := range us {
				wnt := want[u.Window]
				if !u.Known || u.Checks != wnt.checks || math.Abs(u.Share-wnt.share) > 1e-9 {
					t.Errorf("%s uptime %s: %+v, want %d checks and %.5f", who, u.Window, u, wnt.checks, wnt.share)
				}
			}
		}
		us, err := a.Monitors.Uptime(ctx, sys, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("monitor", us)
		cu, err := a.Monitors.ComponentUptime(ctx, sys, w.comp.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("component", cu)
		// A second rollup at the same time adds nothing; one a day later rolls the new day.
		if n, err := a.Monitors.Rollup(ctx); n != 0 || err != nil {
			t.Errorf("a second rollup added %d rows (%v)", n, err)
		}
	})
}

// TestMonitorRollupTwice: two instances rolling up at once add each row once.
func TestMonitorRollupTwice(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one, two := storetest.OpenTwice(t, dialect)
			w := newMonitorWorld(t, one, two)
			m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", Settings: json.RawMessage(`{"address":"127.0.0.1:9"}`)})
			now := w.clock.now()
			var rs []desk.MonitorResult
			for at := now.Add(-10 * time.Hour); at.Before(now); at = at.Add(time.Minute) {
				rs = append(rs, desk.MonitorResult{MonitorID: m.ID, At: at, Status: desk.MonitorUp, Duration: time.Millisecond})
			}
			if err := one.Write(ctx, func(tx app.Tx) error { return tx.AddMonitorResults(ctx, rs) }); err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, 2)
			for _, a := range w.instances {
				go func() { _, err := a.Monitors.Rollup(ctx); errs <- err }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			hourly, err := w.instances[0].Monitors.History(ctx, sys, m.ID, desk.LevelHourly, now.Add(-11*time.Hour), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(hourly) != 9 {
				t.Fatalf("%d hourly rows, want 9", len(hourly))
			}
			for _, h := range hourly {
				if h.Checks != 60 {
					t.Errorf("hour %v counts %d checks, want 60", h.At, h.Checks)
				}
			}
		})
	}
}

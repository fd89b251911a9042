package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// addMonitors stores n monitors of one component, all due at due.
func addMonitors(t testing.TB, db *store.DB, n int, due time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := db.Write(ctx, func(tx app.Tx) error {
		c := desk.Component{Name: "Shop", Status: desk.StatusOperational, Visibility: desk.VisibilityPublic, CreatedAt: due, UpdatedAt: due}
		if err := tx.CreateComponent(ctx, &c); err != nil {
			return err
		}
		for i := range n {
			m := desk.Monitor{ComponentID: c.ID, Name: fmt.Sprintf("m%d", i), Kind: "tcp", Settings: json.RawMessage(`{}`),
				Interval: time.Minute, Timeout: 10 * time.Second, FailAfter: 2, RecoverAfter: 1, Enabled: true, CreatedAt: due, UpdatedAt: due}
			if err := tx.CreateMonitor(ctx, &m, func(int64) time.Time { return due }); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestClaimMonitorsOnce: two instances (two handles on one database, each with its own
// connections) claim due monitors at once, in small bites: every monitor goes to exactly
// one, and a claimed monitor is not claimed again until its lease (one interval) runs out.
func TestClaimMonitorsOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one, two := storetest.OpenTwice(t, dialect)
			ids := addMonitors(t, one, 200, t0)
			claimed := map[int64]string{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, inst := range []struct {
				name string
				db   *store.DB
			}{{"one", one}, {"two", two}} {
				wg.Go(func() {
					for {
						var got []int64
						err := inst.db.Write(ctx, func(tx app.Tx) error {
							var err error
							got, err = tx.ClaimMonitors(ctx, inst.name, t0, 7)
							return err
						})
						if err != nil {
							t.Error(err)
							return
						}
						if len(got) == 0 {
							return
						}
						mu.Lock()
						for _, id := range got {
							if prev, ok := claimed[id]; ok {
								t.Errorf("monitor %d claimed by %s and %s", id, prev, inst.name)
							}
							claimed[id] = inst.name
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(claimed) != len(ids) {
				t.Fatalf("%d of %d monitors claimed", len(claimed), len(ids))
			}
			write(t, one, func(ctx context.Context, tx app.Tx) error {
				if got, err := tx.ClaimMonitors(ctx, "three", t0.Add(59*time.Second), 500); err != nil || len(got) != 0 {
					t.Errorf("claimed again within the lease: %d (%v)", len(got), err)
				}
				got, err := tx.ClaimMonitors(ctx, "three", t0.Add(time.Minute), 500)
				if err != nil || len(got) != len(ids) {
					t.Errorf("after the leases ran out, %d claimed (%v), want all %d", len(got), err, len(ids))
				}
				return nil
			})
		})
	}
}

// TestSaveMonitorStateOnce: of two saves of the same version, one wins; a save by an
// instance that no longer holds the lease changes nothing.
func TestSaveMonitorStateOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := addMonitors(t, db, 1, t0)[0]
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if got, err := tx.ClaimMonitors(ctx, "one", t0, 1); err != nil || len(got) != 1 {
				t.Fatalf("claim: %v %v", got, err)
			}
			st, err := tx.MonitorState(ctx, id)
			if err != nil {
				return err
			}
			if st.LeaseOwner != "one" || !st.LeaseUntil.Equal(ms(t0.Add(time.Minute))) {
				t.Errorf("lease %q until %v", st.LeaseOwner, st.LeaseUntil)
			}
			stale := st
			if ok, err := tx.SaveMonitorState(ctx, &st, "two"); ok || err != nil {
				t.Errorf("a save without the lease: %v %v", ok, err)
			}
			st.Status, st.Fails = desk.MonitorDown, 2
			if ok, err := tx.SaveMonitorState(ctx, &st, "one"); !ok || err != nil {
				t.Errorf("the lease holder's save: %v %v", ok, err)
			}
			if ok, err := tx.SaveMonitorState(ctx, &stale, ""); ok || err != nil {
				t.Errorf("a save of a stale version: %v %v", ok, err)
			}
			got, err := tx.MonitorState(ctx, id)
			if err != nil || got.Status != desk.MonitorDown || got.LeaseOwner != "" || got.Version != st.Version {
				t.Errorf("state %+v (%v)", got, err)
			}
			return nil
		})
	})
}

// TestMonitorGrowth measures what one monitor checked every 60 s adds to the database in a
// day: 1,440 raw results, 24 hourly rows and a daily row, in batches as the scheduler
// writes them. It reports bytes per monitor per day (docs/benchmarks.md "Monitors (issue
// 12)"); set MELDPUNT_MEASURE_GROWTH=1 to run it (it writes a day of 50 monitors).
func TestMonitorGrowth(t *testing.T) {
	if os.Getenv("MELDPUNT_MEASURE_GROWTH") == "" {
		t.Skip("set MELDPUNT_MEASURE_GROWTH=1 to measure the database growth of monitors")
	}
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			const n = 50
			day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
			ids := addMonitors(t, db, n, day)
			size := func() int64 {
				b, err := db.MonitorBytes(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			before := size()
			for minute := range 24 * 60 {
				at := day.Add(time.Duration(minute) * time.Minute)
				var rs []desk.MonitorResult
				for i, id := range ids {
					r := desk.MonitorResult{MonitorID: id, At: at.Add(time.Duration(i) * time.Second), Status: desk.MonitorUp,
						Duration: time.Duration(20+i+minute%40) * time.Millisecond}
					if minute%97 == 0 {
						r.Status, r.Error = desk.MonitorDown, "connect: connection refused"
					}
					rs = append(rs, r)
				}
				write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.AddMonitorResults(ctx, rs) })
			}
			raw := size() - before
			write(t, db, func(ctx context.Context, tx app.Tx) error {
				for h := range 24 {
					if _, err := tx.RollupHour(ctx, day.Add(time.Duration(h)*time.Hour)); err != nil {
						return err
					}
				}
				_, err := tx.RollupDay(ctx, day)
				return err
			})
			all := size() - before
			t.Logf("%s: raw results %d bytes per monitor per day; hourly and daily aggregates %d bytes per monitor per day",
				dialect, raw/n, (all-raw)/n)
		})
	}
}

// TestMonitorLeaseLength: a lease lasts the check's timeout plus a minute, never longer than
// the interval, so a dead instance's hourly monitor runs again within about a minute.
func TestMonitorLeaseLength(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := addMonitors(t, db, 2, t0)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			hourly, err := tx.Monitor(ctx, ids[1])
			if err != nil {
				return err
			}
			hourly.Interval = time.Hour
			if err := tx.UpdateMonitor(ctx, &hourly); err != nil {
				return err
			}
			if got, err := tx.ClaimMonitors(ctx, "one", t0, 10); err != nil || len(got) != 2 {
				t.Fatalf("claim: %v %v", got, err)
			}
			sts, err := tx.MonitorStates(ctx, ids)
			if err != nil {
				return err
			}
			if want := ms(t0.Add(time.Minute)); !sts[0].LeaseUntil.Equal(want) {
				t.Errorf("a 60 s monitor's lease until %v, want %v (its interval)", sts[0].LeaseUntil, want)
			}
			if want := ms(t0.Add(10*time.Second + store.LeaseMargin)); !sts[1].LeaseUntil.Equal(want) {
				t.Errorf("an hourly monitor's lease until %v, want %v (timeout + margin)", sts[1].LeaseUntil, want)
			}
			return nil
		})
	})
}

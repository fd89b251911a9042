package desk

import (
	"slices"
	"testing"
	"time"
)

func TestMonitorHysteresis(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const U, D, G = MonitorUp, MonitorDown, MonitorDegraded
	for _, tc := range []struct {
		name          string
		fail, recover int
		checks        []MonitorVerdict
		want          []MonitorVerdict // the state after each check
		down, up      int              // the checks (1-based) that went down and recovered; 0: none
	}{
		{"one lost packet pages nobody", 2, 1, []MonitorVerdict{U, D, U, U}, []MonitorVerdict{U, U, U, U}, 0, 0},
		{"down after two failures, up after one success", 2, 1, []MonitorVerdict{U, D, D, D, U}, []MonitorVerdict{U, U, D, D, U}, 3, 5},
		{"three to fail", 3, 1, []MonitorVerdict{D, D, U, D, D, D}, []MonitorVerdict{U, U, U, U, U, D}, 6, 0},
		{"two to recover", 1, 2, []MonitorVerdict{D, U, D, U, U}, []MonitorVerdict{D, D, D, D, U}, 1, 5},
		{"degraded is up and moves at once", 2, 1, []MonitorVerdict{G, U, G}, []MonitorVerdict{G, U, G}, 0, 0},
		{"recovering into degraded", 1, 1, []MonitorVerdict{D, G}, []MonitorVerdict{D, G}, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := Monitor{FailAfter: tc.fail, RecoverAfter: tc.recover}
			var s MonitorState
			var down, up int
			for i, v := range tc.checks {
				var tr MonitorTransition
				s, tr = m.Step(s, v, at.Add(time.Duration(i)*time.Minute))
				if s.Status != tc.want[i] {
					t.Fatalf("after check %d (%s): %s, want %s", i+1, v, s.Status, tc.want[i])
				}
				switch tr {
				case MonitorWentDown:
					if down != 0 {
						t.Fatalf("went down twice (checks %d and %d)", down, i+1)
					}
					down = i + 1
				case MonitorRecovered:
					up = i + 1
				}
			}
			if down != tc.down || up != tc.up {
				t.Errorf("went down at %d, recovered at %d; want %d and %d", down, up, tc.down, tc.up)
			}
		})
	}
	t.Run("an outage began with its first failure", func(t *testing.T) {
		m := Monitor{FailAfter: 3, RecoverAfter: 1}
		var s MonitorState
		for i := range 3 {
			s, _ = m.Step(s, MonitorDown, at.Add(time.Duration(i)*time.Minute))
		}
		if s.DownSince == nil || !s.DownSince.Equal(at) {
			t.Errorf("down since %v, want %v", s.DownSince, at)
		}
	})
}

func TestFirstDueSpreadsOverTheInterval(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) // the top of the minute
	const n, iv = 6000, time.Minute
	buckets := make([]int, 10)
	for id := int64(1); id <= n; id++ {
		due := FirstDue(id, iv, now)
		if !due.After(now) || due.After(now.Add(iv)) {
			t.Fatalf("monitor %d first due at %v, not within the interval after %v", id, due, now)
		}
		buckets[due.Sub(now)*10/iv]++
		// Every instance, and every restart, finds the same phase.
		later := FirstDue(id, iv, now.Add(17*time.Second))
		if later.Sub(due)%iv != 0 {
			t.Fatalf("monitor %d: phase %v at one start, %v at another", id, due, later)
		}
	}
	for i, c := range buckets {
		if c < n/10*7/10 || c > n/10*13/10 {
			t.Errorf("tenth %d of the minute holds %d first checks, want about %d: %v", i, c, n/10, buckets)
		}
	}
}

func TestNextDueDoesNotDrift(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 5, 1, 12, 0, 7, 0, time.UTC)
	iv := time.Minute
	// The check ran late and slow: the next is still one interval after the due time.
	if got := NextDue(due, iv, due.Add(9*time.Second)); !got.Equal(due.Add(iv)) {
		t.Errorf("next due %v, want %v", got, due.Add(iv))
	}
	// The instances were away for ten minutes: the next time after now, in the same phase.
	now := due.Add(10*time.Minute + 30*time.Second)
	got := NextDue(due, iv, now)
	if !got.After(now) || got.Sub(now) > iv || got.Sub(due)%iv != 0 {
		t.Errorf("next due %v after an absence, want the first %v-phase time after %v", got, iv, now)
	}
}

func TestMonitorValidate(t *testing.T) {
	t.Parallel()
	kinds := []string{"http", "tcp", "heartbeat"}
	for _, tc := range []struct {
		name   string
		m      Monitor
		fields []string
	}{
		{"defaults are valid", Monitor{Name: "Web", Kind: "http", ComponentID: 1}, nil},
		{"everything wrong", Monitor{Name: " ", Kind: "gopher", Interval: 5 * time.Second, Timeout: 500 * time.Millisecond, FailAfter: 101, RecoverAfter: -1},
			[]string{"name", "kind", "component_id", "interval", "timeout", "fail_after", "recover_after"}},
		{"a timeout as long as the interval", Monitor{Name: "Web", Kind: "tcp", ComponentID: 1, Interval: 30 * time.Second, Timeout: 30 * time.Second},
			[]string{"timeout"}},
		{"part of a second", Monitor{Name: "Web", Kind: "tcp", ComponentID: 1, Interval: 30500 * time.Millisecond}, []string{"interval"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := tc.m
			m.Defaults()
			err := m.Validate(kinds)
			var got []string
			if e, ok := err.(*Error); ok {
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestDisplayedStatusesWithMonitors(t *testing.T) {
	t.Parallel()
	auto := Component{ID: 1, Status: StatusOperational, Monitoring: ComponentMonitoring{Mode: MonitorAuto, Observed: StatusMajorOutage}}
	propose := Component{ID: 2, Status: StatusOperational, Monitoring: ComponentMonitoring{Mode: MonitorPropose, Observed: StatusMajorOutage}}
	maintained := Component{ID: 3, Status: StatusOperational, Monitoring: ComponentMonitoring{Mode: MonitorAuto, Observed: StatusMajorOutage}}
	maint := PublicIncident{Kind: KindMaintenance, Status: MaintenanceInProgress, Components: []AffectedComponent{{ComponentID: 3}}}
	got := DisplayedStatuses([]Component{auto, propose, maintained}, []PublicIncident{maint})
	want := map[int64]ComponentStatus{1: StatusMajorOutage, 2: StatusOperational, 3: StatusUnderMaintenance}
	for id, s := range want {
		if got[id] != s {
			t.Errorf("component %d shows %s, want %s", id, got[id], s)
		}
	}
}

package desk_test

import (
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
)

// wall returns a time on the wall clock of Europe/Amsterdam.
func wall(t testing.TB, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func tp(t time.Time) *time.Time { return &t }

// reportTargets: P2 answers within 1 hour and resolves within 8; P3 within 4 and 16.
var reportTargets = []desk.Target{
	{Priority: desk.P2, FirstResponseMin: 60, ResolutionMin: 480},
	{Priority: desk.P3, FirstResponseMin: 240, ResolutionMin: 960},
}

func TestMonth(t *testing.T) {
	t.Parallel()
	m, err := desk.ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	from, to := m.Range()
	// October starts in summer time (UTC+2) and ends in winter time (UTC+1).
	if want := time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from = %v, want %v", from, want)
	}
	if want := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("to = %v, want %v", to, want)
	}
	if m.String() != "2026-10" || m.Prev().String() != "2026-09" || m.Next().String() != "2026-11" {
		t.Errorf("month %v prev %v next %v", m, m.Prev(), m.Next())
	}
	if d, _ := desk.ParseMonth("2026-12"); d.Next().String() != "2027-01" || d.Prev().String() != "2026-11" {
		t.Errorf("December: next %v", d.Next())
	}
	if got := desk.MonthOf(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)); got.String() != "2026-11" {
		t.Errorf("MonthOf the first half hour of November in Amsterdam = %v", got)
	}
	for _, bad := range []string{"", "2026-13", "2026-1", "26-11", "2026-11-01", "1999-12", "november"} {
		if _, err := desk.ParseMonth(bad); err == nil || desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("ParseMonth(%q) = %v, want invalid", bad, err)
		}
	}
}

// TestSLAReportOutcomes: one incident at a time, what each clock counts as and how long it
// took, on the business calendar (Monday–Friday 08:30–17:30).
func TestSLAReportOutcomes(t *testing.T) {
	t.Parallel()
	k := clockOf(t, business())
	now := wall(t, "2026-11-30 12:00")
	type want struct {
		resp, res         string // met, missed, pending, none
		respTime, resTime time.Duration
		respN, resN       int // measured
	}
	h, m := time.Hour, time.Minute
	cases := []struct {
		name string
		edit func(in *desk.Incident)
		want want
	}{
		{"both met", func(in *desk.Incident) {
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-02 09:30")), tp(wall(t, "2026-11-02 15:00"))
		}, want{"met", "met", 30 * m, 6 * h, 1, 1}},
		{"answered late, resolved late", func(in *desk.Incident) {
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-02 10:30")), tp(wall(t, "2026-11-03 09:00"))
		}, want{"missed", "missed", 90 * m, 9 * h, 1, 1}},
		{"the same, but two hours paused while waiting: met", func(in *desk.Incident) {
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-02 10:00")), tp(wall(t, "2026-11-03 09:00"))
			in.SLA.Paused = 2 * h
		}, want{"met", "met", time.Hour, 7 * h, 1, 1}},
		{"resolved at the deadline itself: met", func(in *desk.Incident) {
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-02 09:00")), tp(wall(t, "2026-11-02 17:00"))
		}, want{"met", "met", 0, 8 * h, 1, 1}},
		{"nights and a weekend do not count", func(in *desk.Incident) {
			in.CreatedAt = wall(t, "2026-11-06 16:30") // a Friday
			in.SLA = desk.StartSLA(k, in.CreatedAt, desk.Target{Priority: desk.P2, FirstResponseMin: 60, ResolutionMin: 480}, 0)
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-09 08:45")), tp(wall(t, "2026-11-09 15:30"))
		}, want{"missed", "met", 75 * m, 8 * h, 1, 1}},
		{"no reply, no resolution, deadlines passed", func(in *desk.Incident) {}, want{"missed", "missed", 0, 0, 0, 0}},
		{"waiting since before the deadline: pending", func(in *desk.Incident) {
			in.FirstResponseAt = tp(wall(t, "2026-11-02 09:10"))
			in.State, in.SLA = desk.StateWaiting, in.SLA.Pause(wall(t, "2026-11-02 12:00"))
		}, want{"met", "pending", 10 * m, 0, 1, 0}},
		{"waiting since after the deadline: missed", func(in *desk.Incident) {
			in.FirstResponseAt = tp(wall(t, "2026-11-02 09:10"))
			in.State, in.SLA = desk.StateWaiting, in.SLA.Pause(wall(t, "2026-11-03 12:00"))
		}, want{"met", "missed", 10 * m, 0, 1, 0}},
		{"registered just now: pending", func(in *desk.Incident) {
			in.CreatedAt = wall(t, "2026-11-30 11:30")
			in.SLA = desk.StartSLA(k, in.CreatedAt, desk.Target{Priority: desk.P2, FirstResponseMin: 60, ResolutionMin: 480}, 0)
		}, want{"pending", "pending", 0, 0, 0, 0}},
		{"no contract: no targets, wall-clock times", func(in *desk.Incident) {
			in.SLA = desk.SLA{}
			in.FirstResponseAt, in.ResolvedAt = tp(wall(t, "2026-11-02 20:00")), tp(wall(t, "2026-11-03 09:00"))
		}, want{"none", "none", 11 * h, 24 * h, 1, 1}},
		{"a priority without a resolution target", func(in *desk.Incident) {
			in.Priority = desk.P4
			in.SLA = desk.StartSLA(k, in.CreatedAt, desk.Target{Priority: desk.P4, FirstResponseMin: 60}, 0)
			in.ResolvedAt = tp(wall(t, "2026-11-02 10:00"))
		}, want{"missed", "none", 0, time.Hour, 0, 1}},
	}
	outcome := func(m desk.SLAMeasure) string {
		switch {
		case m.Met == 1:
			return "met"
		case m.Missed == 1:
			return "missed"
		case m.Pending == 1:
			return "pending"
		case m.WithTarget == 0:
			return "none"
		}
		return "?"
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := desk.Incident{ID: 1, OrgID: 7, Priority: desk.P2, Kind: desk.KindRegular, Channel: desk.ChannelPortal,
				State: desk.StateInProgress, CreatedAt: wall(t, "2026-11-02 09:00")}
			in.SLA = desk.StartSLA(k, in.CreatedAt, reportTargets[0], 0)
			c.edit(&in)
			r := desk.BuildSLAReport(desk.SLAReportInput{OrgID: 7, Month: desk.Month{Year: 2026, Month: 11}, Incidents: []desk.Incident{in},
				Clocks: map[string]*desk.Clock{"business": k}, Targets: reportTargets, Now: now})
			row := r.Total
			if got := outcome(row.Response); got != c.want.resp {
				t.Errorf("first response %s, want %s (%+v)", got, c.want.resp, row.Response)
			}
			if got := outcome(row.Resolve); got != c.want.res {
				t.Errorf("resolution %s, want %s (%+v)", got, c.want.res, row.Resolve)
			}
			check := func(what string, m desk.SLAMeasure, n int, d time.Duration) {
				if m.Measured != n {
					t.Errorf("%s measured %d, want %d", what, m.Measured, n)
				}
				if mean, ok := m.Mean(); ok != (n > 0) || mean != d {
					t.Errorf("%s mean %v %v, want %v", what, mean, ok, d)
				}
				if p90, _ := m.P90(); p90 != d {
					t.Errorf("%s p90 %v, want %v", what, p90, d)
				}
			}
			check("first response", row.Response, c.want.respN, c.want.respTime)
			check("resolution", row.Resolve, c.want.resN, c.want.resTime)
			if r.Rows[in.Priority-1].Incidents != 1 || r.Total.Incidents != 1 {
				t.Errorf("rows: %+v", r.Rows)
			}
		})
	}
}

// TestSLAReportTotals: shares, mean and 90th percentile, counts by kind and channel, and the
// share of urgent reports moved to regular support.
func TestSLAReportTotals(t *testing.T) {
	t.Parallel()
	k := clockOf(t, business())
	start := wall(t, "2026-11-02 09:00")
	var incs []desk.Incident
	// Ten P3 incidents resolved after 1..10 hours of open time: all within 16 hours; the
	// first reply after 1..10 hours: four within the 4-hour target.
	for i := 1; i <= 10; i++ {
		in := desk.Incident{ID: int64(i), Priority: desk.P3, Kind: desk.KindRegular, Channel: desk.ChannelPortal,
			State: desk.StateClosed, CreatedAt: start}
		in.SLA = desk.StartSLA(k, start, reportTargets[1], 0)
		in.FirstResponseAt = tp(k.Add(start, time.Duration(i)*time.Hour))
		in.ResolvedAt = tp(k.Add(start, time.Duration(i)*time.Hour))
		incs = append(incs, in)
	}
	// Three urgent reports by phone: one approved, one moved to regular support, one pending.
	for i, a := range []desk.Assessment{desk.AssessmentApproved, desk.AssessmentReclassified, desk.AssessmentPending} {
		in := desk.Incident{ID: int64(20 + i), Priority: desk.P2, Kind: desk.KindUrgent, Channel: desk.ChannelPhone,
			State: desk.StateNew, CreatedAt: start, Assessment: a}
		if a == desk.AssessmentReclassified {
			in.Kind, in.Priority = desk.KindRegular, desk.P4
		}
		incs = append(incs, in)
	}
	r := desk.BuildSLAReport(desk.SLAReportInput{OrgID: 7, Month: desk.Month{Year: 2026, Month: 11}, Incidents: incs,
		Clocks: map[string]*desk.Clock{"business": k}, Targets: reportTargets, Now: wall(t, "2026-12-01 09:00")})
	p3 := r.Rows[2]
	if p3.Priority != desk.P3 || p3.Incidents != 10 || p3.Response.Met != 4 || p3.Response.Missed != 6 || *p3.Response.MetShare != 0.4 {
		t.Errorf("P3 first response: %+v", p3.Response)
	}
	if p3.Resolve.Met != 10 || *p3.Resolve.MetShare != 1 {
		t.Errorf("P3 resolution: %+v", p3.Resolve)
	}
	if mean, _ := p3.Resolve.Mean(); mean != 5*time.Hour+30*time.Minute {
		t.Errorf("mean %v, want 5h30m", mean)
	}
	if p90, _ := p3.Resolve.P90(); p90 != 9*time.Hour {
		t.Errorf("p90 %v, want 9h (nearest rank)", p90)
	}
	if r.Total.Incidents != 13 || r.Total.Kinds[0] != (desk.SLACount{Key: "urgent", Count: 2}) || r.Total.Kinds[1].Count != 11 {
		t.Errorf("kinds: %+v", r.Total.Kinds)
	}
	if r.Total.Channels[0] != (desk.SLACount{Key: "portal", Count: 10}) || r.Total.Channels[1] != (desk.SLACount{Key: "phone", Count: 3}) {
		t.Errorf("channels: %+v", r.Total.Channels)
	}
	if r.Total.Assessed != 3 || r.Total.Reclassified != 1 || *r.Total.ReclassifiedShare != 1.0/3 {
		t.Errorf("assessed %d reclassified %d", r.Total.Assessed, r.Total.Reclassified)
	}
	if r.Rows[0].Incidents != 0 || r.Rows[0].Response.MetShare != nil || r.Rows[0].Response.MeanSecond != nil {
		t.Errorf("P1 without incidents: %+v", r.Rows[0])
	}
	var b strings.Builder
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines, want a header, five priorities and the total:\n%s", len(lines), b.String())
	}
	wantHeader := "organisation_id,month,priority,incidents,first_response_with_target,first_response_met,first_response_missed," +
		"first_response_pending,first_response_met_share,first_response_measured,first_response_mean_seconds,first_response_p90_seconds," +
		"resolution_with_target,resolution_met,resolution_missed,resolution_pending,resolution_met_share,resolution_measured," +
		"resolution_mean_seconds,resolution_p90_seconds,kind_urgent,kind_regular,channel_portal,channel_phone,channel_email," +
		"channel_api,channel_monitor,assessed,reclassified,reclassified_share"
	if lines[0] != wantHeader {
		t.Errorf("header\n%s\nwant\n%s", lines[0], wantHeader)
	}
	for i, want := range map[int]string{
		1: "7,2026-11,P1,0,0,0,0,0,,0,,,0,0,0,0,,0,,,0,0,0,0,0,0,0,0,0,",
		3: "7,2026-11,P3,10,10,4,6,0,0.4000,10,19800,32400,10,10,0,0,1.0000,10,19800,32400,0,10,10,0,0,0,0,0,0,",
		6: "7,2026-11,total,13,10,4,6,0,0.4000,10,19800,32400,10,10,0,0,1.0000,10,19800,32400,2,11,10,3,0,0,0,3,1,0.3333",
	} {
		if lines[i] != want {
			t.Errorf("line %d\n%s\nwant\n%s", i, lines[i], want)
		}
	}
}

package desk

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
)

// Month is a calendar month, read in Europe/Amsterdam: the SLA report covers the incidents
// registered from its first day 00:00 up to the next month's first day 00:00 there.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2026-11".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 || t.Year() < 2000 || t.Year() > 9998 {
		var v Validator
		v.Add("month", "month", "must be a month as YYYY-MM, e.g. 2026-11")
		return Month{}, v.Err()
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf returns the month of Europe/Amsterdam that t falls in.
func MonthOf(t time.Time) Month {
	l := t.In(amsterdam)
	return Month{l.Year(), l.Month()}
}

// String returns "2026-11".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Range returns the month's first instant and the next month's first instant, in
// Europe/Amsterdam.
func (m Month) Range() (from, to time.Time) {
	from = time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, amsterdam)
	return from.UTC(), from.AddDate(0, 1, 0).UTC()
}

// Prev and Next are the months before and after.
func (m Month) Prev() Month { return MonthOf(time.Date(m.Year, m.Month-1, 15, 12, 0, 0, 0, amsterdam)) }
func (m Month) Next() Month { return MonthOf(time.Date(m.Year, m.Month+1, 15, 12, 0, 0, 0, amsterdam)) }

// SLAReportInput is what the SLA report of one client and one month is computed from.
type SLAReportInput struct {
	OrgID int64
	Month Month
	// Incidents are the organisation's incidents registered in the month.
	Incidents []Incident
	// Clocks holds the clock of every calendar an incident's SLA names, by slug. An
	// incident whose calendar is missing here has no resolution target and counts its times
	// on the wall clock.
	Clocks map[string]*Clock
	// Targets are the organisation's current targets per priority (its active contract).
	// The resolution target of an incident with deadlines is taken from here.
	Targets []Target
	// Now decides whether a running clock's deadline has passed.
	Now time.Time
}

// SLAReport is the SLA report of one client organisation and one month.
type SLAReport struct {
	OrgID int64  `json:"organisation_id"`
	Month string `json:"month"`
	// From and To bound the registration times covered: [From, To).
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// GeneratedAt is the Now the report was computed at: incidents still running then are
	// pending, not met.
	GeneratedAt time.Time `json:"generated_at"`
	// Rows holds one row per priority, P1 first, also for priorities without incidents.
	Rows []SLAReportRow `json:"priorities"`
	// Total sums every priority.
	Total SLAReportRow `json:"total"`
}

// SLAReportRow is the report of the incidents of one priority, or of all (Priority 0).
type SLAReportRow struct {
	Priority  Priority `json:"priority,omitempty"`
	Incidents int      `json:"incidents"`
	// Response is the first-response clock, Resolve the resolution clock.
	Response SLAMeasure `json:"first_response"`
	Resolve  SLAMeasure `json:"resolution"`
	// Kinds and Channels count the incidents by kind (urgent, regular) and by channel, in
	// the order of desk.Kinds and desk.Channels, zeros included.
	Kinds    []SLACount `json:"kinds"`
	Channels []SLACount `json:"channels"`
	// Assessed counts the reports with an assessment (pending, approved or reclassified);
	// Reclassified those moved to regular support; ReclassifiedShare is their share, nil
	// when nothing was assessed.
	Assessed          int      `json:"assessed"`
	Reclassified      int      `json:"reclassified"`
	ReclassifiedShare *float64 `json:"reclassified_share"`
}

// SLACount is a number of incidents with one value of a field.
type SLACount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// SLAMeasure is how one clock did over a set of incidents.
type SLAMeasure struct {
	// WithTarget counts the incidents that have the target; each is Met, Missed, or Pending
	// (its clock still runs, or is paused, and the deadline has not passed).
	WithTarget int `json:"with_target"`
	Met        int `json:"met"`
	Missed     int `json:"missed"`
	Pending    int `json:"pending"`
	// MetShare is Met / (Met + Missed); nil when none is decided.
	MetShare *float64 `json:"met_share"`
	// Measured counts the incidents with a time (answered, or resolved); Mean and P90 are
	// the mean and the 90th percentile (nearest rank) of those times, in open time of each
	// incident's calendar, whole seconds; nil when none was measured.
	Measured   int    `json:"measured"`
	MeanSecond *int64 `json:"mean_seconds"`
	P90Second  *int64 `json:"p90_seconds"`

	times []time.Duration
}

// Mean and P90 return the times as durations; ok is false when none was measured.
func (m SLAMeasure) Mean() (time.Duration, bool) { return secs(m.MeanSecond) }
func (m SLAMeasure) P90() (time.Duration, bool)  { return secs(m.P90Second) }

func secs(p *int64) (time.Duration, bool) {
	if p == nil {
		return 0, false
	}
	return time.Duration(*p) * time.Second, true
}

// Kinds lists both kinds, urgent first.
var Kinds = []Kind{KindUrgent, KindRegular}

// Outcome of one clock of one incident.
type slaOutcome int

const (
	outcomeNone slaOutcome = iota // no target
	outcomeMet
	outcomeMissed
	outcomePending
)

// BuildSLAReport computes the SLA report. It is a pure function of its input:
//
//   - First response: an incident has the target when it has a first-response deadline
//     (sla.response_due). It is met when the first reply the client could see came at or
//     before it, missed when it came later or has not come while the deadline has passed,
//     and pending otherwise. The time is the open time, in the incident's calendar, from
//     registration to that first reply.
//   - Resolution: an incident has the target when its SLA names a calendar (in Clocks) and
//     the priority has a resolution target (in Targets). Its deadline is the clock
//     arithmetic of the stored SLA: registration + target + the paused open time
//     (sla.paused_ns), in that calendar. It is met when the incident was resolved at or
//     before that deadline; missed when resolved after it, or not resolved and the deadline
//     has passed at Now (for a paused clock: the pause began after the deadline); pending
//     otherwise. The time is the open time from registration to the (latest) resolution,
//     less the paused open time.
//   - Without a calendar (no contract), times count on the wall clock.
func BuildSLAReport(in SLAReportInput) SLAReport {
	from, to := in.Month.Range()
	r := SLAReport{OrgID: in.OrgID, Month: in.Month.String(), From: from, To: to, GeneratedAt: in.Now.UTC()}
	rows := map[Priority]*SLAReportRow{}
	for _, p := range Priorities {
		r.Rows = append(r.Rows, newRow(p))
	}
	for i := range r.Rows {
		rows[r.Rows[i].Priority] = &r.Rows[i]
	}
	r.Total = newRow(0)
	targets := map[Priority]Target{}
	for _, t := range in.Targets {
		targets[t.Priority] = t
	}
	for _, inc := range in.Incidents {
		k := in.Clocks[inc.SLA.Calendar]
		resp, respTime, hasRespTime := responseOutcome(inc, k, in.Now)
		res, resTime, hasResTime := resolveOutcome(inc, k, targets, in.Now)
		for _, row := range []*SLAReportRow{rows[inc.Priority], &r.Total} {
			if row == nil {
				continue // a priority outside P1–P5: only in the total
			}
			row.Incidents++
			row.Response.add(resp, respTime, hasRespTime)
			row.Resolve.add(res, resTime, hasResTime)
			count(row.Kinds, string(inc.Kind))
			count(row.Channels, string(inc.Channel))
			if inc.Assessment != "" {
				row.Assessed++
				if inc.Assessment == AssessmentReclassified {
					row.Reclassified++
				}
			}
		}
	}
	for i := range r.Rows {
		r.Rows[i].finish()
	}
	r.Total.finish()
	return r
}

func newRow(p Priority) SLAReportRow {
	row := SLAReportRow{Priority: p, Kinds: []SLACount{}, Channels: []SLACount{}}
	for _, k := range Kinds {
		row.Kinds = append(row.Kinds, SLACount{Key: string(k)})
	}
	for _, c := range Channels {
		row.Channels = append(row.Channels, SLACount{Key: string(c)})
	}
	return row
}

func count(cs []SLACount, key string) {
	for i := range cs {
		if cs[i].Key == key {
			cs[i].Count++
			return
		}
	}
}

func (m *SLAMeasure) add(o slaOutcome, d time.Duration, measured bool) {
	switch o {
	case outcomeMet:
		m.WithTarget++
		m.Met++
	case outcomeMissed:
		m.WithTarget++
		m.Missed++
	case outcomePending:
		m.WithTarget++
		m.Pending++
	}
	if measured {
		m.times = append(m.times, max(d, 0))
	}
}

func (row *SLAReportRow) finish() {
	row.Response.finish()
	row.Resolve.finish()
	row.ReclassifiedShare = share(row.Reclassified, row.Assessed)
}

func (m *SLAMeasure) finish() {
	m.MetShare = share(m.Met, m.Met+m.Missed)
	m.Measured = len(m.times)
	if len(m.times) == 0 {
		m.times = nil
		return
	}
	slices.Sort(m.times)
	var sum time.Duration
	for _, d := range m.times {
		sum += d
	}
	mean := int64(math.Round((sum / time.Duration(len(m.times))).Seconds()))
	rank := int(math.Ceil(0.9*float64(len(m.times)))) - 1
	p90 := int64(math.Round(m.times[rank].Seconds()))
	m.MeanSecond, m.P90Second = &mean, &p90
	m.times = nil
}

func share(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	s := float64(n) / float64(of)
	return &s
}

// between is the open time from a to b in k, or the wall-clock time without a clock.
func between(k *Clock, a, b time.Time) time.Duration {
	if k == nil {
		return b.Sub(a)
	}
	return k.Between(a, b)
}

func responseOutcome(inc Incident, k *Clock, now time.Time) (slaOutcome, time.Duration, bool) {
	var d time.Duration
	measured := inc.FirstResponseAt != nil
	if measured {
		d = between(k, inc.CreatedAt, *inc.FirstResponseAt)
	}
	due := inc.SLA.ResponseDue
	switch {
	case due == nil:
		return outcomeNone, d, measured
	case measured && !inc.FirstResponseAt.After(*due):
		return outcomeMet, d, measured
	case measured || now.After(*due):
		return outcomeMissed, d, measured
	}
	return outcomePending, d, measured
}

func resolveOutcome(inc Incident, k *Clock, targets map[Priority]Target, now time.Time) (slaOutcome, time.Duration, bool) {
	var d time.Duration
	measured := inc.ResolvedAt != nil
	if measured {
		d = between(k, inc.CreatedAt, *inc.ResolvedAt)
		if k != nil {
			d -= inc.SLA.Paused
		}
	}
	t, ok := targets[inc.Priority]
	if k == nil || inc.SLA.Calendar == "" || !ok || t.ResolutionMin <= 0 {
		return outcomeNone, d, measured
	}
	due := k.Add(inc.CreatedAt, minutes(t.ResolutionMin)+inc.SLA.Paused)
	switch {
	case measured:
		if inc.ResolvedAt.After(due) {
			return outcomeMissed, d, measured
		}
		return outcomeMet, d, measured
	case inc.SLA.PausedSince != nil:
		if inc.SLA.PausedSince.After(due) {
			return outcomeMissed, d, measured
		}
		return outcomePending, d, measured
	case now.After(due):
		return outcomeMissed, d, measured
	}
	return outcomePending, d, measured
}

// SLAReportCSVHeader is the header row of the report's CSV.
var SLAReportCSVHeader = func() []string {
	h := []string{"organisation_id", "month", "priority", "incidents"}
	for _, c := range []string{"first_response", "resolution"} {
		h = append(h, c+"_with_target", c+"_met", c+"_missed", c+"_pending", c+"_met_share",
			c+"_measured", c+"_mean_seconds", c+"_p90_seconds")
	}
	for _, k := range Kinds {
		h = append(h, "kind_"+string(k))
	}
	for _, c := range Channels {
		h = append(h, "channel_"+string(c))
	}
	return append(h, "assessed", "reclassified", "reclassified_share")
}()

// WriteCSV writes the report as CSV (UTF-8, comma-separated, a header row), one row per
// priority and a last row "total". Numbers are neutral: integers, and shares as a decimal
// fraction with a point and four decimals ("0.7500"); an empty cell where there is nothing
// to divide or measure.
func (r SLAReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SLAReportCSVHeader); err != nil {
		return err
	}
	for _, row := range append(slices.Clone(r.Rows), r.Total) {
		p := "total"
		if row.Priority != 0 {
			p = row.Priority.String()
		}
		rec := []string{strconv.FormatInt(r.OrgID, 10), r.Month, p, strconv.Itoa(row.Incidents)}
		for _, m := range []SLAMeasure{row.Response, row.Resolve} {
			rec = append(rec, strconv.Itoa(m.WithTarget), strconv.Itoa(m.Met), strconv.Itoa(m.Missed),
				strconv.Itoa(m.Pending), fraction(m.MetShare), strconv.Itoa(m.Measured), integer(m.MeanSecond), integer(m.P90Second))
		}
		for _, c := range row.Kinds {
			rec = append(rec, strconv.Itoa(c.Count))
		}
		for _, c := range row.Channels {
			rec = append(rec, strconv.Itoa(c.Count))
		}
		rec = append(rec, strconv.Itoa(row.Assessed), strconv.Itoa(row.Reclassified), fraction(row.ReclassifiedShare))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func fraction(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 4, 64)
}

func integer(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

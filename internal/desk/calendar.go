package desk

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultZone is the time zone of a calendar that names none: the desk serves Dutch clients.
const DefaultZone = "Europe/Amsterdam"

// Limits on a calendar, so a stored calendar stays small and every clock over it stays fast.
const (
	MaxSpansPerDay = 12   // open spans on one weekday
	MaxClosedDays  = 1000 // the provider's own closing days, past and future together
)

// Span is one stretch of opening hours on a weekday, in minutes since midnight of the wall
// clock of the calendar's zone: [Start, End), 0 ≤ Start < End ≤ 1440. Minutes are the
// granularity admins think in, and integers compare without time-zone surprises.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// String writes the span as "08:30-17:30", the form ParseSpan reads.
func (s Span) String() string { return hhmm(s.Start) + "-" + hhmm(s.End) }

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// ParseSpan reads "08:30-17:30" (an en dash also works; "24:00" is the end of the day), so
// forms and the command line share one spelling of opening hours. It checks the range and the
// order of the two ends.
func ParseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), "–", "-"), "-")
	if !ok {
		return Span{}, Errorf(EINVALID, "opening hours must look like 08:30-17:30")
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err1 != nil || err2 != nil {
		return Span{}, Errorf(EINVALID, "opening hours must look like 08:30-17:30")
	}
	sp := Span{start, end}
	if !sp.valid() {
		return Span{}, Errorf(EINVALID, "opening hours must start before they end, within one day")
	}
	return sp, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(m) != 2 || len(h) == 0 || len(h) > 2 {
		return 0, fmt.Errorf("not hh:mm")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("not hh:mm")
	}
	return hh*60 + mm, nil
}

func (s Span) valid() bool { return s.Start >= 0 && s.Start < s.End && s.End <= 24*60 }

// Calendar says when the SLA clocks run: always, or in weekly opening hours in a time zone,
// closed on the public holidays it names and on the provider's own closing days. A contract
// names one calendar for regular incidents and one for urgent ones.
type Calendar struct {
	// Slug identifies the calendar in contracts and URLs: "24x7", "business", or an admin's own.
	Slug string `json:"slug"`
	// Name is what pages show.
	Name string `json:"name"`
	// Zone is the IANA name of the zone whose wall clock the spans are read in; "" means
	// DefaultZone.
	Zone string `json:"zone"`
	// AlwaysOpen makes the clocks run around the clock; Week, Holidays and ClosedDays are then
	// kept but ignored, so switching 24/7 off again restores the hours an admin had set.
	AlwaysOpen bool `json:"always_open"`
	// Week holds the open spans of each weekday, indexed by time.Weekday (0 = Sunday), sorted
	// and not overlapping. A span that runs past midnight is two spans on two days.
	Week [7][]Span `json:"week"`
	// Holidays lists the codes (see Holidays.Codes) of the public holidays on which the
	// calendar is closed. The list is explicit: a new calendar starts from all Dutch holidays
	// (DutchHolidayCodes), and an empty list means that none apply, so every holiday can be
	// switched off.
	Holidays []string `json:"holidays"`
	// ClosedDays lists the provider's own closing days as dates, "2026-12-24", in the
	// calendar's zone.
	ClosedDays []string `json:"closed_days"`
}

// Holidays knows the public holidays a calendar can close on. The domain declares it so that
// it needs no holiday library; internal/holidays implements it. Implementations must be safe
// for concurrent use, since one Clock serves every request.
type Holidays interface {
	// Codes lists the stable codes of the known holidays, such as "koningsdag". Calendars
	// store these codes, so a code never changes meaning.
	Codes() []string
	// On returns the date the holiday falls on in year, after any move (Koningsdag is on
	// 26 April when 27 April is a Sunday); ok is false for an unknown code or a year in which
	// the holiday does not exist.
	On(code string, year int) (month time.Month, day int, ok bool)
}

// DutchHolidayCodes lists the codes of the Dutch public holidays in the order they fall in a
// year. They are the vocabulary stored in Calendar.Holidays; internal/holidays computes their
// dates. Easter Sunday and Whit Sunday are included so that a calendar open on Sundays can
// close on them.
func DutchHolidayCodes() []string {
	return []string{
		"nieuwjaarsdag",
		"goede_vrijdag",
		"eerste_paasdag",
		"tweede_paasdag",
		"koningsdag",
		"bevrijdingsdag",
		"hemelvaartsdag",
		"eerste_pinksterdag",
		"tweede_pinksterdag",
		"eerste_kerstdag",
		"tweede_kerstdag",
	}
}

// DefaultCalendars returns the two calendars every installation starts with: "24x7", which
// is always open (urgent reports are usually handled around the clock), and "business",
// Monday to Friday 08:30–17:30 in Europe/Amsterdam, closed on all Dutch public holidays.
func DefaultCalendars() []Calendar {
	office := []Span{{8*60 + 30, 17*60 + 30}}
	var week [7][]Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = slices.Clone(office)
	}
	return []Calendar{
		{Slug: string(Hours24x7), Name: "24/7", Zone: DefaultZone, AlwaysOpen: true},
		{Slug: string(HoursBusiness), Name: "Business hours (Monday–Friday 08:30–17:30)", Zone: DefaultZone,
			Week: week, Holidays: DutchHolidayCodes()},
	}
}

// ZoneName returns the zone the calendar's spans are read in, DefaultZone when none is set.
func (c *Calendar) ZoneName() string {
	if c.Zone == "" {
		return DefaultZone
	}
	return c.Zone
}

// Validate checks the calendar: a slug (derived from the name when empty), a name, a zone
// this machine can load, opening hours that are in range, sorted and not overlapping, at least
// one open span in the week unless it is always open, holiday codes that h knows (h may be nil
// when the calendar names none), and valid, distinct closing days. It trims the name.
func (c *Calendar) Validate(h Holidays) error {
	var v Validator
	c.Name = strings.TrimSpace(c.Name)
	v.Text("name", c.Name, true, MaxName, false)
	if c.Slug == "" && !v.Has("name") {
		c.Slug = Slugify(c.Name)
	}
	v.Slug("slug", c.Slug)
	c.check(&v, h, true)
	return v.Err()
}

// check adds the violations that make a calendar unusable for a clock; requireOpen adds the
// rule that the week has open time, which NewClock leaves to the clock's guard.
func (c *Calendar) check(v *Validator, h Holidays, requireOpen bool) {
	if c.Zone != "" {
		v.Text("zone", c.Zone, false, MaxSlug, false)
		if !v.Has("zone") {
			// "Local" would make deadlines depend on the machine that computes them.
			if _, err := time.LoadLocation(c.Zone); err != nil || c.Zone == "Local" {
				v.Add("zone", "zone", "must be a time zone such as %s", DefaultZone)
			}
		}
	}
	open, spanned := false, false
	for d, spans := range c.Week {
		spanned = spanned || len(spans) > 0
		day := time.Weekday(d).String()
		if len(spans) > MaxSpansPerDay {
			v.Add(fmt.Sprintf("week[%d]", d), "max_items", "%s: at most %d spans", day, MaxSpansPerDay)
			continue
		}
		for i, sp := range spans {
			f := fmt.Sprintf("week[%d][%d]", d, i)
			switch {
			case sp.Start < 0 || sp.Start >= 24*60 || sp.End <= 0 || sp.End > 24*60:
				v.Add(f, "range", "%s: hours must lie between 00:00 and 24:00", day)
			case sp.Start >= sp.End:
				v.Add(f, "order", "%s: %s must start before it ends", day, sp)
			case i > 0 && spans[i-1].valid() && sp.Start < spans[i-1].End:
				v.Add(f, "overlap", "%s: %s must start after %s ends, in order", day, sp, spans[i-1])
			default:
				open = true
			}
		}
	}
	if requireOpen && !c.AlwaysOpen && !open && !spanned {
		v.Add("week", "open", "must have opening hours on at least one day, or be always open")
	}
	var known []string
	if h != nil {
		known = h.Codes()
	}
	seen := map[string]bool{}
	for i, code := range c.Holidays {
		f := "holidays[" + itoa(i) + "]"
		switch {
		case len(known) == 0:
			v.Add(f, "one_of", "%q is not a known holiday; no holidays are known here", code)
		case !slices.Contains(known, code):
			v.Add(f, "one_of", "%q is not a known holiday; known: %s", code, strings.Join(known, ", "))
		case seen[code]:
			v.Add(f, "unique", "%s is given twice", code)
		}
		seen[code] = true
	}
	if len(c.ClosedDays) > MaxClosedDays {
		v.Add("closed_days", "max_items", "must list at most %d days (it has %d)", MaxClosedDays, len(c.ClosedDays))
		return
	}
	days := map[string]bool{}
	for i, s := range c.ClosedDays {
		f := "closed_days[" + itoa(i) + "]"
		if _, err := parseDate(s); err != nil {
			v.Add(f, "date", "must be a date such as 2026-12-24, between 1900 and 2999")
			continue
		}
		if days[s] {
			v.Add(f, "unique", "%s is given twice", s)
		}
		days[s] = true
	}
}

// parseDate reads "2006-01-02" strictly and returns the day number (days since 1970-01-01).
func parseDate(s string) (int64, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.Year() > 2999 {
		return 0, fmt.Errorf("not a date")
	}
	return daysFromCivil(t.Year(), t.Month(), t.Day()), nil
}

// daysFromCivil returns the number of days from 1970-01-01 to the date (H. Hinnant's
// algorithm), so the clock can step through days with integers instead of time.Date.
func daysFromCivil(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y int, m time.Month, d int) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	if mm <= 2 {
		yy++
	}
	return int(yy), time.Month(mm), int(dd)
}

// Never is the deadline Add returns when it gives up: far enough ahead that it sorts after
// every real deadline and never breaches, and representable in every database Meldpunt uses.
// Compare with Equal.
var Never = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// The guards that keep a bad calendar from stalling a request. Validation refuses a calendar
// without open time, but a clock must stop even over one that was never validated, or over a
// run of closing days: Add returns Never, and Between stops counting, once it has walked
// MaxClosedStretch without open time or MaxHorizon past its start.
const (
	MaxClosedStretch = 5 * 366 * 24 * time.Hour
	MaxHorizon       = 100 * 366 * 24 * time.Hour
)

// secSpan is a Span in seconds since midnight, ready for integer arithmetic.
type secSpan struct{ start, end int64 }

// Clock counts open time in one calendar. Build it with NewClock, once per calendar: it
// loads the zone and prepares the weekly hours, and it caches each year's closed days on first
// use. It reads no clock and does no I/O, and it is safe for concurrent use.
//
// Open time is elapsed time: a span is read on the wall clock of the calendar's zone, and
// every instant whose wall-clock time lies in an open span of its day counts once, however
// long that takes in real time. On the night of a daylight-saving change a 00:00–24:00 day
// therefore holds 23 hours (the last Sunday of March in Europe) or 25 hours (the last Sunday
// of October, when 02:00–03:00 is passed twice), a span that starts inside the skipped hour
// opens when the clocks reach its start or jump past it, and a target of 4 hours is 4 real
// hours also across the change. The always-open calendar simply adds durations.
type Clock struct {
	slug   string
	loc    *time.Location
	always bool
	never  bool // no open span on any weekday
	week   [7][]secSpan
	codes  []string
	h      Holidays
	closed map[int][]int64 // the provider's closing days by year, as day numbers
	years  sync.Map        // year → *yearSet, filled on first use
}

// yearSet marks the closed days (holidays and closing days) of one year, by day of the year.
type yearSet struct {
	first int64 // day number of 1 January
	days  int64 // 365 or 366
	bits  [6]uint64
}

func (y *yearSet) has(i int64) bool { return y.bits[i>>6]&(1<<(i&63)) != 0 }

// NewClock prepares a clock over c, with h telling the dates of the holidays c names (h may
// be nil when it names none). It refuses what would make the arithmetic wrong — a zone that
// does not load, spans out of range or order, unknown holiday codes, malformed closing days —
// with the same field errors as Calendar.Validate, but it accepts a week without open time:
// the clock's guards handle that.
func NewClock(c Calendar, h Holidays) (*Clock, error) {
	var v Validator
	c.check(&v, h, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(c.ZoneName())
	if err != nil {
		return nil, err
	}
	k := &Clock{slug: c.Slug, loc: loc, always: c.AlwaysOpen, h: h, closed: map[int][]int64{}}
	if k.always {
		return k, nil
	}
	k.never = true
	for d, spans := range c.Week {
		for _, sp := range spans {
			s := secSpan{int64(sp.Start) * 60, int64(sp.End) * 60}
			if n := len(k.week[d]); n > 0 && s.start <= k.week[d][n-1].end {
				k.week[d][n-1].end = max(k.week[d][n-1].end, s.end) // touching spans count as one
				continue
			}
			k.week[d] = append(k.week[d], s)
			k.never = false
		}
	}
	k.codes = slices.Clone(c.Holidays)
	for _, s := range c.ClosedDays {
		n, _ := parseDate(s) // checked above
		y, _, _ := civilFromDays(n)
		k.closed[y] = append(k.closed[y], n)
	}
	return k, nil
}

// Slug returns the slug of the calendar the clock counts in, which an SLA records.
func (k *Clock) Slug() string { return k.slug }

// Location returns the calendar's zone, for showing deadlines in the hours they count in.
func (k *Clock) Location() *time.Location { return k.loc }

// year returns the closed days of year y, computing them on first use.
func (k *Clock) year(y int) *yearSet {
	if v, ok := k.years.Load(y); ok {
		return v.(*yearSet)
	}
	ys := &yearSet{first: daysFromCivil(y, time.January, 1)}
	ys.days = daysFromCivil(y+1, time.January, 1) - ys.first
	mark := func(n int64) {
		if i := n - ys.first; i >= 0 && i < ys.days {
			ys.bits[i>>6] |= 1 << (i & 63)
		}
	}
	for _, code := range k.codes {
		if m, d, ok := k.h.On(code, y); ok {
			mark(daysFromCivil(y, m, d))
		}
	}
	for _, n := range k.closed[y] {
		mark(n)
	}
	v, _ := k.years.LoadOrStore(y, ys)
	return v.(*yearSet)
}

// closedOn tells whether day number n is a holiday or closing day; ys caches the year last
// looked at, so a walk over days consults the cache once a year.
func (k *Clock) closedOn(n int64, ys **yearSet) bool {
	if y := *ys; y == nil || n < y.first || n >= y.first+y.days {
		yr, _, _ := civilFromDays(n)
		*ys = k.year(yr)
	}
	return (*ys).has(n - (*ys).first)
}

// weekday returns the weekday of day number n (1970-01-01 was a Thursday).
func weekday(n int64) int {
	w := (n + 4) % 7
	if w < 0 {
		w += 7
	}
	return int(w)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Open tells whether the clocks run at t.
func (k *Clock) Open(t time.Time) bool {
	if k.always {
		return true
	}
	return k.openAt(t.Unix())
}

// openAt is Open for a Unix second; every instant within one second is equally open, since
// spans start and end on whole minutes of a zone whose offsets are whole seconds.
func (k *Clock) openAt(sec int64) bool {
	if k.never {
		return false
	}
	_, off := time.Unix(sec, 0).In(k.loc).Zone()
	w := sec + int64(off)
	n := floorDiv(w, 86400)
	var ys *yearSet
	if k.closedOn(n, &ys) {
		return false
	}
	s := w - n*86400
	for _, sp := range k.week[weekday(n)] {
		if s >= sp.start && s < sp.end {
			return true
		}
	}
	return false
}

// zoneSeg is a stretch of time in which the zone's offset does not change.
type zoneSeg struct{ end, off int64 }

// segment returns the offset in force at Unix second sec and when it ends.
func (k *Clock) segment(sec int64) zoneSeg {
	t := time.Unix(sec, 0).In(k.loc)
	_, off := t.Zone()
	_, end := t.ZoneBounds()
	e := int64(math.MaxInt64) // the zone goes on forever
	if !end.IsZero() {
		e = end.Unix()
	}
	if e <= sec {
		e = sec + 86400 // cannot happen; keeps the walk moving if it did
	}
	return zoneSeg{e, int64(off)}
}

// walk calls yield with the open intervals [a, b), in Unix seconds, that end after from, in
// order, the first one clipped to start no earlier than from, until yield returns false. It
// steps per day over the spans, and per stretch of constant offset, so it visits each instant
// once whatever the daylight-saving changes do to the wall clock. It returns false when it
// gives up (see MaxClosedStretch and MaxHorizon).
func (k *Clock) walk(from int64, yield func(a, b int64) bool) bool {
	if k.never {
		return false
	}
	horizon := from + int64(MaxHorizon/time.Second)
	stretch := int64(MaxClosedStretch / time.Second)
	last := from // end of the last open interval, for the closed-stretch guard
	var ys *yearSet
	for cur := from; ; {
		seg := k.segment(cur)
		for n := floorDiv(cur+seg.off, 86400); ; n++ {
			day := n*86400 - seg.off // the instant of the day's midnight at this offset
			if day > horizon || day-last > stretch {
				return false
			}
			if day >= seg.end {
				break
			}
			if k.closedOn(n, &ys) {
				continue
			}
			for _, sp := range k.week[weekday(n)] {
				a, b := day+sp.start, day+sp.end
				if b <= cur {
					continue
				}
				if a >= seg.end {
					break
				}
				a, b = max(a, cur), min(b, seg.end)
				last = b
				if !yield(a, b) {
					return true
				}
			}
		}
		cur = seg.end
	}
}

// Add returns the instant at which d of open time has passed since from: counting starts at
// from when the calendar is open then, else at its next opening, and a deadline that uses up
// a span exactly falls on the span's end (Friday 17:30, not Monday 08:30). A d of zero or less
// gives from's next open instant. The result is in from's location. When no such instant lies
// within MaxHorizon, or the calendar stays closed for MaxClosedStretch on the way, Add
// returns Never instead of searching on.
func (k *Clock) Add(from time.Time, d time.Duration) time.Time {
	d = max(d, 0)
	if k.always {
		return from.Add(d)
	}
	if d > MaxHorizon {
		return Never
	}
	fs := from.Unix()
	rem, first, found := d, true, false
	var at time.Time
	k.walk(fs, func(a, b int64) bool {
		if first && a == fs {
			rem += time.Duration(from.Nanosecond()) // count from from, not from its whole second
		}
		first = false
		if n := time.Duration(b-a) * time.Second; rem > n {
			rem -= n
			return true
		}
		at, found = time.Unix(a, 0).Add(rem), true
		return false
	})
	if !found {
		return Never
	}
	return at.In(from.Location())
}

// Between returns the open time from from to to, zero when to is not after from. It is the
// inverse of Add: Between(from, Add(from, d)) == d. It counts at most MaxHorizon past from,
// and stops after MaxClosedStretch without open time.
func (k *Clock) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if k.always {
		return to.Sub(from)
	}
	if to.Sub(from) > MaxHorizon {
		to = from.Add(MaxHorizon)
	}
	fs, ts := from.Unix(), to.Unix()
	var total int64
	fromOpen := false
	k.walk(fs, func(a, b int64) bool {
		fromOpen = fromOpen || a == fs
		if a >= ts {
			return false
		}
		total += min(b, ts) - a
		return true
	})
	// total counts whole seconds from fs to ts; correct for the fractions of from and to.
	d := time.Duration(total) * time.Second
	if fromOpen {
		d -= time.Duration(from.Nanosecond())
	}
	if k.openAt(ts) {
		d += time.Duration(to.Nanosecond())
	}
	return d
}

// NoHolidays knows no public holidays: calendars that name holidays close on none of them.
// A Meldpunt that knows its country's holidays is given them (cmd gives the Dutch ones).
type NoHolidays struct{}

// Codes lists no holidays.
func (NoHolidays) Codes() []string { return nil }

// On knows no holiday.
func (NoHolidays) On(string, int) (time.Month, int, bool) { return 0, 0, false }

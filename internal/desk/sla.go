package desk

import "time"

// DefaultWarnShare is the share of a target after which the owner and the assignee are
// warned, when the configuration gives none: at 75 % there is still a quarter left to act.
const DefaultWarnShare = 0.75

// SLA holds an incident's two clocks as stored, so that lists can sort and filter on the
// deadlines without recomputing them. Deadlines are instants in UTC; a deadline that the
// calendar can never reach is Never.
//
// The first-response clock runs from registration and never pauses; it stops at the first
// reply the client can see, which the caller records: from then on it no longer consults
// ResponseDue. The resolution clock pauses while the incident waits (on the client or a third
// party) and while a solution awaits the client's confirmation, and runs on when the client
// rejects it. Both count in the calendar named by Calendar.
type SLA struct {
	// Calendar is the slug of the calendar the deadlines were computed in.
	Calendar string `json:"calendar"`
	// ResponseDue is the first-response deadline; nil when no target applies.
	ResponseDue *time.Time `json:"response_due,omitempty"`
	// ResponseWarn is when the warning share of the first-response target is used up.
	ResponseWarn *time.Time `json:"response_warn,omitempty"`
	// ResolveDue is the resolution deadline; nil while the clock is paused or stopped, or
	// when no target applies.
	ResolveDue *time.Time `json:"resolve_due,omitempty"`
	// ResolveWarn is when the warning share of the resolution target is used up; nil with
	// ResolveDue.
	ResolveWarn *time.Time `json:"resolve_warn,omitempty"`
	// Paused is the open time during which the resolution clock was paused, summed over the
	// pauses that have ended. It is what moves ResolveDue past its first value, and what a
	// change of priority keeps.
	Paused time.Duration `json:"paused_ns"`
	// PausedSince is when the current pause began; nil while the clock runs.
	PausedSince *time.Time `json:"paused_since,omitempty"`
}

// StartSLA starts both clocks of an incident registered at registered, with the targets of
// its priority, counted in k's calendar. Each deadline gets a warning at warnShare of its
// target's open time (DefaultWarnShare when warnShare is not in (0, 1]). A target of zero
// minutes or less means no promise: its deadline stays nil.
func StartSLA(k *Clock, registered time.Time, t Target, warnShare float64) SLA {
	return SLA{}.Retarget(k, registered, t, warnShare)
}

// Pause stops the resolution clock at now, because the incident waits on the client or a
// third party, or because a solution awaits confirmation. The resolution deadlines become nil
// until Resume. Pausing a paused clock changes nothing.
func (s SLA) Pause(now time.Time) SLA {
	if s.PausedSince != nil {
		return s
	}
	at := now.UTC()
	s.PausedSince = &at
	s.ResolveDue, s.ResolveWarn = nil, nil
	return s
}

// Resume restarts the resolution clock at now: when work goes on after waiting, or when the
// client rejects a solution. The open time of the pause is added to Paused, and the deadlines
// are recomputed from the registration time as target + Paused of open time, with t the
// targets of the current priority.
//
// A pause that began after the resolution deadline had passed is not added: waiting cannot
// undo a breach. Resuming a clock that is not paused only recomputes the deadlines.
func (s SLA) Resume(k *Clock, registered time.Time, t Target, warnShare float64, now time.Time) SLA {
	if s.PausedSince != nil {
		since, target := *s.PausedSince, minutes(t.ResolutionMin)
		if target <= 0 || since.Before(k.Add(registered, target+s.Paused)) {
			s.Paused += k.Between(since, now)
		}
		s.PausedSince = nil
	}
	return s.Retarget(k, registered, t, warnShare)
}

// Retarget recomputes both clocks from the registration time for new targets, after a change
// of priority: the new deadlines are where they would have been had the incident had this
// priority from the start, with the paused time kept. A paused clock stays paused. The first-
// response deadline is recomputed too; once the first reply has been sent, the caller ignores
// it. Paused is open time of the calendar that measured it; when k counts in another calendar,
// it carries over as a duration.
func (s SLA) Retarget(k *Clock, registered time.Time, t Target, warnShare float64) SLA {
	s.Calendar = k.Slug()
	s.ResponseDue, s.ResponseWarn = deadlines(k, registered, minutes(t.FirstResponseMin), 0, warnShare)
	s.ResolveDue, s.ResolveWarn = nil, nil
	if s.PausedSince == nil {
		s.ResolveDue, s.ResolveWarn = deadlines(k, registered, minutes(t.ResolutionMin), s.Paused, warnShare)
	}
	return s
}

// ResponseBreached tells whether the first-response deadline has passed at now. It means
// something only while no reply has been visible to the client.
func (s SLA) ResponseBreached(now time.Time) bool { return breached(s.ResponseDue, now) }

// ResolveBreached tells whether the resolution deadline has passed at now; never while paused.
func (s SLA) ResolveBreached(now time.Time) bool { return breached(s.ResolveDue, now) }

// ResponseRemaining returns the real time left until the first-response deadline at now,
// negative once it has passed, for countdowns and sorting; ok is false without a deadline.
func (s SLA) ResponseRemaining(now time.Time) (left time.Duration, ok bool) {
	return remaining(s.ResponseDue, now)
}

// ResolveRemaining is ResponseRemaining for the resolution deadline; ok is false while the
// clock is paused or no target applies.
func (s SLA) ResolveRemaining(now time.Time) (left time.Duration, ok bool) {
	return remaining(s.ResolveDue, now)
}

// breached tells whether due has passed at now. A deadline is met at the instant itself, as
// the target is then used up exactly.
func breached(due *time.Time, now time.Time) bool { return due != nil && now.After(*due) }

func remaining(due *time.Time, now time.Time) (time.Duration, bool) {
	if due == nil {
		return 0, false
	}
	return due.Sub(now), true
}

// deadlines returns the deadline and the warning for a target of open time counted from
// registered, after paused of open time during which the clock stood still.
func deadlines(k *Clock, registered time.Time, target, paused time.Duration, share float64) (due, warn *time.Time) {
	if target <= 0 {
		return nil, nil
	}
	if !(share > 0 && share <= 1) { // also NaN
		share = DefaultWarnShare
	}
	d := k.Add(registered, target+paused).UTC()
	w := k.Add(registered, time.Duration(share*float64(target)).Round(time.Second)+paused).UTC()
	return &d, &w
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// SLAMark is one warning or breach of an incident's clocks that the SLA job handles once:
// it sets the incident's flag of that name, and only the instance whose update set it sends
// the notifications.
type SLAMark string

// The four marks, in the order a clock reaches them.
const (
	MarkResponseWarning SLAMark = "response_warning" // ResponseWarn passed, no reply yet
	MarkResponseBreach  SLAMark = "response_breach"  // ResponseDue passed, no reply yet
	MarkResolveWarning  SLAMark = "resolve_warning"  // ResolveWarn passed, clock running
	MarkResolveBreach   SLAMark = "resolve_breach"   // ResolveDue passed, clock running
)

// SLAMarks lists every mark.
var SLAMarks = []SLAMark{MarkResponseWarning, MarkResponseBreach, MarkResolveWarning, MarkResolveBreach}

// Breach tells a breach from a warning.
func (m SLAMark) Breach() bool { return m == MarkResponseBreach || m == MarkResolveBreach }

// Clock names the clock the mark belongs to: "response" or "resolve".
func (m SLAMark) Clock() string {
	if m == MarkResponseWarning || m == MarkResponseBreach {
		return "response"
	}
	return "resolve"
}

// Notification kinds and timeline events of the SLA job.
const (
	NotifySLAWarning = "sla_warning" // to the owner and the assignee
	NotifySLABreach  = "sla_breach"  // to the owner, the assignee and the desk's coordinators

	EventResponseBreached = "sla_response_breached"
	EventResolveBreached  = "sla_resolve_breached"
)

// Due tells whether mark m of the incident is due at now and not yet handled: its time
// has passed (a warning at its instant, a breach after it, as ResolveBreached says), the
// incident is open, and the clock runs (the response clock until the first reply, the
// resolution clock while not paused).
func (in *Incident) Due(m SLAMark, now time.Time) bool {
	if !in.State.Open() {
		return false
	}
	s := in.SLA
	switch m {
	case MarkResponseWarning:
		return in.FirstResponseAt == nil && !in.ResponseWarned && s.ResponseWarn != nil && !now.Before(*s.ResponseWarn)
	case MarkResponseBreach:
		return in.FirstResponseAt == nil && !in.ResponseBreached && breached(s.ResponseDue, now)
	case MarkResolveWarning:
		return s.PausedSince == nil && !in.ResolveWarned && s.ResolveWarn != nil && !now.Before(*s.ResolveWarn)
	case MarkResolveBreach:
		return s.PausedSince == nil && !in.ResolveBreached && breached(s.ResolveDue, now)
	}
	return false
}

// QueueDue is the instant the console's queue sorts an open incident by: its resolution
// deadline, or Never while the clock is paused or has no deadline.
func (in *Incident) QueueDue() time.Time {
	if in.SLA.ResolveDue == nil {
		return Never
	}
	return *in.SLA.ResolveDue
}

// ClearMarks forgets the warnings and breaches whose deadline now lies after now again,
// after the deadlines moved (a change of priority or kind, a resumed clock): they are
// handled again when the new time comes. A paused clock (no deadline) keeps its flags, and
// so does the response clock once the first reply was sent.
func (in *Incident) ClearMarks(now time.Time) {
	later := func(t *time.Time) bool { return t != nil && t.After(now) }
	if in.FirstResponseAt == nil {
		if later(in.SLA.ResponseWarn) {
			in.ResponseWarned = false
		}
		if later(in.SLA.ResponseDue) {
			in.ResponseBreached = false
		}
	}
	if later(in.SLA.ResolveWarn) {
		in.ResolveWarned = false
	}
	if later(in.SLA.ResolveDue) {
		in.ResolveBreached = false
	}
}

package desk

import (
	"fmt"
	"strings"
	"time"
)

// Supplier is an external party the desk hands an incident to (a hosting company, a
// software vendor), with whom to contact. Suppliers are the provider's: clients never see
// them.
type Supplier struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContactName string    `json:"contact_name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Notes       string    `json:"notes"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MaxPhone is the longest phone number a supplier may have.
const MaxPhone = 50

// Validate checks a supplier's fields; every bad one is named.
func (s *Supplier) Validate() error {
	var v Validator
	s.Name = strings.TrimSpace(s.Name)
	s.ContactName = strings.TrimSpace(s.ContactName)
	s.Email = strings.TrimSpace(s.Email)
	s.Phone = strings.TrimSpace(s.Phone)
	v.Text("name", s.Name, true, MaxName, false)
	v.Text("contact_name", s.ContactName, false, MaxName, false)
	if s.Email != "" {
		v.Email("email", s.Email)
	}
	v.Text("phone", s.Phone, false, MaxPhone, false)
	if !v.Has("phone") {
		for _, r := range s.Phone {
			if !strings.ContainsRune("0123456789+-() ./", r) {
				v.Add("phone", "phone", "must be a phone number: digits, spaces and + - ( ) . /")
				break
			}
		}
	}
	v.Text("notes", s.Notes, false, MaxText, true)
	return v.Err()
}

// StaleAfter says, per priority, how long an open incident may go without an update before
// it counts as stale and its owner is reminded: wall-clock time, not open time.
type StaleAfter map[Priority]time.Duration

// DefaultStaleAfter is P1 1 hour, P2 4 hours, P3 1 day, P4 3 days, P5 7 days.
func DefaultStaleAfter() StaleAfter {
	return StaleAfter{P1: time.Hour, P2: 4 * time.Hour, P3: 24 * time.Hour, P4: 72 * time.Hour, P5: 168 * time.Hour}
}

// MaxStaleAfter is the longest stale time a priority may have: 90 days.
const MaxStaleAfter = 90 * 24 * time.Hour

// Validate checks that every priority has a stale time of one minute to 90 days, in whole
// minutes.
func (s StaleAfter) Validate() error {
	var v Validator
	for _, p := range Priorities {
		d, ok := s[p]
		f := "minutes." + p.String()
		switch {
		case !ok:
			v.Add(f, "required", "is required")
		case d < time.Minute || d > MaxStaleAfter || d%time.Minute != 0:
			v.Add(f, "range", "must be a whole number of minutes from 1 to %d", int(MaxStaleAfter/time.Minute))
		}
	}
	for p := range s {
		if !p.Valid() {
			v.Add("minutes", "priority", "names an unknown priority %s", fmt.Sprint(int(p)))
		}
	}
	return v.Err()
}

// Stale tells whether the incident has had no update for longer than its priority's stale
// time at now. Only incidents the desk still works count: not resolved (awaiting the
// client's confirmation) and not closed.
func (in *Incident) Stale(s StaleAfter, now time.Time) bool {
	d, ok := s[in.Priority]
	return ok && in.Watched() && now.Sub(in.UpdatedAt) > d
}

// FollowUpPassed tells whether the incident's follow-up date has passed at now while the
// desk still works it.
func (in *Incident) FollowUpPassed(now time.Time) bool {
	return in.FollowUpAt != nil && in.Watched() && !now.Before(*in.FollowUpAt)
}

// Watched tells whether the desk watches the incident's progress (step 6): it is neither
// resolved nor closed.
func (in *Incident) Watched() bool {
	return in.State != StateResolved && in.State != StateClosed
}

// Notification kinds and timeline events of external parties and reminders.
const (
	NotifyFollowUp = "follow_up_due"  // to the owner: the follow-up date has passed
	NotifyStale    = "incident_stale" // to the owner: no update for the priority's stale time

	EventForwarded = "forwarded" // supplier ("text:" name or "none:"), follow-up ("time:" RFC 3339 or "none:")
)

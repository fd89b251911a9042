package desk

import (
	"strings"
	"time"
)

// OrgKind tells the provider from its clients.
type OrgKind string

// There is one provider per installation and any number of clients.
const (
	OrgProvider OrgKind = "provider"
	OrgClient   OrgKind = "client"
)

// Organisation is the provider or one of its clients.
type Organisation struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Kind      OrgKind   `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the organisation's fields.
func (o *Organisation) Validate() error {
	var v Validator
	o.Name = strings.TrimSpace(o.Name)
	v.Text("name", o.Name, true, MaxName, false)
	if o.Slug == "" && !v.Has("name") {
		o.Slug = Slugify(o.Name)
	}
	v.Slug("slug", o.Slug)
	v.OneOf("kind", string(o.Kind), true, []string{string(OrgProvider), string(OrgClient)})
	return v.Err()
}

// SupportHours names, by its slug, the calendar a contract's clocks count in: one of the
// built-in calendars (DefaultCalendars) or one an admin stored. The domain checks that it is
// a slug; the app checks that such a calendar exists.
type SupportHours string

// The slugs of the built-in calendars.
const (
	Hours24x7     SupportHours = "24x7"
	HoursBusiness SupportHours = "business" // Monday–Friday 08:30–17:30 Europe/Amsterdam
)

// Target is the promise for one priority, in minutes of the contract's calendar.
type Target struct {
	Priority         Priority `json:"priority"`
	FirstResponseMin int      `json:"first_response_minutes"`
	ResolutionMin    int      `json:"resolution_minutes"`
}

// Contract is a client organisation's service agreement.
type Contract struct {
	ID             int64        `json:"id"`
	OrgID          int64        `json:"organisation_id"`
	Name           string       `json:"name"`
	SupportHours   SupportHours `json:"support_hours"`
	UrgentHours    SupportHours `json:"urgent_support_hours"`
	CoversUrgent   bool         `json:"covers_urgent"`
	AutoCloseHours int          `json:"auto_close_hours"`
	Targets        []Target     `json:"targets"`
	Active         bool         `json:"active"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// DefaultTargets are the targets a new contract starts from: P1 answers within 30 minutes
// and is solved in 4 hours, down to P5 (planning) at 5 days and 20 days.
func DefaultTargets() []Target {
	return []Target{
		{P1, 30, 4 * 60},
		{P2, 60, 8 * 60},
		{P3, 4 * 60, 3 * 24 * 60},
		{P4, 8 * 60, 5 * 24 * 60},
		{P5, 5 * 24 * 60, 20 * 24 * 60},
	}
}

// Normalize fills defaults for omitted fields.
func (c *Contract) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	if c.SupportHours == "" {
		c.SupportHours = HoursBusiness
	}
	if c.UrgentHours == "" {
		c.UrgentHours = Hours24x7
	}
	if c.AutoCloseHours == 0 {
		c.AutoCloseHours = 24
	}
	if len(c.Targets) == 0 {
		c.Targets = DefaultTargets()
	}
}

// Validate checks the contract: calendars named by slug, one target per priority, each
// resolution no shorter than its first response. Whether the calendars exist is for the
// caller to check, since admins store their own.
func (c *Contract) Validate() error {
	var v Validator
	v.Text("name", c.Name, true, MaxName, false)
	v.Slug("support_hours", string(c.SupportHours))
	v.Slug("urgent_support_hours", string(c.UrgentHours))
	v.Range("auto_close_hours", int64(c.AutoCloseHours), 1, 24*30)
	seen := map[Priority]bool{}
	for i, t := range c.Targets {
		f := "targets[" + itoa(i) + "]"
		if !t.Priority.Valid() {
			v.Add(f+".priority", "one_of", "must be one of: P1, P2, P3, P4, P5")
			continue
		}
		if seen[t.Priority] {
			v.Add(f+".priority", "unique", "%s is given twice", t.Priority)
		}
		seen[t.Priority] = true
		v.Range(f+".first_response_minutes", int64(t.FirstResponseMin), 1, 365*24*60)
		v.Range(f+".resolution_minutes", int64(t.ResolutionMin), 1, 365*24*60)
		if t.ResolutionMin < t.FirstResponseMin {
			v.Add(f+".resolution_minutes", "min", "must not be shorter than the first response (%d minutes)", t.FirstResponseMin)
		}
	}
	for _, p := range Priorities {
		if !seen[p] {
			v.Add("targets", "complete", "must give a target for every priority; %s is missing", p)
			break
		}
	}
	return v.Err()
}

// TargetFor returns the target for a priority.
func (c *Contract) TargetFor(p Priority) (Target, bool) {
	for _, t := range c.Targets {
		if t.Priority == p {
			return t, true
		}
	}
	return Target{}, false
}

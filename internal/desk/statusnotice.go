package desk

import "time"

// StatusNotice is one message of the public status page to the people who follow it: a
// public incident was opened, updated or resolved or got its postmortem, or a maintenance
// was scheduled, is about to start, started or completed (issue 11). It is made once, in the
// transaction that publishes the change, and the app turns it into outbox rows for every
// channel that follows the page (email subscribers, webhook endpoints, the linked tickets'
// reporters), so a subscriber hears of each update exactly once.
type StatusNotice struct {
	Kind StatusNoticeKind
	// PublicIncidentID is the public incident or maintenance; UpdateID the update the
	// notice is about (0 for a reminder before a maintenance starts).
	PublicIncidentID int64
	UpdateID         int64
	// Name is the incident's or maintenance's name, Body the update's message (Markdown
	// source), each in Dutch and English; an empty text falls back to the other language.
	Name Texts
	Body Texts
	// Status is the incident's status after the change (investigating … postmortem, or
	// scheduled … completed for a maintenance); Impact its impact (none … critical).
	Status string
	Impact string
	// ComponentIDs are the public components it affects: a subscriber to chosen components
	// hears of it when any of them is among these.
	ComponentIDs []int64
	// At is when it happened; for a maintenance, StartsAt and EndsAt are its window.
	At       time.Time
	StartsAt *time.Time
	EndsAt   *time.Time
}

// StatusNoticeKind says what a StatusNotice tells.
type StatusNoticeKind string

// The kinds of status notices; they double as the webhook event types of the status page.
const (
	NoticeIncidentCreated      StatusNoticeKind = "status.incident.created"
	NoticeIncidentUpdated      StatusNoticeKind = "status.incident.updated"
	NoticeIncidentResolved     StatusNoticeKind = "status.incident.resolved"
	NoticeIncidentPostmortem   StatusNoticeKind = "status.incident.postmortem"
	NoticeMaintenanceScheduled StatusNoticeKind = "status.maintenance.scheduled"
	NoticeMaintenanceReminder  StatusNoticeKind = "status.maintenance.reminder"
	NoticeMaintenanceStarted   StatusNoticeKind = "status.maintenance.started"
	NoticeMaintenanceCompleted StatusNoticeKind = "status.maintenance.completed"
)

// Texts is a text in Dutch and English.
type Texts struct {
	NL string `json:"nl"`
	EN string `json:"en"`
}

// In returns the text in locale l, falling back to the other language when it is empty.
func (t Texts) In(l Locale) string {
	if l == LocaleEN {
		if t.EN != "" {
			return t.EN
		}
		return t.NL
	}
	if t.NL != "" {
		return t.NL
	}
	return t.EN
}

package desk

import (
	"slices"
	"time"
)

// Notification is a message in the outbox, written in the same transaction as the change
// that causes it; the delivery job sends it by its channel (docs/email.md,
// docs/webhooks.md). An email goes to a user (UserID) or to an address without an account
// (ToEmail, ToName, Locale); a webhook or chat message goes to an endpoint (EndpointID).
// Payload is JSON with what the message says: for an email its keys per kind are listed
// with the kinds below; for a webhook it is the whole event as it is posted.
type Notification struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Via        Via       `json:"via"`
	UserID     int64     `json:"user_id,omitempty"`
	ToEmail    string    `json:"to_email,omitempty"`
	ToName     string    `json:"to_name,omitempty"`
	Locale     Locale    `json:"locale,omitempty"`
	EndpointID int64     `json:"endpoint_id,omitempty"`
	IncidentID *int64    `json:"incident_id"`
	Payload    string    `json:"payload"`
	CreatedAt  time.Time `json:"created_at"`

	// Delivery: how far the outbox got with it.
	State         DeliveryState `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt_at"`
	LastError     string        `json:"last_error"`
	SentAt        *time.Time    `json:"sent_at"`
	// Location is where the message went: "smtp://host:port" or the .eml file's path.
	Location string `json:"location"`
}

// Via is the channel a notification goes by.
type Via string

// The channels: email (SMTP, or .eml files without a server), a webhook endpoint (a signed
// JSON event, Standard Webhooks) and a chat webhook (a Slack-compatible message).
const (
	ViaEmail   Via = "email"
	ViaWebhook Via = "webhook"
	ViaChat    Via = "chat"
)

// Vias lists every channel.
var Vias = []Via{ViaEmail, ViaWebhook, ViaChat}

// DeliveryState is where a notification is in the outbox.
type DeliveryState string

// Delivery states. A pending message is due at NextAttemptAt; a failed one was set aside
// after the configured number of attempts and waits for an admin's retry; a skipped one was
// not sent because the recipient switched its kind off, has no active account, or has no
// email address.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
	DeliverySkipped DeliveryState = "skipped"
)

// DeliveryStates lists every state.
var DeliveryStates = []DeliveryState{DeliveryPending, DeliverySent, DeliveryFailed, DeliverySkipped}

// Delivery is what one attempt settles on a leased notification.
type Delivery struct {
	State         DeliveryState
	Attempts      int
	NextAttemptAt time.Time // when State is pending: the next attempt
	LastError     string
	SentAt        *time.Time
	Location      string
	// Attempt records the attempt that led here; nil when nothing was sent (a message
	// skipped, or one that could not be composed).
	Attempt *Attempt
}

// Attempt is one try to deliver a notification: when, how long it took, the HTTP status a
// webhook answered (0 for email), the error, and where the message went.
type Attempt struct {
	ID             int64         `json:"id"`
	NotificationID int64         `json:"notification_id"`
	At             time.Time     `json:"at"`
	Duration       time.Duration `json:"-"`
	DurationMS     int64         `json:"duration_ms"`
	StatusCode     int           `json:"status_code,omitempty"`
	Error          string        `json:"error,omitempty"`
	Location       string        `json:"location,omitempty"`
}

// OutboxFilter selects notifications for the outbox page: by state and channel (empty:
// all), by webhook endpoint (0: all), newest first, before the cursor id (0: from the
// newest). With After set (and Before 0) it lists the notifications above that cursor
// instead, oldest first: how the outbox page finds its newer page.
type OutboxFilter struct {
	State      DeliveryState
	Via        Via
	EndpointID int64
	Before     int64
	After      int64
	Limit      int
}

// Notification kinds, with the keys of their payload. Every payload has "number" and
// "title" of the incident.
const (
	// To the client (the reporter).
	NotifyReportReceived = "report_received" // verdict, priority, contract (app.Promise or null)
	// assessment: "assessment" (approved|regular) and "reason"; or, when the desk changed
	// the classification, "urgency", "impact", "priority" and "reason".
	NotifyAssessment = "assessment"
	NotifyUpdate     = "incident_update" // a public update: "by", "body", and "from"/"to" states on a state change
	NotifyWaiting    = "waiting_for_you" // the desk waits for the client: "by", "body"
	// NotifySolution carries "solution", "solution_kind" (temporary|structural),
	// "auto_close_at" (RFC 3339) and "hours"; the message adds Confirm and Reject links.
	NotifySolution   = "solution"
	NotifyClosed     = "closed"      // closed by a person: "by", "confirmed" (bool: the client confirmed), "reason"
	NotifyAutoClosed = "auto_closed" // closed without a reaction: "hours", "reason"

	// To staff.
	NotifyNewReport   = "new_report"   // to agents and admins: "organisation", "verdict", "priority", "needs_assessment" (bool)
	NotifyAssigned    = "assigned"     // to the new owner or assignee: "role" (owner|assignee), "by"
	NotifyClientReply = "client_reply" // to the owner and the assignee: "by", "body"
	// NotifySolutionRejected goes to the owner when the client rejects a solution or replies
	// to a resolved incident: "reason", "by".
	NotifySolutionRejected = "solution_rejected"

	// To anyone: the link that sets a new password ("url", "minutes" it works). It is about
	// no incident, always goes out, and its payload is a secret: lists never show it.
	NotifyPasswordReset = "password_reset"
)

// OptionalKinds are the kinds a person may switch off; every other kind is about their own
// incident's decisions and solution, or work handed to them, and always goes out.
var OptionalKinds = []string{
	NotifyUpdate, NotifyNewReport, NotifyClientReply,
	NotifySLAWarning, NotifySLABreach, NotifyFollowUp, NotifyStale,
}

// Optional tells whether a person may switch a kind off.
func Optional(kind string) bool { return slices.Contains(OptionalKinds, kind) }

// KindsFor lists the optional kinds a person of the role can receive, in a fixed order: the
// preferences page offers these.
func KindsFor(r Role) []string {
	if r.IsClient() {
		return []string{NotifyUpdate}
	}
	return []string{NotifyNewReport, NotifyClientReply, NotifySLAWarning, NotifySLABreach, NotifyFollowUp, NotifyStale}
}

// Preference is one optional kind and whether the person receives it.
type Preference struct {
	Kind    string `json:"kind"`
	Enabled bool   `json:"enabled"`
}

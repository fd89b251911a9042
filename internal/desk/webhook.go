package desk

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEndpoint is where the desk's events are posted (docs/webhooks.md): a URL that
// receives the events of the chosen types, signed per Standard Webhooks (format
// "standard"), or a Slack-compatible incoming webhook that receives a readable message in
// the endpoint's language (format "slack": Slack, Mattermost, Rocket.Chat). Admins register
// endpoints; they see the secret when it is made (at creation and rotation) and never in
// lists.
type WebhookEndpoint struct {
	ID          int64         `json:"id"`
	URL         string        `json:"url"`
	Description string        `json:"description"`
	Format      WebhookFormat `json:"format"`
	Events      []string      `json:"events"`
	Locale      Locale        `json:"locale"`
	Active      bool          `json:"active"`
	// Secret signs every payload; PreviousSecret signs too until PreviousUntil, so a
	// receiver has time to take the new one after a rotation.
	Secret         string     `json:"-"`
	PreviousSecret string     `json:"-"`
	PreviousUntil  *time.Time `json:"-"`
	CreatedByID    *int64     `json:"created_by_id"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// WebhookFormat is what an endpoint receives.
type WebhookFormat string

// The formats: the signed JSON event, or a chat message.
const (
	WebhookStandard WebhookFormat = "standard"
	WebhookSlack    WebhookFormat = "slack"
)

// Via is the outbox channel of the endpoint's messages.
func (f WebhookFormat) Via() Via {
	if f == WebhookSlack {
		return ViaChat
	}
	return ViaWebhook
}

// The event types an endpoint can receive. An incident's change of state is exactly one
// event: incident.resolved when it is resolved, incident.closed when it is closed (by the
// client, the desk or automatically), incident.state_changed otherwise.
const (
	EventIncidentCreated      = "incident.created"
	EventIncidentStateChanged = "incident.state_changed"
	EventIncidentAssigned     = "incident.assigned"
	EventIncidentReplied      = "incident.replied"
	EventIncidentResolved     = "incident.resolved"
	EventIncidentClosed       = "incident.closed"
	EventIncidentSLAWarning   = "incident.sla_warning"
	EventIncidentSLABreached  = "incident.sla_breached"
	EventChangeCreated        = "change.created"
	EventChangeStateChanged   = "change.state_changed"
	// EventMonitorDown and EventMonitorUp tell of a monitor's outage and its recovery
	// (issue 12), once per outage however many instances run.
	EventMonitorDown = "monitor.down"
	EventMonitorUp   = "monitor.up"
	// EventWebhookTest is the test event an admin sends to one endpoint; no endpoint
	// subscribes to it.
	EventWebhookTest = "webhook.test"
)

// WebhookEvents lists the event types an endpoint can subscribe to, in the order forms show
// them: the desk's, then the status page's (the kinds of StatusNotice).
var WebhookEvents = []string{
	EventIncidentCreated, EventIncidentStateChanged, EventIncidentAssigned, EventIncidentReplied,
	EventIncidentResolved, EventIncidentClosed, EventIncidentSLAWarning, EventIncidentSLABreached,
	EventChangeCreated, EventChangeStateChanged, EventMonitorDown, EventMonitorUp,
	string(NoticeIncidentCreated), string(NoticeIncidentUpdated), string(NoticeIncidentResolved),
	string(NoticeIncidentPostmortem), string(NoticeMaintenanceScheduled), string(NoticeMaintenanceReminder),
	string(NoticeMaintenanceStarted), string(NoticeMaintenanceCompleted),
}

// MaxURL bounds a webhook URL.
const MaxURL = 2000

// Validate checks the endpoint's fields: an absolute http(s) URL without credentials, a
// known format and language, and at least one known event type, each once. Whether the URL
// may be reached (no private networks) is the sender's rule, checked beside this.
func (e *WebhookEndpoint) Validate() error {
	var v Validator
	v.Text("url", e.URL, true, MaxURL, false)
	if !v.Has("url") {
		u, err := url.Parse(e.URL)
		switch {
		case err != nil || u.Host == "" || u.Opaque != "":
			v.Add("url", "url", "must be an absolute URL, e.g. https://hooks.example.com/meldpunt")
		case u.Scheme != "https" && u.Scheme != "http":
			v.Add("url", "scheme", "must start with https:// or http://")
		case u.User != nil:
			v.Add("url", "credentials", "must not contain a user name or password; the payload is signed instead")
		case u.Fragment != "":
			v.Add("url", "fragment", "must not contain a #fragment")
		}
	}
	v.Text("description", e.Description, false, MaxDescription, false)
	if e.Format != WebhookStandard && e.Format != WebhookSlack {
		v.Add("format", "one_of", "must be standard or slack")
	}
	if e.Locale != LocaleNL && e.Locale != LocaleEN {
		v.Add("locale", "one_of", "must be nl or en")
	}
	if len(e.Events) == 0 {
		v.Add("events", "required", "choose at least one event type")
	}
	for i, ev := range e.Events {
		field := "events[" + itoa(i) + "]"
		if !slices.Contains(WebhookEvents, ev) {
			v.Add(field, "one_of", "must be one of %s", strings.Join(WebhookEvents, ", "))
		} else if slices.Index(e.Events, ev) != i {
			v.Add(field, "unique", "%s is listed twice", ev)
		}
	}
	return v.Err()
}

// Wants tells whether the endpoint receives events of the type.
func (e *WebhookEndpoint) Wants(event string) bool {
	return e.Active && slices.Contains(e.Events, event)
}

// Secrets lists the secrets that sign a payload sent at now, newest first: the secret, and
// the previous one while it is still valid after a rotation.
func (e *WebhookEndpoint) Secrets(now time.Time) []string {
	s := []string{e.Secret}
	if e.PreviousSecret != "" && e.PreviousUntil != nil && now.Before(*e.PreviousUntil) {
		s = append(s, e.PreviousSecret)
	}
	return s
}

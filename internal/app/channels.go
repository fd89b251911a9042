package app

import (
	"context"
	"errors"
	"time"

	"meldpunt/internal/desk"
)

// The outbox's channels are ports: the outbox decides what goes to whom and when, and the
// senders that cmd wires say how — email over SMTP or into .eml files
// (internal/notify/email), webhooks and chat messages over HTTP (internal/notify/webhook).

// Address is a name and an email address.
type Address struct {
	Name  string
	Email string
}

// Email is one email as the outbox hands it to the Mailer: who it goes to and in which
// language, what it says (the notification's kind and payload, the incident as the
// recipient may see it, the links it carries), and the references that thread it with the
// incident's other messages. The Mailer renders and sends it.
type Email struct {
	From    Address
	To      Address
	ReplyTo string // the address replies go to (it names the notification); "" for none
	Locale  desk.Locale
	Kind    string
	Product string // the provider's name
	// Payload is the notification's decoded JSON payload (keys per kind in desk/notify.go).
	Payload map[string]any
	// The incident, as the recipient may see it; empty for a message about none.
	Number      string
	Title       string
	IncidentURL string
	// ConfirmURL and RejectURL are a solution's links (kind "solution" only).
	ConfirmURL string
	RejectURL  string
	// PreferencesURL is where the recipient switches optional messages off; Optional says
	// whether this kind can be switched off.
	PreferencesURL string
	Optional       bool
	// MessageID is this message's stable id, with angle brackets; InReplyTo and References
	// thread it.
	MessageID  string
	InReplyTo  string
	References []string
	Date       time.Time
	// Headers are extra headers, e.g. Auto-Submitted and X-Meldpunt-Kind.
	Headers map[string]string
}

// Mailer renders an email in its recipient's language and delivers it.
type Mailer interface {
	// Send returns where the message went ("smtp://host:port", or the .eml file's path) or
	// the error of this attempt; it honours ctx. An error that trying again cannot mend (a
	// template fault) wraps ErrPermanent.
	Send(ctx context.Context, e Email) (location string, err error)
	// Describe says in a few words where messages go, for logs and the outbox page; never a
	// password.
	Describe() string
}

// Hook is one webhook delivery: an event, signed, to one endpoint.
type Hook struct {
	URL    string
	Format desk.WebhookFormat
	// Secrets sign the payload, newest first (two during a rotation).
	Secrets []string
	// ID is the message's id, the same for every attempt ("msg_<notification id>"), so a
	// receiver can tell a retry from a new event.
	ID        string
	Timestamp time.Time
	// Body is the event as JSON (docs/webhooks.md); the slack format turns it into a
	// readable message in Locale.
	Body   []byte
	Locale desk.Locale
}

// HookResult is how an endpoint answered an attempt.
type HookResult struct {
	StatusCode int
	Duration   time.Duration
	// Response is the start of the answer's body, for the desk to read.
	Response string
}

// Poster delivers webhooks and chat messages.
type Poster interface {
	// Post makes one attempt. Any answer but 2xx is an error (the result still says what
	// came back); one that trying again cannot mend wraps ErrPermanent.
	Post(ctx context.Context, h Hook) (HookResult, error)
	// CheckURL tells whether events may be posted to the URL under the operator's network
	// rules (no loopback or private networks unless allowed), for the form that registers
	// an endpoint.
	CheckURL(raw string) error
}

// ErrPermanent marks a delivery error that trying again cannot mend: the message is set
// aside at once.
var ErrPermanent = errors.New("permanent delivery failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent).
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ error }

func (e permanentError) Unwrap() []error { return []error{e.error, ErrPermanent} }

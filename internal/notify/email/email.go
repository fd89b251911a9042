// Package email composes Meldpunt's emails and hands them to a transport: an SMTP server
// (go-mail) or, with no server configured, .eml files in a directory. A Renderer turns a
// notification into a subject, a plain-text and an HTML body in the recipient's language;
// Message carries the headers that thread one incident's messages together.
//
// The texts come from the catalog the Renderer is given (internal/i18n, docs/i18n.md): the
// emails' own under "mail.", text/template snippets executed with the message's fields,
// and the words for states, levels, priorities and support hours that the pages use too.
// Render frames them with one text/template layout and one html/template layout, so the
// HTML escapes whatever people wrote. Times are shown in Europe/Amsterdam.
//
// Both transports build the same MIME message (msg.go): UTF-8, quoted-printable,
// multipart/alternative with the text first and the HTML second; From, To, Reply-To,
// Subject (RFC 2047 encoded), Date, Message-ID exactly as given, In-Reply-To, References
// and the extra Headers. NewSMTP sends it over a fresh connection per message (STARTTLS
// required by default, implicit TLS, or none); NewDir writes it as an .eml file.
// Package mailtest is a real SMTP server for tests.
package email

import (
	"context"
	"time"
)

// Address is a name and an email address.
type Address struct {
	Name  string
	Email string
}

// Message is one email, ready to send.
type Message struct {
	From    Address
	To      Address
	ReplyTo string // the address replies go to (it identifies the incident); "" for none
	Subject string
	Text    string // the plain-text body
	HTML    string // the HTML body; "" for text only
	// MessageID is the stable id of this message, with angle brackets:
	// "<INC-000123.45@desk.example.com>". InReplyTo and References thread it.
	MessageID  string
	InReplyTo  string
	References []string
	Date       time.Time
	// Headers are extra headers, e.g. Auto-Submitted and X-Meldpunt-Incident.
	Headers map[string]string
}

// Sender delivers messages. Send returns where the message went ("smtp://host:port", or the
// path of the .eml file) or the error of this attempt; it must honour ctx.
type Sender interface {
	Send(ctx context.Context, m Message) (location string, err error)
	// Describe says in a few words where messages go, for logs and the outbox page; it never
	// includes a password.
	Describe() string
}

// Data is what a notification's message says. Payload is the notification's decoded JSON
// payload (keys per kind in desk/notify.go); a missing key renders as nothing, never as an
// error.
type Data struct {
	Kind    string
	Locale  string // "nl" or "en"
	Product string // the provider's name, e.g. "Meldpunt" or the provider organisation
	To      Address
	// The incident, as the recipient may see it.
	Number      string
	Title       string
	IncidentURL string
	Payload     map[string]any
	// ConfirmURL and RejectURL are the solution's links (kind "solution" only).
	ConfirmURL string
	RejectURL  string
	// PreferencesURL is where the recipient switches optional messages off; Optional says
	// whether this kind can be switched off (the footer says so only then).
	PreferencesURL string
	Optional       bool
}

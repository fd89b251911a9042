package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"meldpunt/internal/desk"
)

// Opening one message of the outbox (docs/email.md, "The outbox"): what it says, built
// again from its stored payload by the code that sends it, and how each delivery attempt
// went. Admins only.

// MailPreviewer is a Mailer that can show an email as it would send it, without sending:
// rendered in the recipient's language and built into the same MIME message. The outbox
// page opens a message with it; a Mailer without it shows no rendered emails.
type MailPreviewer interface {
	Preview(e Email) (MailPreview, error)
}

// MailPreview is an email as it goes out: its headers in the order they are written (the
// values decoded to text), the subject, the plain-text body and the HTML body ("" for a
// text-only message).
type MailPreview struct {
	Headers []Header
	Subject string
	Text    string
	HTML    string
}

// Header is one header field of a message.
type Header struct {
	Name, Value string
}

// OutboxMessage is one notification as the outbox page opens it.
type OutboxMessage struct {
	desk.Notification
	// Attempts are its delivery attempts, oldest first.
	Attempts []desk.Attempt
	// Mail is an email as it is sent, built now (nil for a webhook, or when it cannot be
	// built: Problem says why).
	Mail    *MailPreview
	Problem string
	// NoMailer tells that this instance has no email channel that can show messages.
	NoMailer bool
	// Skip is why the sender would skip the message if it went out now ("" when it would
	// not).
	Skip string
	// Withheld tells that links which work as a key (a solution's confirm and reject links,
	// a password-reset link, a subscriber's links) were replaced by "…" in Mail.
	Withheld bool
	// Event is a webhook's or chat message's payload, indented; "" for an email.
	Event string
}

// Message opens one notification of the outbox; admins only. An email is built again as
// the sender would build it now, from the stored payload and today's names and titles;
// its secret links are withheld.
func (a *Outbox) Message(ctx context.Context, actor desk.Actor, id int64) (m OutboxMessage, err error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return m, err
	}
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		if m.Notification, err = tx.Notification(ctx, id); err != nil {
			return err
		}
		m.Attempts, err = tx.Attempts(ctx, id)
		return err
	})
	if err != nil {
		return m, err
	}
	if m.Via != desk.ViaEmail {
		var v any
		if json.Unmarshal([]byte(m.Payload), &v) == nil {
			b, _ := json.MarshalIndent(v, "", "  ")
			m.Event = string(b)
		} else {
			m.Event = m.Payload
		}
		return m, nil
	}
	p, ok := a.cfg.Outbox.Mailer.(MailPreviewer)
	if !ok {
		m.NoMailer = true
		m.Notification = redactSecrets([]desk.Notification{m.Notification})[0]
		return m, nil
	}
	e, skip, err := a.previewEmail(ctx, m.Notification)
	m.Notification = redactSecrets([]desk.Notification{m.Notification})[0]
	var bad unsendable
	switch {
	case errors.As(err, &bad):
		m.Problem = bad.Error()
		return m, nil
	case err != nil:
		return m, err
	}
	m.Skip, m.Withheld = skip, withheldIn(e)
	mp, err := p.Preview(e)
	if err != nil {
		m.Problem = err.Error()
		return m, nil
	}
	m.Mail = &mp
	return m, nil
}

// Subjects returns the subject of each listed email, by notification id, as the sender
// would write it now; a message whose subject cannot be built is left out (the page shows
// its kind instead). Admins only.
func (a *Outbox) Subjects(ctx context.Context, actor desk.Actor, ns []desk.Notification) (map[int64]string, error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return nil, err
	}
	out := map[int64]string{}
	p, ok := a.cfg.Outbox.Mailer.(MailPreviewer)
	if !ok {
		return out, nil
	}
	for _, n := range ns {
		if n.Via != desk.ViaEmail {
			continue
		}
		e, _, err := a.previewEmail(ctx, n)
		var bad unsendable
		if errors.As(err, &bad) || desk.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if mp, err := p.Preview(e); err == nil {
			out[n.ID] = mp.Subject
		}
	}
	return out, nil
}

// Newer finds the page above the cursor first (the id of the first message shown) in the
// filter's state and channel: ok is false when there is no newer message, before is the
// cursor of that page (0: the newest page). Admins only.
func (a *Outbox) Newer(ctx context.Context, actor desk.Actor, f desk.OutboxFilter, first int64) (before int64, ok bool, err error) {
	if err := requireAdmin(actor, "see the outbox"); err != nil {
		return 0, false, err
	}
	if f.Limit <= 0 || f.Limit > maxPage {
		f.Limit = defaultPage
	}
	n := f.Limit
	f.Before, f.After, f.Limit = 0, first, n+1
	var ns []desk.Notification
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		ns, err = tx.Outbox(ctx, f)
		return err
	})
	switch {
	case err != nil || len(ns) == 0:
		return 0, false, err
	case len(ns) > n:
		return ns[n].ID, true, nil
	}
	return 0, true, nil
}

// previewEmail builds a notification's email as the sender would, its secret links
// withheld.
func (a *Outbox) previewEmail(ctx context.Context, n desk.Notification) (e Email, skip string, err error) {
	if desk.IsSubscriberKind(n.Kind) {
		return a.subscriberEmail(ctx, n, true)
	}
	return a.email(ctx, n, true)
}

// withheldIn tells whether any link of e was withheld.
func withheldIn(e Email) bool {
	if strings.HasSuffix(e.ConfirmURL, withheldMark) || strings.HasSuffix(e.RejectURL, withheldMark) {
		return true
	}
	for _, v := range e.Payload {
		if s, ok := v.(string); ok && strings.Contains(s, withheldMark) {
			return true
		}
	}
	return false
}

// withheldMark replaces a secret in a link the outbox page shows.
const withheldMark = "…"

// secretInLink finds the secrets of Meldpunt's links: a token parameter, and the token of a
// solution link.
var secretInLink = regexp.MustCompile(`(token=)[^&#\s]+|(/solution/)[^/?#\s]+`)

// withhold replaces the secret of a link (a token parameter, a solution link's token) by
// "…", so the outbox page shows where a link leads without handing out the key it carries.
// A text that is no such link comes back unchanged.
func withhold(s string) string {
	if s == "" {
		return s
	}
	if _, err := url.Parse(s); err != nil {
		return s
	}
	return secretInLink.ReplaceAllString(s, "${1}${2}"+withheldMark)
}

// withholdPayload withholds the secrets of the links among a payload's texts (a
// password-reset link, say).
func withholdPayload(p map[string]any) {
	for k, v := range p {
		if s, ok := v.(string); ok && strings.Contains(s, "://") {
			p[k] = withhold(s)
		}
	}
}

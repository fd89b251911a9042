package webhook

import (
	"context"

	"meldpunt/internal/app"
)

// Poster is the outbox's webhook and chat channel (app.Poster) on a Sender.
type Poster struct {
	sender       *Sender
	allowPrivate bool
}

var _ app.Poster = (*Poster)(nil)

// NewPoster returns the channel; opts are the Sender's, and their AllowPrivate applies to
// registering endpoints too.
func NewPoster(opts Options) *Poster {
	return &Poster{sender: NewSender(opts), allowPrivate: opts.AllowPrivate}
}

// Post makes one attempt. An answer that trying again cannot mend (410 Gone, or a message
// that cannot be sent as it is) is a permanent error.
func (p *Poster) Post(ctx context.Context, h app.Hook) (app.HookResult, error) {
	res, err := p.sender.Post(ctx, Request{
		URL: h.URL, Format: Format(h.Format), Secrets: h.Secrets, ID: h.ID, Timestamp: h.Timestamp,
		Body: h.Body, Locale: string(h.Locale),
	})
	out := app.HookResult{StatusCode: res.Status, Duration: res.Duration, Response: string(res.Body)}
	if err != nil && res.Permanent() {
		err = app.Permanent(err)
	}
	return out, err
}

// CheckURL tells whether events may be posted to raw under the network rules.
func (p *Poster) CheckURL(raw string) error { return CheckURL(raw, p.allowPrivate) }

// Close closes the connections kept open between attempts.
func (p *Poster) Close() { p.sender.Close() }

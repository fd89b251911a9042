package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Delivery (docs/email.md, docs/webhooks.md): the outbox's pending notifications go out by
// their channel — email, webhook or chat. Each is leased by one instance, composed from what
// the database says now, sent outside any transaction, and settled: sent, tried again
// later, set aside after too many attempts (or at once when the sender says trying again
// cannot help), or skipped. Every attempt is recorded with its duration and, for webhooks,
// the status code. Delivery is at least once: a message whose answer was lost (a crash or
// a cut connection after the DATA or the POST) is sent again after its lease ends, with the
// same Message-ID or webhook-id, so mail systems and receivers can recognise the copy.

// deliverBatch is how many due notifications RunDelivery reads at a time.
const deliverBatch = 50

// maxBackoff caps the wait between two attempts.
const maxBackoff = time.Hour

// settleTimeout bounds recording an attempt's outcome, which happens even when the run was
// cancelled meanwhile: a message handed over must be recorded as sent.
const settleTimeout = 15 * time.Second

// RunDelivery sends the due notifications of every channel that has a sender and returns
// how many this call sent. Any number of instances may run it at once: each message is
// claimed with a lease in its own transaction, and only the holder sends and settles it.
// Without any sender it does nothing.
func (a *Outbox) RunDelivery(ctx context.Context) (sent int, err error) {
	vias := a.vias()
	if len(vias) == 0 {
		return 0, nil
	}
	return a.drain(ctx, "deliver notification", deliverBatch,
		dueIn(a.db, func(ctx context.Context, tx outboxTx, now time.Time, limit int) ([]int64, error) {
			return tx.DueNotifications(ctx, now, vias, limit)
		}),
		func(ctx context.Context, id int64, _ time.Time) (bool, error) { return a.deliver(ctx, id) })
}

// vias lists the channels this instance delivers: those it has a sender for.
func (a *Outbox) vias() []desk.Via {
	var vs []desk.Via
	if a.cfg.Outbox.Mailer != nil {
		vs = append(vs, desk.ViaEmail)
	}
	if a.cfg.Outbox.Poster != nil {
		vs = append(vs, desk.ViaWebhook, desk.ViaChat)
	}
	return vs
}

// outgoing is a composed message, ready to send by its channel: send makes one attempt and
// says where the message went and, for a webhook, the status the endpoint answered.
type outgoing struct {
	n    desk.Notification
	send func(ctx context.Context) (location string, status int, err error)
}

// deliver leases one notification, composes, sends and settles it; true when this call
// sent it. A notification another instance leased first is left alone.
func (a *Outbox) deliver(ctx context.Context, id int64) (bool, error) {
	cfg := a.cfg.Outbox
	now := a.clock()
	var leased bool
	err := a.db.write(ctx, func(tx outboxTx) (err error) {
		leased, err = tx.LeaseNotification(ctx, id, cfg.Instance, now, now.Add(cfg.Lease))
		return err
	})
	if err != nil || !leased {
		return false, err
	}
	out, skip, err := a.compose(ctx, id)
	n := out.n
	var bad unsendable
	switch {
	case errors.As(err, &bad):
		// A template or payload fault: trying again will not help.
		a.log.WarnContext(ctx, "message set aside: it cannot be composed", "notification", n.ID, "via", n.Via, "kind", n.Kind, "err", err)
		return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliveryFailed, Attempts: n.Attempts + 1, LastError: err.Error()})
	case err != nil:
		// The database failed: the lease runs out and the message is tried again then.
		return false, err
	case skip != "":
		return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliverySkipped, Attempts: n.Attempts, LastError: skip})
	}

	// Send outside any transaction, and well within the lease: no other instance takes the
	// message while this one may still be handing it over.
	sctx, cancel := context.WithTimeout(ctx, cfg.Lease/2)
	start := time.Now()
	location, status, serr := out.send(sctx)
	took := time.Since(start)
	cancel()
	now = a.clock()
	attempt := &desk.Attempt{At: now, Duration: took, StatusCode: status, Location: location}
	if serr == nil {
		return true, a.settle(ctx, n, desk.Delivery{State: desk.DeliverySent, Attempts: n.Attempts + 1, SentAt: &now,
			Location: location, Attempt: attempt})
	}
	attempt.Error = serr.Error()
	if ctx.Err() != nil {
		// Shutting down: give the message back, due at once, without counting the attempt.
		return false, errors.Join(ctx.Err(), a.settle(ctx, n, desk.Delivery{State: desk.DeliveryPending, Attempts: n.Attempts,
			NextAttemptAt: now, LastError: serr.Error(), Attempt: attempt}))
	}
	attempts := n.Attempts + 1
	if attempts >= cfg.MaxAttempts || errors.Is(serr, ErrPermanent) {
		a.log.WarnContext(ctx, "message set aside", "notification", n.ID, "via", n.Via, "kind", n.Kind,
			"attempts", attempts, "err", serr)
		return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliveryFailed, Attempts: attempts, LastError: serr.Error(), Attempt: attempt})
	}
	next := now.Add(backoff(cfg.Backoff, attempts))
	a.log.WarnContext(ctx, "message not sent; will try again", "notification", n.ID, "via", n.Via, "kind", n.Kind,
		"attempts", attempts, "next_attempt_at", next, "err", serr)
	return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliveryPending, Attempts: attempts, NextAttemptAt: next,
		LastError: serr.Error(), Attempt: attempt})
}

// backoff is the wait after the given number of failed attempts: base, then doubling, at
// most maxBackoff.
func backoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// settle records an attempt on a notification this instance leased. It runs even when ctx
// was cancelled meanwhile. When the lease ran out and another instance took the message,
// nothing is recorded and the message may go out twice; that is logged.
func (a *Outbox) settle(ctx context.Context, n desk.Notification, d desk.Delivery) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	var ok bool
	err := a.db.write(sctx, func(tx outboxTx) (err error) {
		ok, err = tx.SettleNotification(sctx, n.ID, a.cfg.Outbox.Instance, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the attempt: %w", err)
	}
	if !ok {
		a.log.WarnContext(ctx, "attempt not recorded: its lease ran out and another instance took the message",
			"notification", n.ID, "via", n.Via, "kind", n.Kind, "state", d.State)
	}
	return nil
}

// unsendable is the error of a message that cannot be composed, however often one tries.
type unsendable struct{ error }

// compose reads a leased notification and builds its message for its channel. It returns
// a skip reason when the message must not go out, and an unsendable error when it cannot
// be composed.
func (a *Outbox) compose(ctx context.Context, id int64) (out outgoing, skip string, err error) {
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		out.n, err = tx.Notification(ctx, id)
		return err
	})
	if err != nil {
		return out, "", err
	}
	switch out.n.Via {
	case desk.ViaEmail:
		if desk.IsSubscriberKind(out.n.Kind) {
			return a.composeSubscriberEmail(ctx, out.n)
		}
		return a.composeEmail(ctx, out.n)
	case desk.ViaWebhook, desk.ViaChat:
		return a.composeHook(ctx, out.n)
	}
	return out, "", unsendable{fmt.Errorf("unknown channel %q", out.n.Via)}
}

// composeEmail builds an email: to a user (unless their account is inactive, they have no
// address, or they switched the kind off), or to an address without an account.
func (a *Outbox) composeEmail(ctx context.Context, n desk.Notification) (out outgoing, skip string, err error) {
	return a.mailOut(ctx, n, a.email)
}

// mailOut builds the email of n with build (email or subscriberEmail) and the sending of it.
func (a *Outbox) mailOut(ctx context.Context, n desk.Notification,
	build func(context.Context, desk.Notification, bool) (Email, string, error)) (out outgoing, skip string, err error) {
	out.n = n
	e, skip, err := build(ctx, n, false)
	if err != nil || skip != "" {
		return out, skip, err
	}
	mailer := a.cfg.Outbox.Mailer
	out.send = func(ctx context.Context) (string, int, error) {
		loc, err := mailer.Send(ctx, e)
		return loc, 0, err
	}
	return out, "", nil
}

// email is the Email a notification to a user or to an address without an account becomes,
// read from what the database says now, with the reason to skip it when it must not go
// out. The sender and the outbox page (preview) both build it here; with preview the links
// that work as a key (a solution's confirm and reject links, a password-reset link) are
// withheld, and a message that would be skipped is still built.
func (a *Outbox) email(ctx context.Context, n desk.Notification, preview bool) (e Email, skip string, err error) {
	var u desk.User
	var inc *desk.Incident
	var off []string
	product := "Meldpunt"
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		if n.UserID != 0 {
			if u, err = tx.User(ctx, n.UserID); err != nil {
				return err
			}
			if off, err = tx.NotificationOptOuts(ctx, u.ID); err != nil {
				return err
			}
		}
		if n.IncidentID != nil {
			i, err := tx.Incident(ctx, *n.IncidentID)
			if err != nil {
				return err
			}
			inc = &i
		}
		p, err := provider(ctx, tx)
		if err == nil {
			product = p.Name
		} else if !errors.Is(err, errNoProvider) {
			return err
		}
		return nil
	})
	if err != nil {
		return e, "", err
	}
	to, locale := Address{Name: n.ToName, Email: n.ToEmail}, n.Locale
	if n.UserID != 0 {
		switch {
		case !u.Active:
			skip = "the recipient's account is not active"
		case strings.TrimSpace(u.Email) == "":
			skip = "the recipient has no email address"
		case desk.Optional(n.Kind) && slices.Contains(off, n.Kind):
			skip = "the recipient switched " + n.Kind + " messages off"
		}
		if skip != "" && !preview {
			return e, skip, nil
		}
		to, locale = Address{Name: u.Name, Email: u.Email}, u.Locale
	}
	if locale == "" {
		locale = desk.LocaleNL
	}

	base := strings.TrimRight(a.cfg.BaseURL, "/")
	e = Email{
		From: a.cfg.Outbox.From, To: to, Locale: locale, Kind: n.Kind, Product: product, Date: n.CreatedAt,
		Optional: desk.Optional(n.Kind) && n.UserID != 0,
		Headers:  map[string]string{"Auto-Submitted": "auto-generated", "X-Meldpunt-Kind": n.Kind},
	}
	if n.UserID != 0 {
		e.PreferencesURL = base + "/account/notifications"
	}
	if err := json.Unmarshal([]byte(n.Payload), &e.Payload); err != nil {
		return e, "", unsendable{fmt.Errorf("read the payload: %w", err)}
	}
	if preview {
		withholdPayload(e.Payload)
	}
	if inc != nil {
		e.Number, e.Title = inc.Number, inc.Title
		e.IncidentURL = base + "/incidents/" + inc.Number
		if n.Kind == desk.NotifySolution {
			e.ConfirmURL, e.RejectURL, err = a.SolutionLinks(ctx, *inc)
			if desk.ErrorCode(err) == desk.ECONFLICT {
				err = nil // no longer resolved: the message tells of the solution without links
			}
			if err != nil {
				return e, "", err
			}
			if e.ConfirmURL != "" { // the page opens in the language of the message
				e.ConfirmURL += "?lang=" + string(locale)
				e.RejectURL += "?lang=" + string(locale)
			}
			if preview {
				e.ConfirmURL, e.RejectURL = withhold(e.ConfirmURL), withhold(e.RejectURL)
			}
		}
	}
	if e.ReplyTo, err = a.ReplyAddress(ctx, n.ID); err != nil {
		return e, "", err
	}
	e.MessageID = a.MessageID(n, e.Number)
	if e.Number != "" {
		e.InReplyTo, e.References = a.ThreadID(e.Number), []string{a.ThreadID(e.Number)}
		e.Headers["X-Meldpunt-Incident"] = e.Number
	}
	return e, skip, nil
}

// composeHook builds a webhook or chat message to its endpoint, signed with the endpoint's
// secrets when it is sent. An endpoint switched off receives nothing: its messages are
// skipped.
func (a *Outbox) composeHook(ctx context.Context, n desk.Notification) (out outgoing, skip string, err error) {
	out.n = n
	var e desk.WebhookEndpoint
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		e, err = tx.Webhook(ctx, n.EndpointID)
		return err
	})
	if err != nil {
		return out, "", err
	}
	if !e.Active {
		return out, "the endpoint is switched off", nil
	}
	if !json.Valid([]byte(n.Payload)) {
		return out, "", unsendable{errors.New("the event is not valid JSON")}
	}
	poster := a.cfg.Outbox.Poster
	out.send = func(ctx context.Context) (string, int, error) {
		now := a.clock()
		res, err := poster.Post(ctx, Hook{
			URL: e.URL, Format: e.Format, Secrets: e.Secrets(now), ID: "msg_" + strconv.FormatInt(n.ID, 10),
			Timestamp: now, Body: []byte(n.Payload), Locale: n.Locale,
		})
		return endpointHost(e.URL), res.StatusCode, err
	}
	return out, "", nil
}

// endpointHost is where a webhook went, as the outbox shows it: the scheme and host of the
// endpoint's URL and nothing more, since the path of a chat webhook is its secret.
func endpointHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/mail"
)

// Delivery (docs/email.md): the outbox's pending notifications go out as email. Each is
// leased by one instance, composed from what the database says now, sent outside any
// transaction, and settled: sent, tried again later, set aside after too many attempts, or
// skipped. Delivery is at least once: a message whose server's answer was lost (a crash or
// a cut connection after the DATA) is sent again after its lease ends, with the same
// Message-ID, so mail systems and clients can recognise the copy.

// deliverBatch is how many due notifications RunDelivery reads at a time.
const deliverBatch = 50

// maxBackoff caps the wait between two attempts.
const maxBackoff = time.Hour

// settleTimeout bounds recording an attempt's outcome, which happens even when the run was
// cancelled meanwhile: a message handed over must be recorded as sent.
const settleTimeout = 15 * time.Second

// RunDelivery sends the due notifications and returns how many this call sent. Any number
// of instances may run it at once: each message is claimed with a lease in its own
// transaction, and only the holder sends and settles it. Without a Sender it does nothing.
func (a *Outbox) RunDelivery(ctx context.Context) (sent int, err error) {
	if a.cfg.Mail.Sender == nil {
		return 0, nil
	}
	return a.drain(ctx, "deliver notification", deliverBatch,
		dueIn(a.db, func(ctx context.Context, tx outboxTx, now time.Time, limit int) ([]int64, error) {
			return tx.DueNotifications(ctx, now, limit)
		}),
		func(ctx context.Context, id int64, _ time.Time) (bool, error) { return a.deliver(ctx, id) })
}

// deliver leases one notification, composes, sends and settles it; true when this call
// sent it. A notification another instance leased first is left alone.
func (a *Outbox) deliver(ctx context.Context, id int64) (bool, error) {
	cfg := a.cfg.Mail
	now := a.clock()
	var leased bool
	err := a.db.write(ctx, func(tx outboxTx) (err error) {
		leased, err = tx.LeaseNotification(ctx, id, cfg.Instance, now, now.Add(cfg.Lease))
		return err
	})
	if err != nil || !leased {
		return false, err
	}
	n, msg, skip, err := a.compose(ctx, id)
	var bad unsendable
	switch {
	case errors.As(err, &bad):
		// A template or payload fault: trying again will not help.
		a.deliveryLog().WarnContext(ctx, "mail set aside: it cannot be composed", "notification", n.ID, "kind", n.Kind, "err", err)
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
	location, serr := cfg.Sender.Send(sctx, msg)
	cancel()
	now = a.clock()
	if serr == nil {
		return true, a.settle(ctx, n, desk.Delivery{State: desk.DeliverySent, Attempts: n.Attempts + 1, SentAt: &now, Location: location})
	}
	if ctx.Err() != nil {
		// Shutting down: give the message back, due at once, without counting the attempt.
		return false, errors.Join(ctx.Err(), a.settle(ctx, n, desk.Delivery{State: desk.DeliveryPending, Attempts: n.Attempts, NextAttemptAt: now, LastError: serr.Error()}))
	}
	attempts := n.Attempts + 1
	if attempts >= cfg.MaxAttempts {
		a.deliveryLog().WarnContext(ctx, "mail set aside after too many attempts", "notification", n.ID, "kind", n.Kind,
			"attempts", attempts, "err", serr)
		return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliveryFailed, Attempts: attempts, LastError: serr.Error()})
	}
	next := now.Add(backoff(cfg.Backoff, attempts))
	a.deliveryLog().WarnContext(ctx, "mail not sent; will try again", "notification", n.ID, "kind", n.Kind,
		"attempts", attempts, "next_attempt_at", next, "err", serr)
	return false, a.settle(ctx, n, desk.Delivery{State: desk.DeliveryPending, Attempts: attempts, NextAttemptAt: next, LastError: serr.Error()})
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
		ok, err = tx.SettleNotification(sctx, n.ID, a.cfg.Mail.Instance, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the attempt: %w", err)
	}
	if !ok {
		a.deliveryLog().WarnContext(ctx, "mail attempt not recorded: its lease ran out and another instance took it",
			"notification", n.ID, "kind", n.Kind, "state", d.State)
	}
	return nil
}

// unsendable is the error of a message that cannot be composed, however often one tries.
type unsendable struct{ error }

// compose reads a leased notification and what its message says, and builds the message.
// It returns a skip reason when the message must not go out, and an unsendable error when
// it cannot be composed.
func (a *Outbox) compose(ctx context.Context, id int64) (n desk.Notification, m mail.Message, skip string, err error) {
	var u desk.User
	var inc *desk.Incident
	var off []string
	product := "Meldpunt"
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		if n, err = tx.Notification(ctx, id); err != nil {
			return err
		}
		if u, err = tx.User(ctx, n.UserID); err != nil {
			return err
		}
		if n.IncidentID != nil {
			i, err := tx.Incident(ctx, *n.IncidentID)
			if err != nil {
				return err
			}
			inc = &i
		}
		if off, err = tx.NotificationOptOuts(ctx, u.ID); err != nil {
			return err
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
		return n, m, "", err
	}
	switch {
	case !u.Active:
		return n, m, "the recipient's account is not active", nil
	case strings.TrimSpace(u.Email) == "":
		return n, m, "the recipient has no email address", nil
	case desk.Optional(n.Kind) && slices.Contains(off, n.Kind):
		return n, m, "the recipient switched " + n.Kind + " messages off", nil
	}

	base := strings.TrimRight(a.cfg.BaseURL, "/")
	to := mail.Address{Name: u.Name, Email: u.Email}
	d := mail.Data{
		Kind: n.Kind, Locale: string(u.Locale), Product: product, To: to,
		PreferencesURL: base + "/account/notifications", Optional: desk.Optional(n.Kind),
	}
	if err := json.Unmarshal([]byte(n.Payload), &d.Payload); err != nil {
		return n, m, "", unsendable{fmt.Errorf("read the payload: %w", err)}
	}
	if inc != nil {
		d.Number, d.Title = inc.Number, inc.Title
		d.IncidentURL = base + "/incidents/" + inc.Number
		if n.Kind == desk.NotifySolution {
			d.ConfirmURL, d.RejectURL, err = a.SolutionLinks(ctx, *inc)
			if desk.ErrorCode(err) == desk.ECONFLICT {
				err = nil // no longer resolved: the message tells of the solution without links
			}
			if err != nil {
				return n, m, "", err
			}
			if d.ConfirmURL != "" { // the page opens in the language of the message
				d.ConfirmURL += "?lang=" + string(u.Locale)
				d.RejectURL += "?lang=" + string(u.Locale)
			}
		}
	}
	subject, text, html, err := mail.Render(d)
	if err != nil {
		return n, m, "", unsendable{fmt.Errorf("render: %w", err)}
	}
	reply, err := a.ReplyAddress(ctx, n.ID)
	if err != nil {
		return n, m, "", err
	}
	m = mail.Message{
		From: a.cfg.Mail.From, To: to, ReplyTo: reply, Subject: subject, Text: text, HTML: html,
		MessageID: a.MessageID(n, d.Number), Date: n.CreatedAt,
		Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Meldpunt-Kind": n.Kind},
	}
	if d.Number != "" {
		m.InReplyTo, m.References = a.ThreadID(d.Number), []string{a.ThreadID(d.Number)}
		m.Headers["X-Meldpunt-Incident"] = d.Number
	}
	return n, m, "", nil
}

// deliveryLog returns the app's logger, or one that discards when the app has none.
func (a *Outbox) deliveryLog() *slog.Logger {
	if a.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.log
}

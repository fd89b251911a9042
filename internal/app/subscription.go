package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Email subscriptions to the public status page (issue 11, docs/status-page.md
// "Subscribing"). A visitor signs up with an address, a language and everything or chosen
// public components; the only message before they confirm is the confirmation (double
// opt-in). The answer to a sign-up never says whether the address was subscribed: an
// address that confirmed before gets its manage link instead of a new confirmation. Every
// link is signed with the installation's key and the subscriber's own secret, and is good
// for one purpose: confirming (for SubscriberConfirmTTL), managing, or unsubscribing.

// SubscriberConfirmTTL is how long a confirmation link works.
const SubscriberConfirmTTL = 48 * time.Hour

// subscriberMACBytes is the length of the MAC in a subscriber's link: 128 bits.
const subscriberMACBytes = 16

// The purposes of a subscriber's link.
const (
	LinkConfirm     = "c"
	LinkManage      = "m"
	LinkUnsubscribe = "u"
)

// ErrSubscriberLinkExpired is the error of a confirmation link used after it expired.
var ErrSubscriberLinkExpired = desk.Errorf(desk.EUNAUTHORIZED, "this confirmation link has expired; subscribe again")

// errSubscriberLink is the error of a damaged, forged or superseded link.
var errSubscriberLink = desk.Errorf(desk.EUNAUTHORIZED, "this link is not valid")

// SubscriberStore keeps the status page's email subscribers.
type SubscriberStore interface {
	// CreateSubscriber stores a subscriber with its components and sets s.ID; ECONFLICT
	// when the address is subscribed already.
	CreateSubscriber(ctx context.Context, s *desk.Subscriber) error
	// Subscriber returns one subscriber; ENOTFOUND when there is none.
	Subscriber(ctx context.Context, id int64) (desk.Subscriber, error)
	// SubscriberByEmail returns the subscriber of an address, in any case; ENOTFOUND when
	// it is not subscribed.
	SubscriberByEmail(ctx context.Context, email string) (desk.Subscriber, error)
	// UpdateSubscriber stores the language, the components and the confirmation.
	UpdateSubscriber(ctx context.Context, s *desk.Subscriber) error
	// DeleteSubscriber forgets a subscriber.
	DeleteSubscriber(ctx context.Context, id int64) error
	// QueueSubscriberNotices queues one email of the kind to every confirmed subscriber
	// following everything or any of the components, but the addresses in except, with
	// the payload of the subscriber's language, in one statement; it says how many.
	QueueSubscriberNotices(ctx context.Context, kind string, payloads map[desk.Locale]string, components []int64, except []string, at time.Time) (int64, error)
}

// Subscriptions runs the status page's email subscriptions.
type Subscriptions struct {
	*core
	db txn[subscriptionTx]
}

// subscriptionTx is what Subscriptions reads and writes.
type subscriptionTx interface {
	ComponentStore
	OutboxStore
	SubscriberStore
}

// publicComponentIDs returns the ids of the public components: the only ones a visitor may
// choose.
func publicComponentIDs(ctx context.Context, tx ComponentStore) (map[int64]bool, error) {
	all, err := tx.Components(ctx, 0)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, c := range all {
		if c.Visibility == desk.VisibilityPublic {
			ids[c.ID] = true
		}
	}
	return ids, nil
}

// Subscribe signs an address up. Whatever it finds, it answers the same (nil) for valid
// input: a new or unconfirmed address gets a confirmation email (an unconfirmed one takes
// the language and components of this sign-up), a confirmed one an email with its manage
// link and no change. Invalid input (the address, the language, a component that is not
// public) is EINVALID naming the field. Throttling is the caller's (per address and per
// client address).
func (a *Subscriptions) Subscribe(ctx context.Context, in desk.SubscriberInput) error {
	in.Email = strings.TrimSpace(in.Email)
	now := a.clock()
	return a.db.write(ctx, func(tx subscriptionTx) error {
		public, err := publicComponentIDs(ctx, tx)
		if err != nil {
			return err
		}
		locale, ids, err := in.Validate(true, public)
		if err != nil {
			return err
		}
		s, err := tx.SubscriberByEmail(ctx, in.Email)
		switch {
		case desk.IsNotFound(err):
			s = desk.Subscriber{Email: strings.ToLower(in.Email), Locale: locale, All: in.All, ComponentIDs: ids,
				Secret: NewSecretString(), CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSubscriber(ctx, &s); err != nil {
				return err
			}
		case err != nil:
			return err
		case s.Confirmed():
			return tx.Notify(ctx, subscriberMail(s, desk.NotifySubscriberManage, now))
		default:
			s.Locale, s.All, s.ComponentIDs, s.UpdatedAt = locale, in.All, ids, now
			if err := tx.UpdateSubscriber(ctx, &s); err != nil {
				return err
			}
		}
		return tx.Notify(ctx, subscriberMail(s, desk.NotifySubscriberConfirm, now))
	})
}

// subscriberMail is an outbox email of the kind to a subscriber, in their language.
func subscriberMail(s desk.Subscriber, kind string, at time.Time) *desk.Notification {
	return &desk.Notification{Kind: kind, Via: desk.ViaEmail, ToEmail: s.Email, Locale: s.Locale, Payload: "{}", CreatedAt: at}
}

// SubscriberView is what the pages of a subscriber's link show.
type SubscriberView struct {
	Email       string
	Locale      desk.Locale
	All         bool
	Components  []int64
	Confirmed   bool
	Unsubscribe string // the subscriber's unsubscribe token, for the manage page's button
}

func (a *Subscriptions) view(ctx context.Context, s desk.Subscriber) (SubscriberView, error) {
	u, err := a.subscriberToken(ctx, s, LinkUnsubscribe, time.Time{})
	return SubscriberView{Email: s.Email, Locale: s.Locale, All: s.All, Components: s.ComponentIDs,
		Confirmed: s.Confirmed(), Unsubscribe: u}, err
}

// SubscriberByLink returns the subscription a link of the purpose names, changing nothing:
// the pages a link opens show it with a button, since mail scanners open links. A damaged,
// forged or superseded link is EUNAUTHORIZED; an expired confirmation link
// ErrSubscriberLinkExpired.
func (a *Subscriptions) SubscriberByLink(ctx context.Context, token, purpose string) (v SubscriberView, err error) {
	var s desk.Subscriber
	err = a.db.read(ctx, func(tx subscriptionTx) error {
		s, err = a.checkLink(ctx, tx, token, purpose)
		return err
	})
	if err != nil {
		return v, err
	}
	return a.view(ctx, s)
}

// Confirm confirms the subscription of a confirmation link; confirming twice changes
// nothing. From now on the subscriber receives the status page's notices.
func (a *Subscriptions) Confirm(ctx context.Context, token string) (v SubscriberView, err error) {
	now := a.clock()
	var s desk.Subscriber
	err = a.db.write(ctx, func(tx subscriptionTx) error {
		if s, err = a.checkLink(ctx, tx, token, LinkConfirm); err != nil {
			return err
		}
		if s.Confirmed() {
			return nil
		}
		s.ConfirmedAt, s.UpdatedAt = &now, now
		return tx.UpdateSubscriber(ctx, &s)
	})
	if err != nil {
		return v, err
	}
	return a.view(ctx, s)
}

// Manage changes the language and the components of the subscription of a manage link.
// Invalid input is EINVALID naming the field; the address does not change.
func (a *Subscriptions) Manage(ctx context.Context, token string, in desk.SubscriberInput) (v SubscriberView, err error) {
	now := a.clock()
	var s desk.Subscriber
	err = a.db.write(ctx, func(tx subscriptionTx) error {
		if s, err = a.checkLink(ctx, tx, token, LinkManage); err != nil {
			return err
		}
		public, err := publicComponentIDs(ctx, tx)
		if err != nil {
			return err
		}
		locale, ids, err := in.Validate(false, public)
		if err != nil {
			return err
		}
		s.Locale, s.All, s.ComponentIDs, s.UpdatedAt = locale, in.All, ids, now
		return tx.UpdateSubscriber(ctx, &s)
	})
	if err != nil {
		return v, err
	}
	return a.view(ctx, s)
}

// Unsubscribe forgets the subscriber of an unsubscribe or manage link: the address is
// deleted, and messages queued for it are skipped. A link of a subscription that is gone
// is EUNAUTHORIZED, like any link that does not work; the pages say the address receives
// nothing either way.
func (a *Subscriptions) Unsubscribe(ctx context.Context, token string) error {
	return a.db.write(ctx, func(tx subscriptionTx) error {
		s, err := a.checkLink(ctx, tx, token, LinkUnsubscribe, LinkManage)
		if err != nil {
			return err
		}
		return tx.DeleteSubscriber(ctx, s.ID)
	})
}

// subscriberToken makes the token of a link of the purpose: "id.purpose.expires.mac", the
// expiry in Unix seconds (0: none), the MAC over all of it and the subscriber's secret.
func (a *core) subscriberToken(ctx context.Context, s desk.Subscriber, purpose string, exp time.Time) (string, error) {
	key, err := a.signingKey(ctx)
	if err != nil {
		return "", err
	}
	e := int64(0)
	if !exp.IsZero() {
		e = exp.Unix()
	}
	f := []string{strconv.FormatInt(s.ID, 10), purpose, strconv.FormatInt(e, 10)}
	return strings.Join(f, ".") + "." + mac(key, subscriberMACBytes, append([]string{"subscriber", s.Secret}, f...)...), nil
}

// maxSubscriberToken bounds a token read from a request.
const maxSubscriberToken = 100

// checkLink reads the subscriber a token names and checks the token: its MAC (with the
// subscriber's secret), that its purpose is one of those given, and that it has not
// expired.
func (a *core) checkLink(ctx context.Context, tx SubscriberStore, token string, purposes ...string) (desk.Subscriber, error) {
	parts := strings.Split(token, ".")
	if len(token) > maxSubscriberToken || len(parts) != 4 {
		return desk.Subscriber{}, errSubscriberLink
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	ok := false
	for _, p := range purposes {
		ok = ok || parts[1] == p
	}
	if err1 != nil || err2 != nil || !ok || id <= 0 {
		return desk.Subscriber{}, errSubscriberLink
	}
	s, err := tx.Subscriber(ctx, id)
	if desk.IsNotFound(err) {
		return s, errSubscriberLink
	}
	if err != nil {
		return s, err
	}
	key, err := a.signingKey(ctx)
	if err != nil {
		return s, err
	}
	if !sameMAC(parts[3], mac(key, subscriberMACBytes, append([]string{"subscriber", s.Secret}, parts[:3]...)...)) {
		return desk.Subscriber{}, errSubscriberLink
	}
	if exp != 0 && !a.clock().Before(time.Unix(exp, 0)) {
		return desk.Subscriber{}, ErrSubscriberLinkExpired
	}
	return s, nil
}

// queueSubscriberNotices queues the notice for the status page's email subscribers, in
// the caller's transaction: one email to every confirmed subscriber who follows
// everything or any of the notice's components, in the subscriber's language. It is one
// INSERT … SELECT whatever the number of subscribers (docs/benchmarks.md), and says how
// many it queued. The addresses in except (any case) get nothing: a linked ticket's
// reporter who also subscribed hears of the update once, on the ticket.
func queueSubscriberNotices(ctx context.Context, tx SubscriberStore, n desk.StatusNotice, except ...string) (int64, error) {
	payloads := map[desk.Locale]string{}
	for _, l := range []desk.Locale{desk.LocaleNL, desk.LocaleEN} {
		p := map[string]any{"notice": string(n.Kind), "name": n.Name.In(l), "body": n.Body.In(l),
			"status": n.Status, "impact": n.Impact, "at": n.At.UTC().Format(time.RFC3339)}
		if n.StartsAt != nil {
			p["starts_at"] = n.StartsAt.UTC().Format(time.RFC3339)
		}
		if n.EndsAt != nil {
			p["ends_at"] = n.EndsAt.UTC().Format(time.RFC3339)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return 0, fmt.Errorf("status notice payload: %w", err)
		}
		payloads[l] = string(b)
	}
	return tx.QueueSubscriberNotices(ctx, desk.NotifySubscriberNotice, payloads, n.ComponentIDs, except, n.At)
}

// subscriberLinks are the links a subscriber's email carries, keyed as its payload's.
func (a *Outbox) subscriberLinks(ctx context.Context, n desk.Notification, s desk.Subscriber) (map[string]string, error) {
	base := strings.TrimRight(a.cfg.BaseURL, "/")
	lang := "&lang=" + string(n.Locale)
	out := map[string]string{"status_url": base + "/status"}
	if n.Kind == desk.NotifySubscriberConfirm {
		t, err := a.subscriberToken(ctx, s, LinkConfirm, n.CreatedAt.Add(SubscriberConfirmTTL))
		out["confirm_url"] = base + "/status/confirm?token=" + t + lang
		out["hours"] = strconv.Itoa(int(SubscriberConfirmTTL / time.Hour))
		return out, err
	}
	m, err := a.subscriberToken(ctx, s, LinkManage, time.Time{})
	if err != nil {
		return nil, err
	}
	u, err := a.subscriberToken(ctx, s, LinkUnsubscribe, time.Time{})
	out["manage_url"] = base + "/status/manage?token=" + m + lang
	out["unsubscribe_url"] = base + "/status/unsubscribe?token=" + u
	return out, err
}

// composeSubscriberEmail builds an email to a status page subscriber. One whose address is
// no longer subscribed gets nothing; neither does one who has not confirmed, but for the
// confirmation itself (double opt-in), which is not sent once it has expired or the
// address is confirmed. A notice and the manage message carry List-Unsubscribe and
// List-Unsubscribe-Post (RFC 2369, RFC 8058): mail clients offer one-click unsubscribing.
func (a *Outbox) composeSubscriberEmail(ctx context.Context, n desk.Notification) (out outgoing, skip string, err error) {
	return a.mailOut(ctx, n, a.subscriberEmail)
}

// subscriberEmail is the Email a notification to a subscriber becomes, with the reason to
// skip it; the sender and the outbox page (preview) both build it here. With preview the
// subscriber's links (they work as keys) are withheld, and a message that would be skipped
// is still built as far as it can be.
func (a *Outbox) subscriberEmail(ctx context.Context, n desk.Notification, preview bool) (e Email, skip string, err error) {
	var s desk.Subscriber
	product := "Meldpunt"
	err = a.db.read(ctx, func(tx outboxTx) (err error) {
		if s, err = tx.SubscriberByEmail(ctx, n.ToEmail); err != nil {
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
	gone := desk.IsNotFound(err)
	switch {
	case gone:
		skip, err = "the address is no longer subscribed", nil
	case err != nil:
		return e, "", err
	case n.Kind == desk.NotifySubscriberConfirm && s.Confirmed():
		skip = "the address is confirmed already"
	case n.Kind == desk.NotifySubscriberConfirm && !a.clock().Before(n.CreatedAt.Add(SubscriberConfirmTTL)):
		skip = "the confirmation link has expired"
	case n.Kind != desk.NotifySubscriberConfirm && !s.Confirmed():
		skip = "the address has not confirmed its subscription"
	}
	if skip != "" && !preview {
		return e, skip, nil
	}
	locale := n.Locale
	if locale == "" {
		locale = desk.LocaleNL
	}
	e = Email{
		From: a.cfg.Outbox.From, To: Address{Email: n.ToEmail}, Locale: locale, Kind: n.Kind, Product: product,
		Date: n.CreatedAt, Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Meldpunt-Kind": n.Kind},
		MessageID: a.MessageID(n, ""),
	}
	if err := json.Unmarshal([]byte(n.Payload), &e.Payload); err != nil {
		return e, "", unsendable{fmt.Errorf("read the payload: %w", err)}
	}
	if e.Payload == nil {
		e.Payload = map[string]any{}
	}
	links := map[string]string{}
	if !gone {
		if links, err = a.subscriberLinks(ctx, n, s); err != nil {
			return e, "", err
		}
	}
	for k, v := range links {
		if preview {
			v = withhold(v)
		}
		e.Payload[k] = v
	}
	if u, _ := e.Payload["unsubscribe_url"].(string); u != "" {
		e.Headers["List-Unsubscribe"] = "<" + u + ">"
		e.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	return e, skip, nil
}

// QueueNotice queues the notice for the email subscribers in a transaction of its own and
// says how many emails it queued. A change that publishes a notice calls
// queueSubscriberNotices in its own transaction instead; this is for tests and tools.
func (a *Subscriptions) QueueNotice(ctx context.Context, n desk.StatusNotice) (queued int64, err error) {
	err = a.db.write(ctx, func(tx subscriptionTx) error {
		queued, err = queueSubscriberNotices(ctx, tx, n)
		return err
	})
	return queued, err
}

// AddConfirmed subscribes an address without the confirmation email: the installation's own
// tooling (the demo, an import of a list whose people opted in elsewhere) may, a person may
// not — no route calls it. An address already subscribed is ECONFLICT.
func (a *Subscriptions) AddConfirmed(ctx context.Context, actor desk.Actor, in desk.SubscriberInput) (desk.Subscriber, error) {
	if !actor.System {
		return desk.Subscriber{}, forbidden("add a subscriber without confirmation")
	}
	in.Email = strings.TrimSpace(in.Email)
	now := a.clock()
	var s desk.Subscriber
	err := a.db.write(ctx, func(tx subscriptionTx) error {
		public, err := publicComponentIDs(ctx, tx)
		if err != nil {
			return err
		}
		locale, ids, err := in.Validate(true, public)
		if err != nil {
			return err
		}
		s = desk.Subscriber{Email: strings.ToLower(in.Email), Locale: locale, All: in.All, ComponentIDs: ids,
			Secret: NewSecretString(), CreatedAt: now, UpdatedAt: now, ConfirmedAt: &now}
		return tx.CreateSubscriber(ctx, &s)
	})
	return s, err
}

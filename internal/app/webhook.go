package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Outgoing webhooks (docs/webhooks.md): admins register endpoints that receive the desk's
// events, signed per Standard Webhooks, or a readable message in a chat channel. The events
// themselves are queued by the changes they tell of (events.go) and delivered by the outbox.

// secretRotationGrace is how long the previous secret still signs after a rotation, so a
// receiver can switch to the new one without losing events.
const secretRotationGrace = 24 * time.Hour

// recentDeliveries is how many of an endpoint's deliveries its page shows.
const recentDeliveries = 25

// WebhookInput is a new endpoint, or (as a patch, nil fields unchanged) a change of one.
type WebhookInput struct {
	URL         *string             `json:"url"`
	Description *string             `json:"description"`
	Format      *desk.WebhookFormat `json:"format"`
	Events      *[]string           `json:"events"`
	Locale      *desk.Locale        `json:"locale"`
	Active      *bool               `json:"active"`
}

// WebhookSecret is an endpoint with its secret, as its creator and the admin who rotates it
// see it once.
type WebhookSecret struct {
	desk.WebhookEndpoint
	Secret string `json:"secret"`
}

// Delivery is one message the outbox sent or will send to an endpoint, with its attempts.
type Delivery struct {
	desk.Notification
	Attempts []desk.Attempt `json:"attempt_log"`
}

// CreateWebhook registers an endpoint; admins only. It receives the event types chosen, in
// the standard format unless it says slack, in Dutch unless it says English; its secret is
// made here and shown in the answer, once.
func (a *Webhooks) Create(ctx context.Context, actor desk.Actor, in WebhookInput) (WebhookSecret, error) {
	if err := requireAdmin(actor, "register webhooks"); err != nil {
		return WebhookSecret{}, err
	}
	now := a.clock()
	e := desk.WebhookEndpoint{Format: desk.WebhookStandard, Locale: desk.LocaleNL, Active: true, Events: []string{},
		CreatedAt: now, UpdatedAt: now}
	if actor.UserID != 0 {
		e.CreatedByID = ptr(actor.UserID)
	}
	in.apply(&e)
	if err := a.validate(e); err != nil {
		return WebhookSecret{}, err
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return WebhookSecret{}, err
	}
	e.Secret = secret
	err = a.db.write(ctx, func(tx webhookTx) error {
		if err := tx.CreateWebhook(ctx, &e); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "webhook_endpoint", e.ID, nil, "create", nil, e)
	})
	return WebhookSecret{WebhookEndpoint: e, Secret: secret}, err
}

// Webhooks lists the endpoints, without their secrets; admins only.
func (a *Webhooks) List(ctx context.Context, actor desk.Actor) (es []desk.WebhookEndpoint, err error) {
	if err := requireAdmin(actor, "see webhooks"); err != nil {
		return nil, err
	}
	err = a.db.read(ctx, func(tx webhookTx) error {
		es, err = tx.Webhooks(ctx)
		return err
	})
	return es, err
}

// Get returns one endpoint, without its secret; admins only.
func (a *Webhooks) Get(ctx context.Context, actor desk.Actor, id int64) (e desk.WebhookEndpoint, err error) {
	if err := requireAdmin(actor, "see webhooks"); err != nil {
		return e, err
	}
	err = a.db.read(ctx, func(tx webhookTx) error {
		e, err = tx.Webhook(ctx, id)
		return err
	})
	return e, err
}

// Update changes an endpoint's URL, description, format, events, language or whether it is
// on; admins only. Switching it off stops its deliveries: what waits in the outbox is
// skipped.
func (a *Webhooks) Update(ctx context.Context, actor desk.Actor, id int64, p WebhookInput) (e desk.WebhookEndpoint, err error) {
	if err := requireAdmin(actor, "change webhooks"); err != nil {
		return e, err
	}
	now := a.clock()
	err = a.db.write(ctx, func(tx webhookTx) error {
		if e, err = tx.Webhook(ctx, id); err != nil {
			return err
		}
		before := e
		p.apply(&e)
		if err := a.validate(e); err != nil {
			return err
		}
		e.UpdatedAt = now
		if err := tx.UpdateWebhook(ctx, &e); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "webhook_endpoint", e.ID, nil, "update", before, e)
	})
	return e, err
}

// Delete removes an endpoint and its deliveries; admins only.
func (a *Webhooks) Delete(ctx context.Context, actor desk.Actor, id int64) error {
	if err := requireAdmin(actor, "delete webhooks"); err != nil {
		return err
	}
	now := a.clock()
	return a.db.write(ctx, func(tx webhookTx) error {
		e, err := tx.Webhook(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "webhook_endpoint", id, nil, "delete", e, map[string]any{})
	})
}

// RotateSecret gives an endpoint a new secret and shows it, once; admins only. For a day the
// previous secret signs too (a second signature in webhook-signature), so the receiver can
// switch without losing events.
func (a *Webhooks) RotateSecret(ctx context.Context, actor desk.Actor, id int64) (WebhookSecret, error) {
	if err := requireAdmin(actor, "rotate webhook secrets"); err != nil {
		return WebhookSecret{}, err
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return WebhookSecret{}, err
	}
	now := a.clock()
	var e desk.WebhookEndpoint
	err = a.db.write(ctx, func(tx webhookTx) (err error) {
		if e, err = tx.Webhook(ctx, id); err != nil {
			return err
		}
		until := now.Add(secretRotationGrace)
		e.PreviousSecret, e.PreviousUntil, e.Secret, e.UpdatedAt = e.Secret, &until, secret, now
		if err := tx.UpdateWebhook(ctx, &e); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "webhook_endpoint", e.ID, nil, "rotate_secret",
			map[string]any{}, map[string]any{"previous_valid_until": until})
	})
	return WebhookSecret{WebhookEndpoint: e, Secret: secret}, err
}

// SendTest queues a webhook.test event for the endpoint, whatever event types it receives;
// admins only. It is delivered like any other event, so the endpoint's deliveries show how
// it went.
func (a *Webhooks) SendTest(ctx context.Context, actor desk.Actor, id int64) (n desk.Notification, err error) {
	if err := requireAdmin(actor, "test webhooks"); err != nil {
		return n, err
	}
	now := a.clock()
	err = a.db.write(ctx, func(tx webhookTx) error {
		e, err := tx.Webhook(ctx, id)
		if err != nil {
			return err
		}
		if !e.Active {
			return desk.Errorf(desk.ECONFLICT, "the endpoint is switched off; switch it on to test it")
		}
		body, err := json.Marshal(event{Type: desk.EventWebhookTest, Timestamp: now, Data: eventData{
			Actor: actorEvent(actor), Message: "This is a test event from Meldpunt, sent by " + actor.Name + ".",
		}})
		if err != nil {
			return err
		}
		n = desk.Notification{Kind: desk.EventWebhookTest, Via: e.Format.Via(), EndpointID: e.ID, Locale: e.Locale,
			Payload: string(body), CreatedAt: now}
		if err := tx.Notify(ctx, &n); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "webhook_endpoint", e.ID, nil, "test", nil, map[string]any{"notification": n.ID})
	})
	return n, err
}

// Deliveries lists the endpoint's most recent deliveries, newest first, with their attempts
// (status code, duration, error); admins only.
func (a *Webhooks) Deliveries(ctx context.Context, actor desk.Actor, id int64) (ds []Delivery, err error) {
	if err := requireAdmin(actor, "see webhooks"); err != nil {
		return nil, err
	}
	err = a.db.read(ctx, func(tx webhookTx) error {
		if _, err := tx.Webhook(ctx, id); err != nil {
			return err
		}
		ns, err := tx.Outbox(ctx, desk.OutboxFilter{EndpointID: id, Limit: recentDeliveries})
		if err != nil {
			return err
		}
		ds = make([]Delivery, 0, len(ns))
		for _, n := range ns {
			as, err := tx.Attempts(ctx, n.ID)
			if err != nil {
				return err
			}
			ds = append(ds, Delivery{Notification: n, Attempts: as})
		}
		return nil
	})
	return ds, err
}

// apply sets the fields the input names.
func (in WebhookInput) apply(e *desk.WebhookEndpoint) {
	if in.URL != nil {
		e.URL = strings.TrimSpace(*in.URL)
	}
	if in.Description != nil {
		e.Description = strings.TrimSpace(*in.Description)
	}
	if in.Format != nil {
		e.Format = *in.Format
	}
	if in.Events != nil {
		e.Events = slices.Clone(*in.Events)
	}
	if in.Locale != nil {
		e.Locale = *in.Locale
	}
	if in.Active != nil {
		e.Active = *in.Active
	}
}

// validate checks the endpoint's fields and, when they hold, whether the operator's
// network rules let events be posted to its URL.
func (a *Webhooks) validate(e desk.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if a.cfg.Outbox.Poster == nil {
		return nil
	}
	if err := a.cfg.Outbox.Poster.CheckURL(e.URL); err != nil {
		var v desk.Validator
		v.Add("url", "reachable", "%s", err.Error())
		return v.Err()
	}
	return nil
}

// newWebhookSecret makes a secret in the form of Standard Webhooks: "whsec_" and the base64
// of 32 random bytes.
func newWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/statuspage"
)

// Status notices (desk.StatusNotice): every change the desk publishes on the status page is
// told to whoever follows the page, once, through the outbox, in the transaction of the
// change itself. queueStatusNotice is the one place that fans a notice out to the channels.

// statusNoticeTx is what queueing a notice reads and writes.
type statusNoticeTx interface {
	WebhookStore
	ComponentStore
	PublicIncidentStore
	SubscriberStore
	ticketNoticeTx
}

// queueStatusNotice queues notice n for every channel that follows the status page. Call it
// in the transaction that publishes the change, after the change is stored.
func (a *core) queueStatusNotice(ctx context.Context, tx statusNoticeTx, n desk.StatusNotice) error {
	return a.queueStatusNoticeBy(ctx, tx, n, desk.Actor{System: true, Name: "Meldpunt"}, false)
}

// queueStatusNoticeBy is queueStatusNotice for a change the actor made; resolveTickets
// resolves the linked tickets with a resolving update's message (ticketlink.go).
func (a *core) queueStatusNoticeBy(ctx context.Context, tx statusNoticeTx, n desk.StatusNotice, actor desk.Actor, resolveTickets bool) error {
	// The linked tickets: a reply on each one's timeline and one email to its reporter,
	// who then gets no subscriber email of the same notice.
	except, err := a.queueTicketNotices(ctx, tx, n, actor, resolveTickets)
	if err != nil {
		return err
	}
	// Webhook endpoints subscribed to the notice's kind (e.g. status.incident.updated).
	if err := a.queueStatusWebhooks(ctx, tx, n); err != nil {
		return err
	}
	// The status page's confirmed email subscribers who follow it or one of its components.
	if _, err := queueSubscriberNotices(ctx, tx, n, except...); err != nil {
		return err
	}
	return nil
}

// statusEvent is the body a webhook endpoint receives for a status notice: the envelope of
// every Meldpunt event, with the page and the incident in Statuspage's v2 shape (the
// incident in its public view, as the page shows it).
type statusEvent struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      statusEventData `json:"data"`
}

type statusEventData struct {
	Page     statusEventPage     `json:"page"`
	Incident statuspage.Incident `json:"incident"`
	// UpdateID is the update the notice is about (Statuspage's id, "u…"); null for a reminder.
	UpdateID *string `json:"update_id"`
}

type statusEventPage struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// queueStatusWebhooks queues the notice as an event for the webhook endpoints that receive
// its kind; with none, it costs one count.
func (a *core) queueStatusWebhooks(ctx context.Context, tx statusNoticeTx, n desk.StatusNotice) error {
	kind := string(n.Kind)
	wanting, err := tx.WebhooksWanting(ctx, kind)
	if err != nil || wanting == 0 {
		return err
	}
	p, err := tx.PublicIncident(ctx, n.PublicIncidentID)
	if err != nil {
		return err
	}
	comps, err := publicComponents(ctx, tx)
	if err != nil {
		return err
	}
	p = p.Public(func(id int64) bool { _, ok := comps[id]; return ok })
	w := statuspage.NewWriter(a.cfg.BaseURL)
	d := statusEventData{Page: statusEventPage{ID: statuspage.PageID, URL: a.cfg.BaseURL + "/status"},
		Incident: w.Incident(p, comps)}
	if n.UpdateID != 0 {
		id := statuspage.UpdateID(n.UpdateID)
		d.UpdateID = &id
	}
	body, err := json.Marshal(statusEvent{Type: kind, Timestamp: n.At, Data: d})
	if err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	_, err = tx.Publish(ctx, kind, nil, string(body), n.At)
	return err
}

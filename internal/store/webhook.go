package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// Webhook endpoints (docs/webhooks.md) and the events queued for them.

const webhookColumns = `id, url, description, format, events, locale, secret, previous_secret,
	previous_until, active, created_by, created_at, updated_at`

func scanWebhook(r row) (desk.WebhookEndpoint, error) {
	var e desk.WebhookEndpoint
	var format, events, locale string
	var previousUntil, created, updated int64
	var by sql.NullInt64
	err := r.Scan(&e.ID, &e.URL, &e.Description, &format, &events, &locale, &e.Secret, &e.PreviousSecret,
		&previousUntil, &e.Active, &by, &created, &updated)
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(events), &e.Events); err != nil {
		return e, fmt.Errorf("events of webhook endpoint %d: %w", e.ID, err)
	}
	e.Format, e.Locale, e.CreatedByID = desk.WebhookFormat(format), desk.Locale(locale), fromNullID(by)
	e.CreatedAt, e.UpdatedAt = fromMillis(created), fromMillis(updated)
	if previousUntil > 0 {
		t := fromMillis(previousUntil)
		e.PreviousUntil = &t
	}
	return e, nil
}

// CreateWebhook stores an endpoint and sets its ID.
func (t *tx) CreateWebhook(ctx context.Context, e *desk.WebhookEndpoint) error {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return fmt.Errorf("create webhook endpoint: %w", err)
	}
	err = t.queryRow(ctx, `INSERT INTO webhook_endpoints (url, description, format, events, locale, secret,
		previous_secret, previous_until, active, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		e.URL, e.Description, string(e.Format), string(events), string(e.Locale), e.Secret,
		e.PreviousSecret, previousUntil(e), e.Active, nullID(e.CreatedByID), millis(e.CreatedAt), millis(e.UpdatedAt)).Scan(&e.ID)
	if err != nil {
		return writeErr(err, "create webhook endpoint", "", "the creator does not exist")
	}
	return nil
}

// Webhook returns one endpoint; ENOTFOUND when there is none.
func (t *tx) Webhook(ctx context.Context, id int64) (desk.WebhookEndpoint, error) {
	e, err := scanWebhook(t.queryRow(ctx, "SELECT "+webhookColumns+" FROM webhook_endpoints WHERE id = $1", id))
	if err != nil {
		return e, readErr(err, "read webhook endpoint", "webhook endpoint")
	}
	return e, nil
}

// Webhooks lists the endpoints, oldest first.
func (t *tx) Webhooks(ctx context.Context) ([]desk.WebhookEndpoint, error) {
	return list(ctx, t, "list webhook endpoints", scanWebhook, "SELECT "+webhookColumns+" FROM webhook_endpoints ORDER BY id")
}

// UpdateWebhook stores every field but the creation.
func (t *tx) UpdateWebhook(ctx context.Context, e *desk.WebhookEndpoint) error {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return fmt.Errorf("update webhook endpoint: %w", err)
	}
	res, err := t.exec(ctx, `UPDATE webhook_endpoints SET url = $2, description = $3, format = $4, events = $5,
		locale = $6, secret = $7, previous_secret = $8, previous_until = $9, active = $10, updated_at = $11
		WHERE id = $1`,
		e.ID, e.URL, e.Description, string(e.Format), string(events), string(e.Locale), e.Secret,
		e.PreviousSecret, previousUntil(e), e.Active, millis(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update webhook endpoint: %w", err)
	}
	return mustAffect(res, "update webhook endpoint", "webhook endpoint")
}

// DeleteWebhook deletes an endpoint and, with it, the events queued or sent to it.
func (t *tx) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM webhook_endpoints WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("delete webhook endpoint: %w", err)
	}
	return mustAffect(res, "delete webhook endpoint", "webhook endpoint")
}

func previousUntil(e *desk.WebhookEndpoint) int64 {
	if e.PreviousUntil == nil {
		return 0
	}
	return millis(*e.PreviousUntil)
}

// WebhooksWanting counts the active endpoints that receive events of the type, so that a
// change builds an event only when someone receives it.
//
// It and Publish build the LIKE pattern in SQL around the escaped type instead of binding
// the whole pattern: SQLite prepares a statement again whenever the value bound as the
// pattern of a LIKE changes (a fixed prefix could use an index), and on every change of an
// incident that cost more than the count itself.
func (t *tx) WebhooksWanting(ctx context.Context, event string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM webhook_endpoints WHERE active = TRUE AND events LIKE '%' || $1 || '%' ESCAPE '\'`,
		likeEscape(`"`+event+`"`)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count webhook endpoints: %w", err)
	}
	return n, nil
}

// Publish queues the event (its whole JSON as it is posted) for every active endpoint that
// receives its type, in the transaction of the change it tells of: a webhook for the
// standard format, a chat message for the slack format, in the endpoint's language. It
// returns how many it queued.
func (t *tx) Publish(ctx context.Context, event string, incidentID *int64, payload string, at time.Time) (int, error) {
	res, err := t.exec(ctx, `INSERT INTO notifications (kind, via, endpoint_id, locale, incident_id, payload,
		created_at, next_attempt_at)
		SELECT $1, CASE format WHEN 'slack' THEN 'chat' ELSE 'webhook' END, id, locale, $2, $3, $4, $4
		FROM webhook_endpoints WHERE active = TRUE AND events LIKE '%' || $5 || '%' ESCAPE '\' ORDER BY id`,
		event, nullID(incidentID), payload, millis(at), likeEscape(`"`+event+`"`))
	if err != nil {
		return 0, writeErr(err, "publish event", "", "the event refers to an incident that does not exist")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("publish event: %w", err)
	}
	return int(n), nil
}

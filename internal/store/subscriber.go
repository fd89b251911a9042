package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// The status page's email subscribers (issue 11) and the fan-out of a status notice to
// them: one set-based INSERT … SELECT into the outbox, whatever their number.

const subscriberColumns = `id, email, locale, all_components, secret, confirmed_at, created_at, updated_at`

func scanSubscriber(r row) (desk.Subscriber, error) {
	var s desk.Subscriber
	var locale string
	var confirmed sql.NullInt64
	var created, updated int64
	if err := r.Scan(&s.ID, &s.Email, &locale, &s.All, &s.Secret, &confirmed, &created, &updated); err != nil {
		return s, err
	}
	s.Locale, s.ConfirmedAt = desk.Locale(locale), fromNullMillis(confirmed)
	s.CreatedAt, s.UpdatedAt = fromMillis(created), fromMillis(updated)
	return s, nil
}

// CreateSubscriber stores a subscriber and its chosen components and sets s.ID; ECONFLICT
// when the address is subscribed already.
func (t *tx) CreateSubscriber(ctx context.Context, s *desk.Subscriber) error {
	s.Email = strings.ToLower(s.Email)
	id, err := t.insert(ctx, `INSERT INTO status_subscribers (email, locale, all_components, secret, confirmed_at,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.Email, string(s.Locale), s.All, s.Secret, nullMillis(s.ConfirmedAt), millis(s.CreatedAt), millis(s.UpdatedAt))
	if err != nil {
		return writeErr(err, "create subscriber", "this address is subscribed already", "")
	}
	s.ID = id
	return t.putSubscriberComponents(ctx, s)
}

// putSubscriberComponents replaces the subscriber's chosen components.
func (t *tx) putSubscriberComponents(ctx context.Context, s *desk.Subscriber) error {
	if _, err := t.exec(ctx, "DELETE FROM status_subscriber_components WHERE subscriber_id = $1", s.ID); err != nil {
		return fmt.Errorf("replace subscriber components: %w", err)
	}
	if s.All || len(s.ComponentIDs) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO status_subscriber_components (subscriber_id, component_id) VALUES ")
	args := []any{s.ID}
	for i, c := range s.ComponentIDs {
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, c)
		q.WriteString("($1, $" + strconv.Itoa(len(args)) + ")")
	}
	if _, err := t.exec(ctx, q.String(), args...); err != nil {
		return writeErr(err, "store subscriber components", "a component is listed twice", "a component does not exist")
	}
	return nil
}

// Subscriber returns one subscriber with its chosen components; ENOTFOUND when there is none.
func (t *tx) Subscriber(ctx context.Context, id int64) (desk.Subscriber, error) {
	return t.subscriber(ctx, "SELECT "+subscriberColumns+" FROM status_subscribers WHERE id = $1", id)
}

// SubscriberByEmail returns the subscriber of an address (compared in lower case);
// ENOTFOUND when it is not subscribed.
func (t *tx) SubscriberByEmail(ctx context.Context, email string) (desk.Subscriber, error) {
	return t.subscriber(ctx, "SELECT "+subscriberColumns+" FROM status_subscribers WHERE email = $1", strings.ToLower(email))
}

func (t *tx) subscriber(ctx context.Context, q string, arg any) (desk.Subscriber, error) {
	s, err := scanSubscriber(t.queryRow(ctx, q, arg))
	if err != nil {
		return s, readErr(err, "read subscriber", "subscriber")
	}
	s.ComponentIDs, err = t.ids(ctx, "read subscriber components",
		"SELECT component_id FROM status_subscriber_components WHERE subscriber_id = $1 ORDER BY component_id", s.ID)
	return s, err
}

// UpdateSubscriber stores the language, the choice of components and the confirmation.
func (t *tx) UpdateSubscriber(ctx context.Context, s *desk.Subscriber) error {
	res, err := t.exec(ctx, `UPDATE status_subscribers SET locale = $2, all_components = $3, confirmed_at = $4,
		updated_at = $5 WHERE id = $1`, s.ID, string(s.Locale), s.All, nullMillis(s.ConfirmedAt), millis(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update subscriber: %w", err)
	}
	if err := mustAffect(res, "update subscriber", "subscriber"); err != nil {
		return err
	}
	return t.putSubscriberComponents(ctx, s)
}

// DeleteSubscriber forgets a subscriber (and its choice of components).
func (t *tx) DeleteSubscriber(ctx context.Context, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM status_subscribers WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("delete subscriber: %w", err)
	}
	return mustAffect(res, "delete subscriber", "subscriber")
}

// QueueSubscriberNotices queues one email of the kind to every confirmed subscriber who
// follows everything or any of the components, with the payload of the subscriber's
// language (payloads[locale]; Dutch when the language has none), in one INSERT … SELECT:
// 10,000 subscribers are one statement, not 10,000 (docs/benchmarks.md). Addresses in
// except (lower case) are left out: they hear of it another way. It says how many it
// queued.
func (t *tx) QueueSubscriberNotices(ctx context.Context, kind string, payloads map[desk.Locale]string,
	components []int64, except []string, at time.Time) (int64, error) {
	nl := payloads[desk.LocaleNL]
	en, ok := payloads[desk.LocaleEN]
	if !ok {
		en = nl
	}
	args := []any{kind, en, nl, millis(at)}
	match := "s.all_components = TRUE"
	if len(components) > 0 {
		ph := make([]string, len(components))
		for i, c := range components {
			args = append(args, c)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		match += ` OR EXISTS (SELECT 1 FROM status_subscriber_components sc WHERE sc.subscriber_id = s.id
			AND sc.component_id IN (` + strings.Join(ph, ", ") + `))`
	}
	match = "(" + match + ")"
	if len(except) > 0 {
		ph := make([]string, len(except))
		for i, e := range except {
			args = append(args, strings.ToLower(e))
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		match += " AND s.email NOT IN (" + strings.Join(ph, ", ") + ")"
	}
	res, err := t.exec(ctx, `INSERT INTO notifications (kind, via, to_email, locale, payload, created_at, next_attempt_at)
		SELECT $1, 'email', s.email, s.locale, CASE WHEN s.locale = 'en' THEN $2 ELSE $3 END, $4, $4
		FROM status_subscribers s WHERE s.confirmed_at IS NOT NULL AND `+match+` ORDER BY s.id`, args...)
	if err != nil {
		return 0, fmt.Errorf("queue subscriber notices: %w", err)
	}
	return res.RowsAffected()
}

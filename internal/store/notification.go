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

// The outbox: notifications are written in the transaction of the change that causes them
// and delivered by a job that leases each row (docs/email.md).

const notificationColumns = `id, kind, via, user_id, to_email, to_name, locale, endpoint_id, incident_id,
	payload, created_at, state, attempts, next_attempt_at, last_error, sent_at, location`

func scanNotification(row row) (desk.Notification, error) {
	var n desk.Notification
	var user, endpoint, incident, sent sql.NullInt64
	var created, next int64
	var via, locale, state string
	err := row.Scan(&n.ID, &n.Kind, &via, &user, &n.ToEmail, &n.ToName, &locale, &endpoint, &incident,
		&n.Payload, &created, &state, &n.Attempts, &next, &n.LastError, &sent, &n.Location)
	if err != nil {
		return n, err
	}
	n.Via, n.UserID, n.Locale, n.EndpointID = desk.Via(via), user.Int64, desk.Locale(locale), endpoint.Int64
	n.IncidentID, n.CreatedAt, n.SentAt = fromNullID(incident), fromMillis(created), fromNullMillis(sent)
	n.State, n.NextAttemptAt = desk.DeliveryState(state), fromMillis(next)
	return n, nil
}

// insertNotification is the INSERT of one notification; notificationValues its arguments.
const insertNotification = `INSERT INTO notifications (kind, via, user_id, to_email, to_name, locale,
	endpoint_id, incident_id, payload, created_at, next_attempt_at) VALUES `

// notificationArgs is how many arguments notificationValues gives.
const notificationArgs = 10

// notificationValues prepares n to be queued (pending, due at once, email when no channel
// is named) and returns the arguments of its row.
func notificationValues(n *desk.Notification) []any {
	n.State, n.NextAttemptAt = desk.DeliveryPending, fromMillis(millis(n.CreatedAt))
	if n.Via == "" {
		n.Via = desk.ViaEmail
	}
	return []any{n.Kind, string(n.Via), nullZero(n.UserID), n.ToEmail, n.ToName, string(n.Locale),
		nullZero(n.EndpointID), nullID(n.IncidentID), n.Payload, millis(n.CreatedAt)}
}

// notificationRow returns "($k+1, …, $k+10, $k+10)": a row of insertNotification whose
// arguments start after k, the creation time serving as the first due time too.
// It is built on every insert, so with strconv rather than fmt: a new report to a desk of
// ten spent a tenth of its time formatting placeholders.
func notificationRow(k int) string {
	b := make([]byte, 0, 8*(notificationArgs+1))
	b = append(b, '(')
	for i := 1; i <= notificationArgs; i++ {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(k+i), 10)
		b = append(b, ", "...)
	}
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(k+notificationArgs), 10)
	b = append(b, ')')
	return string(b)
}

// nullZero turns an optional reference whose absence is 0 into a query argument.
func nullZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Notify queues a notification and sets n.ID. It is written in the transaction of the
// change that causes it, so a message is queued exactly when the change is stored. It is
// due at once.
func (t *tx) Notify(ctx context.Context, n *desk.Notification) error {
	args := notificationValues(n)
	var err error
	if n.ID, err = t.insert(ctx, insertNotification+notificationRow(0), args...); err != nil {
		return writeErr(err, "queue notification", "", "the notification refers to a user, endpoint or incident that does not exist")
	}
	return nil
}

// notifyChunk bounds the rows of one INSERT of NotifyMany: at ten parameters a row, far
// below the limits of both databases (SQLite 32,766, PostgreSQL 65,535).
const notifyChunk = 200

// NotifyMany queues several notifications in the transaction of the change that causes
// them, with one multi-row INSERT per notifyChunk rows instead of one per notification: a
// new report tells every desk user. All or none are queued. Like Notify it sets each
// notification's state and due time; unlike Notify it leaves n.ID alone, as neither
// database promises to return the rows of RETURNING in the order of the VALUES.
//
// Each row count is its own statement text, so its own entry in the statement cache. In
// practice the counts are few: a new report goes to the whole desk (the same number each
// time until staff change), everything else to a few people. Past the cache's bound, a
// statement simply runs unprepared.
func (t *tx) NotifyMany(ctx context.Context, ns []*desk.Notification) (err error) {
	if len(ns) > notifyChunk {
		// Several statements: undo the ones that worked if a later one fails.
		if _, err := t.tx.ExecContext(ctx, "SAVEPOINT notify_many"); err != nil {
			return fmt.Errorf("queue notifications: %w", err)
		}
		defer func() {
			undo := "RELEASE notify_many"
			if err != nil {
				undo = "ROLLBACK TO notify_many; RELEASE notify_many"
			}
			if _, uerr := t.tx.ExecContext(ctx, undo); uerr != nil && err == nil {
				err = fmt.Errorf("queue notifications: %w", uerr)
			}
		}()
	}
	for len(ns) > 0 {
		chunk := ns[:min(len(ns), notifyChunk)]
		ns = ns[len(chunk):]
		var q strings.Builder
		q.WriteString(insertNotification)
		args := make([]any, 0, notificationArgs*len(chunk))
		for i, n := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(notificationRow(len(args)))
			args = append(args, notificationValues(n)...)
		}
		if _, err := t.exec(ctx, q.String(), args...); err != nil {
			return writeErr(err, "queue notifications", "", "a notification refers to a user or incident that does not exist")
		}
	}
	return nil
}

// Notifications lists the notifications of a user, oldest first.
func (t *tx) Notifications(ctx context.Context, userID int64) ([]desk.Notification, error) {
	return t.notifications(ctx, "list notifications", `SELECT `+notificationColumns+`
		FROM notifications WHERE user_id = $1 ORDER BY id`, userID)
}

func (t *tx) notifications(ctx context.Context, what, q string, args ...any) ([]desk.Notification, error) {
	return list(ctx, t, what, scanNotification, q, args...)
}

// Notification returns one notification; ENOTFOUND when there is none.
func (t *tx) Notification(ctx context.Context, id int64) (desk.Notification, error) {
	n, err := scanNotification(t.queryRow(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1`, id))
	if err != nil {
		return n, readErr(err, "read notification", "notification")
	}
	return n, nil
}

// DueNotifications lists the ids of pending notifications of the channels named, due at now
// and not leased, oldest first.
func (t *tx) DueNotifications(ctx context.Context, now time.Time, vias []desk.Via, limit int) ([]int64, error) {
	if len(vias) == 0 {
		return []int64{}, nil
	}
	args := []any{millis(now), max(limit, 1)}
	for _, v := range vias {
		args = append(args, string(v))
	}
	return t.ids(ctx, "due notifications", `SELECT id FROM notifications WHERE state = 'pending'
		AND next_attempt_at <= $1 AND lease_until <= $1 AND via IN (`+placeholders(3, len(vias))+`)
		ORDER BY next_attempt_at, id LIMIT $2`, args...)
}

// LeaseNotification claims a due notification for owner until the given time; exactly one
// of several callers at once gets true.
func (t *tx) LeaseNotification(ctx context.Context, id int64, owner string, now, until time.Time) (bool, error) {
	return t.changed(ctx, "lease notification", `UPDATE notifications SET lease_owner = $2, lease_until = $4
		WHERE id = $1 AND state = 'pending' AND next_attempt_at <= $3 AND lease_until <= $3`,
		id, owner, millis(now), millis(until))
}

// SettleNotification records an attempt on a notification leased by owner and ends the
// lease; false when owner no longer holds it.
func (t *tx) SettleNotification(ctx context.Context, id int64, owner string, d desk.Delivery) (bool, error) {
	next := d.NextAttemptAt
	if next.IsZero() {
		next = time.UnixMilli(0)
	}
	ok, err := t.changed(ctx, "settle notification", `UPDATE notifications SET state = $3, attempts = $4,
		next_attempt_at = $5, last_error = $6, sent_at = $7, location = $8, lease_owner = '', lease_until = 0
		WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
		id, owner, string(d.State), d.Attempts, millis(next), clip(d.LastError, 1000), nullMillis(d.SentAt), clip(d.Location, 1000))
	if err != nil || !ok || d.Attempt == nil {
		return ok, err
	}
	a := d.Attempt
	_, err = t.exec(ctx, `INSERT INTO delivery_attempts (notification_id, attempted_at, duration_ms, status_code, error, location)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		id, millis(a.At), a.Duration.Milliseconds(), a.StatusCode, clip(a.Error, 1000), clip(a.Location, 1000))
	if err != nil {
		return false, fmt.Errorf("record the delivery attempt: %w", err)
	}
	return true, nil
}

// Attempts lists the delivery attempts of a notification, oldest first.
func (t *tx) Attempts(ctx context.Context, notificationID int64) ([]desk.Attempt, error) {
	return list(ctx, t, "list delivery attempts", scanAttempt, `SELECT `+attemptColumns+`
		FROM delivery_attempts WHERE notification_id = $1 ORDER BY id`, notificationID)
}

const attemptColumns = `id, notification_id, attempted_at, duration_ms, status_code, error, location`

func scanAttempt(r row) (desk.Attempt, error) {
	var a desk.Attempt
	var at int64
	err := r.Scan(&a.ID, &a.NotificationID, &at, &a.DurationMS, &a.StatusCode, &a.Error, &a.Location)
	a.At, a.Duration = fromMillis(at), time.Duration(a.DurationMS)*time.Millisecond
	return a, err
}

// clip cuts s to at most n bytes, dropping a rune cut in half.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Outbox lists notifications newest first, by state, channel and endpoint when the filter
// names them; with f.After (and no f.Before) those above that id, oldest first.
func (t *tx) Outbox(ctx context.Context, f desk.OutboxFilter) ([]desk.Notification, error) {
	w := &where{}
	if f.State != "" {
		w.add("state = %s", string(f.State))
	}
	if f.Via != "" {
		w.add("via = %s", string(f.Via))
	}
	if f.EndpointID != 0 {
		w.add("endpoint_id = %s", f.EndpointID)
	}
	order := " ORDER BY id DESC"
	switch {
	case f.Before > 0:
		w.add("id < %s", f.Before)
	case f.After > 0:
		w.add("id > %s", f.After)
		order = " ORDER BY id"
	}
	q := `SELECT ` + notificationColumns + ` FROM notifications` + w.sql() + order + ` LIMIT ` + w.arg(limit(f.Limit))
	return t.notifications(ctx, "list the outbox", q, w.args...)
}

// OutboxCounts counts notifications per delivery state.
func (t *tx) OutboxCounts(ctx context.Context) (map[desk.DeliveryState]int, error) {
	counts := map[desk.DeliveryState]int{}
	for _, s := range desk.DeliveryStates {
		counts[s] = 0
	}
	err := each(ctx, t, "count the outbox", func(r row) error {
		var s string
		var n int
		err := r.Scan(&s, &n)
		counts[desk.DeliveryState(s)] = n
		return err
	}, `SELECT state, COUNT(*) FROM notifications GROUP BY state`)
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// RetryNotification makes a failed notification pending again, due at now.
func (t *tx) RetryNotification(ctx context.Context, id int64, now time.Time) (bool, error) {
	return t.changed(ctx, "retry notification", `UPDATE notifications SET state = 'pending', attempts = 0,
		next_attempt_at = $2, lease_owner = '', lease_until = 0 WHERE id = $1 AND state = 'failed'`, id, millis(now))
}

// NotificationOptOuts lists the optional kinds a user switched off, sorted.
func (t *tx) NotificationOptOuts(ctx context.Context, userID int64) ([]string, error) {
	kinds := []string{}
	if err := each(ctx, t, "read notification preferences", func(r row) error {
		var k string
		if err := r.Scan(&k); err != nil {
			return err
		}
		kinds = append(kinds, k)
		return nil
	}, `SELECT kind FROM notification_optouts WHERE user_id = $1 ORDER BY kind`, userID); err != nil {
		return nil, err
	}
	return kinds, nil
}

// SetNotificationOptOuts replaces the kinds a user switched off.
func (t *tx) SetNotificationOptOuts(ctx context.Context, userID int64, kinds []string) error {
	if _, err := t.exec(ctx, `DELETE FROM notification_optouts WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store notification preferences: %w", err)
	}
	for _, k := range kinds {
		_, err := t.exec(ctx, `INSERT INTO notification_optouts (user_id, kind) VALUES ($1, $2)
			ON CONFLICT (user_id, kind) DO NOTHING`, userID, k)
		if err != nil {
			return writeErr(err, "store notification preferences", "", "the user does not exist")
		}
	}
	return nil
}

// RecordInbound remembers a received message's Message-ID; false when it was recorded
// before.
func (t *tx) RecordInbound(ctx context.Context, messageID string, incidentID *int64, at time.Time) (bool, error) {
	return t.changed(ctx, "record inbound message", `INSERT INTO inbound_messages (message_id, incident_id, received_at)
		VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING`, clip(messageID, 500), nullID(incidentID), millis(at))
}

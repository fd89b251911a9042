package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// A database that the release before channels left at migration 7, with messages in its
// outbox, migrates: every message keeps its id, recipient and delivery, goes by email, and
// new messages never take the id of one deleted before (reply addresses and Message-IDs
// name notification ids).
func TestMigrateChannelsKeepsTheOutbox(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.OpenEmpty(t, dialect)
			if _, err := db.MigrateToForTest(ctx, 7); err != nil {
				t.Fatalf("migrate to 7: %v", err)
			}
			w := db.WriterForTest()
			var org, user int64
			if err := w.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, kind, created_at, updated_at)
				VALUES ('acme', 'Acme', 'client', 0, 0) RETURNING id`).Scan(&org); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, `INSERT INTO users (org_id, email, name, role, locale, password_hash, active, created_at, updated_at)
				VALUES ($1, 'rita@acme.test', 'Rita', 'client_user', 'en', '', $2, 0, 0) RETURNING id`, org, true).Scan(&user); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for i, state := range []string{"sent", "pending", "failed"} {
				var id int64
				if err := w.QueryRowContext(ctx, `INSERT INTO notifications (kind, user_id, payload, created_at, state,
					attempts, next_attempt_at, last_error, location) VALUES ('closed', $1, '{"n":1}', $2, $3, $4, $2, 'boom', 'smtp://mx:25')
					RETURNING id`, user, t0.UnixMilli()+int64(i), state, i).Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			// The newest message is deleted (with its incident, say): its id stays used.
			if _, err := w.ExecContext(ctx, `DELETE FROM notifications WHERE id = $1`, ids[2]); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				n, err := tx.Notification(ctx, ids[1])
				if err != nil {
					return err
				}
				if n.Via != desk.ViaEmail || n.UserID != user || n.State != desk.DeliveryPending || n.Attempts != 1 ||
					n.LastError != "boom" || n.Location != "smtp://mx:25" || n.Payload != `{"n":1}` || n.EndpointID != 0 {
					t.Errorf("migrated notification = %+v", n)
				}
				list, err := tx.Notifications(ctx, user)
				if err != nil || len(list) != 2 {
					t.Errorf("Notifications = %v, %v; want the two left", list, err)
				}
				return nil
			})
			fresh := desk.Notification{Kind: "closed", UserID: user, Payload: "{}", CreatedAt: t0}
			write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.Notify(ctx, &fresh) })
			if fresh.ID <= ids[2] {
				t.Errorf("a new notification took id %d; ids up to %d were used before", fresh.ID, ids[2])
			}
		})
	}
}

// The outbox carries email to a user or to an address without an account, and events to
// webhook and chat endpoints; every message has exactly one recipient.
func TestOutboxChannels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Checkout down")
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })

		standard := desk.WebhookEndpoint{URL: "https://hooks.example.com/in", Description: "ops", Format: desk.WebhookStandard,
			Events: []string{desk.EventIncidentCreated, desk.EventIncidentClosed}, Locale: desk.LocaleEN, Active: true,
			Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", CreatedByID: &f.agent.ID, CreatedAt: t0, UpdatedAt: t0}
		chat := desk.WebhookEndpoint{URL: "https://chat.example.com/hooks/T1/B2/xyz", Format: desk.WebhookSlack,
			Events: []string{desk.EventIncidentCreated}, Locale: desk.LocaleNL, Active: true, Secret: standard.Secret,
			CreatedAt: t0, UpdatedAt: t0}
		off := desk.WebhookEndpoint{URL: "https://off.example.com/", Format: desk.WebhookStandard,
			Events: []string{desk.EventIncidentCreated}, Locale: desk.LocaleEN, Active: false, Secret: standard.Secret,
			CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, e := range []*desk.WebhookEndpoint{&standard, &chat, &off} {
				if err := tx.CreateWebhook(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})

		// Round trip, rotation included.
		until := t0.Add(24 * time.Hour)
		standard.PreviousSecret, standard.PreviousUntil = "whsec_b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xk", &until
		standard.Description, standard.UpdatedAt = "ops channel", t0.Add(time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateWebhook(ctx, &standard) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Webhook(ctx, standard.ID)
			if err != nil {
				return err
			}
			if got.URL != standard.URL || got.Description != "ops channel" || got.Format != desk.WebhookStandard ||
				!slices.Equal(got.Events, standard.Events) || got.Locale != desk.LocaleEN || !got.Active ||
				got.Secret != standard.Secret || got.PreviousSecret != standard.PreviousSecret ||
				got.PreviousUntil == nil || !got.PreviousUntil.Equal(ms(until)) || *got.CreatedByID != f.agent.ID ||
				!got.UpdatedAt.Equal(ms(t0.Add(time.Hour))) {
				t.Errorf("endpoint read back = %+v", got)
			}
			all, err := tx.Webhooks(ctx)
			if err != nil || len(all) != 3 || all[0].ID != standard.ID {
				t.Errorf("Webhooks = %v, %v", all, err)
			}
			for event, want := range map[string]int{desk.EventIncidentCreated: 2, desk.EventIncidentClosed: 1, desk.EventIncidentSLAWarning: 0} {
				if n, err := tx.WebhooksWanting(ctx, event); err != nil || n != want {
					t.Errorf("WebhooksWanting(%s) = %d, %v; want %d", event, n, err, want)
				}
			}
			if _, err := tx.Webhook(ctx, 999999); !desk.IsNotFound(err) {
				t.Errorf("a missing endpoint: %v, want not found", err)
			}
			return nil
		})

		// An event goes to each active endpoint that wants it, by the endpoint's format.
		var queued int
		write(t, db, func(ctx context.Context, tx app.Tx) (err error) {
			queued, err = tx.Publish(ctx, desk.EventIncidentCreated, &in.ID, `{"type":"incident.created"}`, t0)
			return err
		})
		if queued != 2 {
			t.Fatalf("Publish queued %d, want 2 (the inactive endpoint gets nothing)", queued)
		}
		// An email to someone without an account.
		guest := desk.Notification{Kind: "subscribed", Via: desk.ViaEmail, ToEmail: "guest@example.org", ToName: "Guest",
			Locale: desk.LocaleEN, Payload: "{}", CreatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.Notify(ctx, &guest) })
		// Nobody to send to is refused, and so is an email that names an endpoint.
		for name, n := range map[string]desk.Notification{
			"no recipient":       {Kind: "x", Via: desk.ViaEmail, Payload: "{}", CreatedAt: t0},
			"email to endpoint":  {Kind: "x", Via: desk.ViaEmail, ToEmail: "a@b.c", EndpointID: chat.ID, Payload: "{}", CreatedAt: t0},
			"webhook to nothing": {Kind: "x", Via: desk.ViaWebhook, Payload: "{}", CreatedAt: t0},
		} {
			if err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.Notify(ctx, &n) }); err == nil {
				t.Errorf("%s: queued, want refused", name)
			}
		}

		read(t, db, func(ctx context.Context, tx app.Tx) error {
			hooks, err := tx.Outbox(ctx, desk.OutboxFilter{Via: desk.ViaWebhook})
			if err != nil || len(hooks) != 1 || hooks[0].EndpointID != standard.ID || hooks[0].Kind != desk.EventIncidentCreated ||
				hooks[0].Locale != desk.LocaleEN || *hooks[0].IncidentID != in.ID || hooks[0].State != desk.DeliveryPending {
				t.Errorf("webhook messages = %+v, %v", hooks, err)
			}
			chats, err := tx.Outbox(ctx, desk.OutboxFilter{EndpointID: chat.ID})
			if err != nil || len(chats) != 1 || chats[0].Via != desk.ViaChat || chats[0].Locale != desk.LocaleNL {
				t.Errorf("chat messages = %+v, %v", chats, err)
			}
			g, err := tx.Notification(ctx, guest.ID)
			if err != nil || g.UserID != 0 || g.ToEmail != "guest@example.org" || g.ToName != "Guest" || g.Locale != desk.LocaleEN {
				t.Errorf("guest email = %+v, %v", g, err)
			}
			// Due by channel: an instance that delivers email only does not see the events.
			ids, err := tx.DueNotifications(ctx, t0, []desk.Via{desk.ViaEmail}, 10)
			if err != nil || !slices.Equal(ids, []int64{guest.ID}) {
				t.Errorf("due email = %v, %v; want [%d]", ids, err, guest.ID)
			}
			ids, err = tx.DueNotifications(ctx, t0, []desk.Via{desk.ViaWebhook, desk.ViaChat}, 10)
			if err != nil || len(ids) != 2 {
				t.Errorf("due events = %v, %v; want both", ids, err)
			}
			if ids, err := tx.DueNotifications(ctx, t0, nil, 10); err != nil || len(ids) != 0 {
				t.Errorf("due without channels = %v, %v", ids, err)
			}
			return nil
		})

		// Every attempt is recorded with the settlement that ends it.
		hook := firstOf(t, db, desk.OutboxFilter{EndpointID: standard.ID})
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if ok, err := tx.LeaseNotification(ctx, hook.ID, "a", t0, t0.Add(time.Minute)); err != nil || !ok {
				t.Fatalf("lease = %v, %v", ok, err)
			}
			ok, err := tx.SettleNotification(ctx, hook.ID, "a", desk.Delivery{State: desk.DeliveryPending, Attempts: 1,
				NextAttemptAt: t0.Add(30 * time.Second), LastError: "503 Service Unavailable",
				Attempt: &desk.Attempt{At: t0, Duration: 1234 * time.Millisecond, StatusCode: 503, Error: "503 Service Unavailable", Location: "https://hooks.example.com"}})
			if err != nil || !ok {
				t.Fatalf("settle = %v, %v", ok, err)
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			as, err := tx.Attempts(ctx, hook.ID)
			if err != nil || len(as) != 1 || as[0].StatusCode != 503 || as[0].DurationMS != 1234 ||
				as[0].Duration != 1234*time.Millisecond || !as[0].At.Equal(ms(t0)) || as[0].Location != "https://hooks.example.com" {
				t.Errorf("attempts = %+v, %v", as, err)
			}
			return nil
		})

		// Deleting an endpoint deletes what was queued for it.
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteWebhook(ctx, chat.ID) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			if list, err := tx.Outbox(ctx, desk.OutboxFilter{Via: desk.ViaChat}); err != nil || len(list) != 0 {
				t.Errorf("chat messages after the delete = %v, %v", list, err)
			}
			return nil
		})
	})
}

// firstOf returns the newest notification the filter selects.
func firstOf(t *testing.T, db *store.DB, f desk.OutboxFilter) desk.Notification {
	t.Helper()
	var n desk.Notification
	read(t, db, func(ctx context.Context, tx app.Tx) error {
		list, err := tx.Outbox(ctx, f)
		if err != nil || len(list) == 0 {
			t.Fatalf("outbox %+v = %v, %v", f, list, err)
		}
		n = list[0]
		return nil
	})
	return n
}

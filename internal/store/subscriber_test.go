package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// A subscriber is stored with its components, found by id and by address in any case,
// updated (language, components, confirmation) and deleted with its components; a second
// subscriber of one address is ECONFLICT.
func TestSubscribers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var web, mail desk.Component
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			web = desk.Component{Name: "Web", Visibility: desk.VisibilityPublic, Status: desk.StatusOperational, CreatedAt: t0, UpdatedAt: t0}
			mail = desk.Component{Name: "Mail", Visibility: desk.VisibilityPublic, Status: desk.StatusOperational, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateComponent(ctx, &web); err != nil {
				return err
			}
			return tx.CreateComponent(ctx, &mail)
		})
		s := desk.Subscriber{Email: "Ann@Example.TEST", Locale: desk.LocaleEN, ComponentIDs: []int64{mail.ID, web.ID},
			Secret: "s1", CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateSubscriber(ctx, &s) })
		if s.ID == 0 || s.Email != "ann@example.test" {
			t.Fatalf("created %+v", s)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.SubscriberByEmail(ctx, "ANN@example.test")
			if err != nil {
				return err
			}
			want := []int64{min(web.ID, mail.ID), max(web.ID, mail.ID)}
			if got.ID != s.ID || got.Locale != desk.LocaleEN || got.All || got.Confirmed() || !slices.Equal(got.ComponentIDs, want) || got.Secret != "s1" {
				t.Errorf("read %+v, want components %v", got, want)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			_, err = tx.SubscriberByEmail(ctx, "bob@example.test")
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateSubscriber(ctx, &desk.Subscriber{Email: "ann@example.test", Locale: desk.LocaleNL, All: true, Secret: "s2", CreatedAt: t0, UpdatedAt: t0})
		})
		wantCode(t, err, desk.ECONFLICT)

		s.All, s.ComponentIDs, s.Locale, s.ConfirmedAt = true, nil, desk.LocaleNL, ptr(t0.Add(1))
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateSubscriber(ctx, &s) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Subscriber(ctx, s.ID)
			if err != nil {
				return err
			}
			if !got.All || len(got.ComponentIDs) != 0 || got.Locale != desk.LocaleNL || !got.Confirmed() {
				t.Errorf("updated %+v", got)
			}
			return nil
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteSubscriber(ctx, s.ID) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Subscriber(ctx, s.ID)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteSubscriber(ctx, s.ID) })
		wantCode(t, err, desk.ENOTFOUND)
	})
}

// QueueSubscriberNotices queues one email to each confirmed subscriber following
// everything or any of the components, with the payload of their language, and none to
// the unconfirmed or those following other components.
func TestQueueSubscriberNotices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var a, b, c desk.Component
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i, p := range []*desk.Component{&a, &b, &c} {
				*p = desk.Component{Name: fmt.Sprint("C", i), Visibility: desk.VisibilityPublic, Status: desk.StatusOperational, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateComponent(ctx, p); err != nil {
					return err
				}
			}
			subs := []desk.Subscriber{
				{Email: "all-nl@x.test", Locale: desk.LocaleNL, All: true, ConfirmedAt: &t0},
				{Email: "all-en@x.test", Locale: desk.LocaleEN, All: true, ConfirmedAt: &t0},
				{Email: "a@x.test", Locale: desk.LocaleEN, ComponentIDs: []int64{a.ID}, ConfirmedAt: &t0},
				{Email: "bc@x.test", Locale: desk.LocaleNL, ComponentIDs: []int64{b.ID, c.ID}, ConfirmedAt: &t0},
				{Email: "c@x.test", Locale: desk.LocaleNL, ComponentIDs: []int64{c.ID}, ConfirmedAt: &t0},
				{Email: "unconfirmed@x.test", Locale: desk.LocaleNL, All: true},
			}
			for i := range subs {
				subs[i].Secret, subs[i].CreatedAt, subs[i].UpdatedAt = "s", t0, t0
				if err := tx.CreateSubscriber(ctx, &subs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		payloads := map[desk.Locale]string{desk.LocaleNL: `{"name":"Storing"}`, desk.LocaleEN: `{"name":"Outage"}`}
		for _, tc := range []struct {
			name       string
			components []int64
			except     []string
			want       map[string]string // address → payload
		}{
			{"a and b", []int64{a.ID, b.ID}, nil, map[string]string{"all-nl@x.test": payloads["nl"], "all-en@x.test": payloads["en"],
				"a@x.test": payloads["en"], "bc@x.test": payloads["nl"]}},
			{"no components", nil, nil, map[string]string{"all-nl@x.test": payloads["nl"], "all-en@x.test": payloads["en"]}},
			{"c but two", []int64{c.ID}, []string{"ALL-EN@x.test", "c@x.test"}, map[string]string{"all-nl@x.test": payloads["nl"],
				"bc@x.test": payloads["nl"]}},
		} {
			var before int64
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				ns, err := tx.Outbox(ctx, desk.OutboxFilter{Limit: 1})
				if len(ns) > 0 {
					before = ns[0].ID
				}
				return err
			})
			var n int64
			write(t, db, func(ctx context.Context, tx app.Tx) (err error) {
				n, err = tx.QueueSubscriberNotices(ctx, desk.NotifySubscriberNotice, payloads, tc.components, tc.except, t0)
				return err
			})
			got := map[string]string{}
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				ns, err := tx.Outbox(ctx, desk.OutboxFilter{Limit: 100})
				for _, m := range ns {
					if m.ID <= before {
						continue
					}
					if m.Kind != desk.NotifySubscriberNotice || m.Via != desk.ViaEmail || m.State != desk.DeliveryPending || m.UserID != 0 {
						t.Errorf("%s: queued %+v", tc.name, m)
					}
					if _, dup := got[m.ToEmail]; dup {
						t.Errorf("%s: %s queued twice", tc.name, m.ToEmail)
					}
					got[m.ToEmail] = m.Payload
					if want := map[string]desk.Locale{"{\"name\":\"Outage\"}": desk.LocaleEN}[m.Payload]; want != "" && m.Locale != want {
						t.Errorf("%s: %s locale %q", tc.name, m.ToEmail, m.Locale)
					}
				}
				return err
			})
			if n != int64(len(tc.want)) || len(got) != len(tc.want) {
				t.Errorf("%s: queued %d (%v), want %v", tc.name, n, got, tc.want)
			}
			for addr, p := range tc.want {
				if got[addr] != p {
					t.Errorf("%s: %s got payload %q, want %q", tc.name, addr, got[addr], p)
				}
			}
		}
	})
}

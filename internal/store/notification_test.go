package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Site down")
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			list, err := tx.Notifications(ctx, f.agent.ID)
			if err != nil || list == nil || len(list) != 0 {
				t.Errorf("Notifications without any = %#v, %v; want []", list, err)
			}
			return nil
		})
		ns := []desk.Notification{
			{Kind: desk.NotifyNewReport, UserID: f.agent.ID, IncidentID: &in.ID, Payload: `{"number":"INC-1"}`, CreatedAt: t0},
			{Kind: desk.NotifyReportReceived, UserID: f.alice.ID, IncidentID: &in.ID, Payload: `{}`, CreatedAt: t0},
			{Kind: "digest", UserID: f.agent.ID, Payload: `{"n":2}`, CreatedAt: t0.Add(time.Minute)},
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range ns {
				if err := tx.Notify(ctx, &ns[i]); err != nil {
					return err
				}
			}
			return nil
		})
		for i, n := range ns {
			if n.ID == 0 || (i > 0 && n.ID <= ns[i-1].ID) {
				t.Fatalf("ids not set in order: %+v", ns)
			}
		}
		want := func(n desk.Notification) desk.Notification {
			n.CreatedAt = ms(n.CreatedAt)
			return n
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for user, wantList := range map[int64][]desk.Notification{
				f.agent.ID: {want(ns[0]), want(ns[2])},
				f.alice.ID: {want(ns[1])},
				f.bob.ID:   {},
			} {
				list, err := tx.Notifications(ctx, user)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(list, wantList) {
					t.Errorf("Notifications(%d) =\n%+v\nwant\n%+v", user, list, wantList)
				}
			}
			return nil
		})
		for _, n := range []desk.Notification{
			{Kind: "x", UserID: 999999, Payload: "{}", CreatedAt: t0},
			{Kind: "x", UserID: f.agent.ID, IncidentID: ptr(int64(999999)), Payload: "{}", CreatedAt: t0},
		} {
			err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.Notify(ctx, &n) })
			wantCode(t, err, desk.EINVALID)
		}
	})
}

func TestNotifyMany(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Site down")
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })
		count := func(ctx context.Context, tx app.Tx) (int, error) {
			n := 0
			for _, u := range []int64{f.agent.ID, f.alice.ID, f.bob.ID} {
				list, err := tx.Notifications(ctx, u)
				if err != nil {
					return 0, err
				}
				n += len(list)
			}
			return n, nil
		}
		wantCount := func(want int) {
			t.Helper()
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				if n, err := count(ctx, tx); err != nil || n != want {
					t.Fatalf("%d notifications (%v), want %d", n, err, want)
				}
				return nil
			})
		}

		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.NotifyMany(ctx, nil) })
		wantCount(0)

		// Each kind once, so the rows can be matched whatever their ids.
		ns := []*desk.Notification{
			{Kind: desk.NotifyNewReport, UserID: f.agent.ID, IncidentID: &in.ID, Payload: `{"number":"INC-1"}`, CreatedAt: t0},
			{Kind: desk.NotifyReportReceived, UserID: f.alice.ID, IncidentID: &in.ID, Payload: `{}`, CreatedAt: t0},
			{Kind: "digest", UserID: f.agent.ID, Payload: `{"n":2}`, CreatedAt: t0.Add(time.Minute)},
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.NotifyMany(ctx, ns) })
		want := map[string]desk.Notification{}
		for _, n := range ns {
			if n.ID != 0 {
				t.Errorf("NotifyMany set an id: %+v", n)
			}
			if n.State != desk.DeliveryPending || !n.NextAttemptAt.Equal(ms(n.CreatedAt)) {
				t.Errorf("NotifyMany left state %q, next attempt %v; want pending, due at %v", n.State, n.NextAttemptAt, ms(n.CreatedAt))
			}
			w := *n
			w.CreatedAt = ms(w.CreatedAt)
			want[w.Kind] = w
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			ids := map[int64]bool{}
			for user, kinds := range map[int64][]string{
				f.agent.ID: {desk.NotifyNewReport, "digest"},
				f.alice.ID: {desk.NotifyReportReceived},
				f.bob.ID:   {},
			} {
				list, err := tx.Notifications(ctx, user)
				if err != nil {
					return err
				}
				if len(list) != len(kinds) {
					t.Fatalf("Notifications(%d) = %+v, want kinds %v", user, list, kinds)
				}
				for _, got := range list {
					if got.ID == 0 || ids[got.ID] {
						t.Errorf("id %d zero or taken twice", got.ID)
					}
					ids[got.ID] = true
					w := want[got.Kind]
					w.ID = got.ID
					if w.UserID != user || !reflect.DeepEqual(got, w) {
						t.Errorf("stored\n%+v\nwant\n%+v", got, w)
					}
				}
			}
			return nil
		})
		wantCount(3)

		// A reference to nothing fails the whole call, whichever row holds it: nothing of
		// it is queued, not even the rows before it.
		many := func(n int, bad desk.Notification) []*desk.Notification {
			list := make([]*desk.Notification, n)
			for i := range list {
				list[i] = &desk.Notification{Kind: "x", UserID: f.bob.ID, IncidentID: &in.ID, Payload: "{}", CreatedAt: t0}
			}
			list[n-1] = &bad
			return list
		}
		for _, bad := range []desk.Notification{
			{Kind: "x", UserID: 999999, Payload: "{}", CreatedAt: t0},
			{Kind: "x", UserID: f.agent.ID, IncidentID: ptr(int64(999999)), Payload: "{}", CreatedAt: t0},
		} {
			for _, n := range []int{1, 5, 450} { // 450 rows take three statements
				err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.NotifyMany(ctx, many(n, bad)) })
				wantCode(t, err, desk.EINVALID)
				wantCount(3)
			}
		}
		// Within the transaction, too: a caller that goes on after the error finds none of
		// the rows. (On PostgreSQL a failed statement ends the transaction; only the
		// statements of several chunks, in a savepoint, leave it usable.)
		sizes := []int{450}
		if db.Dialect() == "sqlite" {
			sizes = append(sizes, 5)
		}
		for _, n := range sizes {
			write(t, db, func(ctx context.Context, tx app.Tx) error {
				err := tx.NotifyMany(ctx, many(n, desk.Notification{Kind: "x", UserID: 999999, Payload: "{}", CreatedAt: t0}))
				wantCode(t, err, desk.EINVALID)
				if c, err := count(ctx, tx); err != nil || c != 3 {
					t.Errorf("after a failed NotifyMany of %d: %d notifications (%v), want 3", n, c, err)
				}
				return nil
			})
		}
		wantCount(3)

		// More rows than one statement takes.
		ok := many(450, desk.Notification{Kind: "x", UserID: f.alice.ID, Payload: "{}", CreatedAt: t0})
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.NotifyMany(ctx, ok) })
		wantCount(3 + 450)
	})
}

// BenchmarkNotifyTen queues ten notifications, one statement each and in one, on SQLite;
// a hundred rounds share a transaction.
func BenchmarkNotifyTen(b *testing.B) {
	for _, name := range []string{"one-by-one", "many"} {
		b.Run(name, func(b *testing.B) {
			db := storetest.Open(b, "sqlite")
			ctx := context.Background()
			var users []int64
			var inc desk.Incident
			err := db.Write(ctx, func(tx app.Tx) error {
				org := desk.Organisation{Slug: "studio", Name: "Studio", Kind: desk.OrgProvider, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateOrganisation(ctx, &org); err != nil {
					return err
				}
				for i := range 10 {
					u := newUser(org.ID, fmt.Sprintf("agent%d@studio.test", i), "Agent", desk.RoleAgent)
					if err := tx.CreateUser(ctx, &u); err != nil {
						return err
					}
					users = append(users, u.ID)
				}
				inc = newIncident(org.ID, "Site down")
				return tx.CreateIncident(ctx, &inc)
			})
			if err != nil {
				b.Fatal(err)
			}
			ns := make([]*desk.Notification, len(users))
			round := func(ctx context.Context, tx app.Tx) error {
				for i, u := range users {
					ns[i] = &desk.Notification{Kind: desk.NotifyNewReport, UserID: u, IncidentID: &inc.ID,
						Payload: `{"number":"INC-000001","title":"Site down","organisation":"Acme"}`, CreatedAt: t0}
				}
				if name == "many" {
					return tx.NotifyMany(ctx, ns)
				}
				for _, n := range ns {
					if err := tx.Notify(ctx, n); err != nil {
						return err
					}
				}
				return nil
			}
			b.ResetTimer()
			for done := 0; done < b.N; done += 100 {
				err := db.Write(ctx, func(tx app.Tx) error {
					for range min(100, b.N-done) {
						if err := round(ctx, tx); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

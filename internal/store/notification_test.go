package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestNotifications(t *testing.T) {
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

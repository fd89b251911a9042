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

func TestTimeline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Site down")
		other := newIncident(f.acme.ID, "Other")
		entries := []desk.TimelineEntry{
			{Kind: desk.EntrySystem, Visibility: desk.Public, AuthorName: "Meldpunt", Body: "registered", CreatedAt: t0},
			{Kind: desk.EntryNote, Visibility: desk.Internal, AuthorID: &f.agent.ID, AuthorName: "Agent", Body: "looks like DNS", CreatedAt: t0.Add(time.Minute)},
			{Kind: desk.EntryState, Visibility: desk.Public, AuthorID: &f.agent.ID, AuthorName: "Agent",
				FromState: desk.StateNew, ToState: desk.StateTriaged, CreatedAt: t0.Add(2 * time.Minute)},
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateIncident(ctx, &in); err != nil {
				return err
			}
			if err := tx.CreateIncident(ctx, &other); err != nil {
				return err
			}
			for i := range entries {
				entries[i].IncidentID = in.ID
				if err := tx.AddTimelineEntry(ctx, &entries[i]); err != nil {
					return err
				}
			}
			return tx.AddTimelineEntry(ctx, &desk.TimelineEntry{IncidentID: other.ID, Kind: desk.EntryReply,
				Visibility: desk.Public, Body: "elsewhere", CreatedAt: t0})
		})
		for i, e := range entries {
			if e.ID == 0 || (i > 0 && e.ID <= entries[i-1].ID) {
				t.Fatalf("entry ids not set in order: %+v", entries)
			}
		}
		want := make([]desk.TimelineEntry, len(entries))
		for i, e := range entries {
			e.CreatedAt = ms(e.CreatedAt)
			want[i] = e
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			all, err := tx.Timeline(ctx, in.ID, true)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(all, want) {
				t.Errorf("Timeline(internal) =\n%+v\nwant\n%+v", all, want)
			}
			public, err := tx.Timeline(ctx, in.ID, false)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(public, []desk.TimelineEntry{want[0], want[2]}) {
				t.Errorf("Timeline(public) = %+v, want the two public entries", public)
			}
			none, err := tx.Timeline(ctx, 999999, true)
			if err != nil || none == nil || len(none) != 0 {
				t.Errorf("Timeline(missing) = %#v, %v; want an empty list", none, err)
			}
			return nil
		})
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.AddTimelineEntry(ctx, &desk.TimelineEntry{IncidentID: 999999, Kind: desk.EntryNote,
				Visibility: desk.Internal, CreatedAt: t0})
		})
		wantCode(t, err, desk.EINVALID)
	})
}

func TestAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		var added []desk.AuditEntry
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range 6 {
				a := desk.AuditEntry{At: t0.Add(time.Duration(i) * time.Second), ActorID: &f.agent.ID,
					ActorName: "Agent", Address: "192.0.2.7", Entity: "incident", EntityID: int64(1 + i%2),
					OrgID: &f.acme.ID, Action: "update", Before: `{"title":"a"}`, After: `{"title":"b"}`}
				if i == 5 {
					a.Entity, a.EntityID, a.ActorID, a.OrgID, a.Before = "user", 1, nil, nil, ""
				}
				if err := tx.AddAudit(ctx, &a); err != nil {
					return err
				}
				added = append(added, a)
			}
			return nil
		})
		ids := func(es []desk.AuditEntry) []int64 {
			var out []int64
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		a := added
		for _, c := range []struct {
			name   string
			filter desk.AuditFilter
			want   []int64
		}{
			{"all, newest first", desk.AuditFilter{}, []int64{a[5].ID, a[4].ID, a[3].ID, a[2].ID, a[1].ID, a[0].ID}},
			{"entity", desk.AuditFilter{Entity: "user"}, []int64{a[5].ID}},
			{"entity and id", desk.AuditFilter{Entity: "incident", EntityID: 2}, []int64{a[3].ID, a[1].ID}},
			{"after", desk.AuditFilter{Entity: "incident", After: a[3].ID}, []int64{a[2].ID, a[1].ID, a[0].ID}},
			{"limit", desk.AuditFilter{Limit: 2}, []int64{a[5].ID, a[4].ID}},
			{"nothing", desk.AuditFilter{Entity: "contract"}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				read(t, db, func(ctx context.Context, tx app.Tx) error {
					got, err := tx.Audit(ctx, c.filter)
					if err != nil {
						return err
					}
					if got == nil {
						t.Error("Audit returned nil, want an empty list")
					}
					if !reflect.DeepEqual(ids(got), c.want) {
						t.Errorf("Audit(%+v) = %v, want %v", c.filter, ids(got), c.want)
					}
					return nil
				})
			})
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Audit(ctx, desk.AuditFilter{Limit: 6})
			if err != nil {
				return err
			}
			for i, e := range got {
				want := added[len(added)-1-i]
				want.At = ms(want.At)
				if !reflect.DeepEqual(e, want) {
					t.Errorf("audit entry =\n%+v\nwant\n%+v", e, want)
				}
			}
			return nil
		})
	})
}

package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// changeIDs returns the ids of change requests, in order.
func changeIDs(cs []desk.ChangeRequest) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestChangeRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in1, in2, in3 := newIncident(f.acme.ID, "Checkout fails"), newIncident(f.globex.ID, "Payments time out"), newIncident(f.acme.ID, "Other")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, in := range []*desk.Incident{&in1, &in2, &in3} {
				if err := tx.CreateIncident(ctx, in); err != nil {
					return err
				}
			}
			return nil
		})
		c := desk.ChangeRequest{Title: "Vervang de betaal-SDK ✓", Description: "Versie 3 lekt\nverbindingen.",
			State: desk.ChangeRequested, IncidentIDs: []int64{in2.ID, in1.ID, in2.ID}, CreatedByID: &f.agent.ID,
			CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateChange(ctx, &c) })
		if c.ID == 0 || c.Number != desk.FormatChangeNumber(c.ID) || c.Version != 1 {
			t.Fatalf("CreateChange set ID %d, Number %q, Version %d", c.ID, c.Number, c.Version)
		}
		if !slices.Equal(c.IncidentIDs, []int64{in1.ID, in2.ID}) {
			t.Errorf("IncidentIDs after create %v, want sorted without duplicates", c.IncidentIDs)
		}
		want := c
		want.CreatedAt, want.UpdatedAt = ms(t0), ms(t0)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Change(ctx, c.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Change =\n%+v\nwant\n%+v", got, want)
			}
			wantTime(t, "CreatedAt", got.CreatedAt, t0)
			_, err = tx.Change(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		// A decision, then the update that goes with it.
		decided := t0.Add(time.Hour + 5*time.Microsecond)
		d := desk.ChangeDecision{ChangeID: c.ID, From: desk.ChangeRequested, To: desk.ChangeApproved,
			Reason: "CAB: akkoord", ActorID: &f.agent.ID, ActorName: "Agent", CreatedAt: decided}
		sys := desk.ChangeDecision{ChangeID: c.ID, From: desk.ChangeApproved, To: desk.ChangeImplemented, ActorName: "system", CreatedAt: decided}
		c.State, c.DecidedAt, c.UpdatedAt, c.Title, c.Description = desk.ChangeApproved, &decided, decided, "New title", ""
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.UpdateChange(ctx, &c); err != nil {
				return err
			}
			if err := tx.AddChangeDecision(ctx, &d); err != nil {
				return err
			}
			return tx.AddChangeDecision(ctx, &sys)
		})
		if c.Version != 2 || d.ID == 0 || sys.ID <= d.ID {
			t.Fatalf("after update: version %d, decision ids %d %d", c.Version, d.ID, sys.ID)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Change(ctx, c.ID)
			if err != nil {
				return err
			}
			if got.State != desk.ChangeApproved || got.Title != "New title" || got.Description != "" || got.Version != 2 ||
				got.DecidedAt == nil || !got.DecidedAt.Equal(ms(decided)) || got.ImplementedAt != nil || !got.CreatedAt.Equal(ms(t0)) {
				t.Errorf("after update: %+v", got)
			}
			wantD := []desk.ChangeDecision{d, sys}
			wantD[0].CreatedAt, wantD[1].CreatedAt = ms(decided), ms(decided)
			if !reflect.DeepEqual(got.Decisions, wantD) {
				t.Errorf("Decisions =\n%+v\nwant\n%+v", got.Decisions, wantD)
			}
			return nil
		})

		// A stale version conflicts; a missing change request is not found.
		stale := c
		stale.Version = 1
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateChange(ctx, &stale) }), desk.ECONFLICT)
		missing := c
		missing.ID = 999999
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateChange(ctx, &missing) }), desk.ENOTFOUND)

		// Links: add, refuse a second link, remove, refuse removing what is not there.
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.LinkChange(ctx, c.ID, in3.ID, t0) })
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.LinkChange(ctx, c.ID, in3.ID, t0) }), desk.ECONFLICT)
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.LinkChange(ctx, c.ID, 999999, t0) }), desk.EINVALID)
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.LinkChange(ctx, 999999, in1.ID, t0) }), desk.EINVALID)
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UnlinkChange(ctx, c.ID, in1.ID) })
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UnlinkChange(ctx, c.ID, in1.ID) }), desk.ENOTFOUND)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Change(ctx, c.ID)
			if err != nil {
				return err
			}
			if !slices.Equal(got.IncidentIDs, []int64{in2.ID, in3.ID}) {
				t.Errorf("IncidentIDs %v, want %v", got.IncidentIDs, []int64{in2.ID, in3.ID})
			}
			return nil
		})

		// A creation that names a missing incident stores nothing.
		bad := desk.ChangeRequest{Title: "x", State: desk.ChangeRequested, IncidentIDs: []int64{in1.ID, 999999}, CreatedAt: t0, UpdatedAt: t0}
		wantCode(t, tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateChange(ctx, &bad) }), desk.EINVALID)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			n, err := tx.CountChanges(ctx, desk.ChangeFilter{})
			if err != nil || n != 1 {
				t.Errorf("CountChanges = %d, %v; want 1 (the failed creation rolled back)", n, err)
			}
			return nil
		})
	})
}

func TestChangeList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		a, b := newIncident(f.acme.ID, "A"), newIncident(f.globex.ID, "B")
		var cs [5]desk.ChangeRequest
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateIncident(ctx, &a); err != nil {
				return err
			}
			if err := tx.CreateIncident(ctx, &b); err != nil {
				return err
			}
			states := []desk.ChangeState{desk.ChangeRequested, desk.ChangeApproved, desk.ChangeRejected, desk.ChangeImplemented, desk.ChangeRequested}
			links := [][]int64{{a.ID}, {a.ID, b.ID}, {b.ID}, {a.ID}, {b.ID}}
			for i := range cs {
				cs[i] = desk.ChangeRequest{Title: "Change", State: states[i], IncidentIDs: links[i], CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateChange(ctx, &cs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		for _, tc := range []struct {
			name string
			f    desk.ChangeFilter
			want []int64
		}{
			{"all, newest first", desk.ChangeFilter{}, []int64{cs[4].ID, cs[3].ID, cs[2].ID, cs[1].ID, cs[0].ID}},
			{"by state", desk.ChangeFilter{States: []desk.ChangeState{desk.ChangeRequested}}, []int64{cs[4].ID, cs[0].ID}},
			{"by states", desk.ChangeFilter{States: []desk.ChangeState{desk.ChangeApproved, desk.ChangeImplemented}}, []int64{cs[3].ID, cs[1].ID}},
			{"by incident", desk.ChangeFilter{IncidentID: a.ID}, []int64{cs[3].ID, cs[1].ID, cs[0].ID}},
			{"by incident and state", desk.ChangeFilter{IncidentID: b.ID, States: []desk.ChangeState{desk.ChangeRequested}}, []int64{cs[4].ID}},
			{"an incident without any", desk.ChangeFilter{IncidentID: 999999}, []int64{}},
			{"a page", desk.ChangeFilter{Limit: 2}, []int64{cs[4].ID, cs[3].ID}},
			{"the next page", desk.ChangeFilter{Limit: 2, After: cs[3].ID}, []int64{cs[2].ID, cs[1].ID}},
		} {
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				got, err := tx.Changes(ctx, tc.f)
				if err != nil {
					return err
				}
				if ids := changeIDs(got); !slices.Equal(ids, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
				}
				if tc.f.Limit == 0 {
					n, err := tx.CountChanges(ctx, tc.f)
					if err != nil || n != len(tc.want) {
						t.Errorf("%s: CountChanges %d, %v; want %d", tc.name, n, err, len(tc.want))
					}
				}
				for _, c := range got {
					if c.IncidentIDs == nil || c.Decisions == nil || c.Number != desk.FormatChangeNumber(c.ID) {
						t.Errorf("%s: %+v lacks its links, decisions or number", tc.name, c)
					}
				}
				return nil
			})
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Changes(ctx, desk.ChangeFilter{IncidentID: a.ID})
			if err != nil {
				return err
			}
			if !slices.Equal(got[1].IncidentIDs, []int64{a.ID, b.ID}) {
				t.Errorf("a listed change request has links %v, want both", got[1].IncidentIDs)
			}
			return nil
		})
	})
}

package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestOrganisations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		if f.provider.ID == 0 || f.acme.ID == 0 || f.acme.ID == f.globex.ID {
			t.Fatalf("ids not set: %d %d %d", f.provider.ID, f.acme.ID, f.globex.ID)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Organisation(ctx, f.acme.ID)
			if err != nil {
				return err
			}
			if got.Slug != "acme" || got.Name != "Acme" || got.Kind != desk.OrgClient || got.ID != f.acme.ID {
				t.Errorf("Organisation = %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			wantTime(t, "updated_at", got.UpdatedAt, t0)
			bySlug, err := tx.OrganisationBySlug(ctx, "globex")
			if err != nil || bySlug.ID != f.globex.ID {
				t.Errorf("OrganisationBySlug(globex) = %+v, %v", bySlug, err)
			}
			_, err = tx.Organisation(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			_, err = tx.OrganisationBySlug(ctx, "nope")
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		for _, c := range []struct {
			kind desk.OrgKind
			want []string
		}{
			{"", []string{"Acme", "Globex", "Studio"}},
			{desk.OrgClient, []string{"Acme", "Globex"}},
			{desk.OrgProvider, []string{"Studio"}},
		} {
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				orgs, err := tx.Organisations(ctx, c.kind)
				if err != nil {
					return err
				}
				var names []string
				for _, o := range orgs {
					names = append(names, o.Name)
				}
				if !reflect.DeepEqual(names, c.want) {
					t.Errorf("Organisations(%q) = %v, want %v", c.kind, names, c.want)
				}
				return nil
			})
		}

		// A duplicate slug conflicts, on create and on update.
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateOrganisation(ctx, &desk.Organisation{Slug: "acme", Name: "Other", Kind: desk.OrgClient})
		})
		wantCode(t, err, desk.ECONFLICT)
		if !strings.Contains(err.Error(), "slug") {
			t.Errorf("conflict message %q does not name the slug", err)
		}
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			o := f.globex
			o.Slug = "acme"
			return tx.UpdateOrganisation(ctx, &o)
		})
		wantCode(t, err, desk.ECONFLICT)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.UpdateOrganisation(ctx, &desk.Organisation{ID: 999999, Slug: "x", Name: "X", Kind: desk.OrgClient})
		})
		wantCode(t, err, desk.ENOTFOUND)

		later := t0.Add(time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			o := f.acme
			o.Name, o.Slug, o.UpdatedAt = "Acme Corp", "acme-corp", later
			o.CreatedAt = time.Time{} // ignored: CreatedAt never changes
			return tx.UpdateOrganisation(ctx, &o)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Organisation(ctx, f.acme.ID)
			if err != nil {
				return err
			}
			if got.Name != "Acme Corp" || got.Slug != "acme-corp" {
				t.Errorf("after update: %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			wantTime(t, "updated_at", got.UpdatedAt, later)
			return nil
		})
	})
}

func TestContracts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		first := desk.Contract{OrgID: f.acme.ID, Name: "Basis", SupportHours: desk.HoursBusiness,
			UrgentHours: desk.Hours24x7, CoversUrgent: true, AutoCloseHours: 24, Active: true,
			CreatedAt: t0, UpdatedAt: t0,
			// Given out of order: they read back sorted by priority.
			Targets: []desk.Target{target(desk.P3, 240, 4320), target(desk.P1, 30, 240), target(desk.P2, 60, 480)}}
		second := desk.Contract{OrgID: f.acme.ID, Name: "Plus", SupportHours: desk.Hours24x7,
			UrgentHours: desk.Hours24x7, AutoCloseHours: 48, Targets: desk.DefaultTargets(),
			CreatedAt: t0, UpdatedAt: t0}
		other := desk.Contract{OrgID: f.globex.ID, Name: "Globex", SupportHours: desk.HoursBusiness,
			UrgentHours: desk.HoursBusiness, AutoCloseHours: 24, CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, c := range []*desk.Contract{&first, &second, &other} {
				if err := tx.CreateContract(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Contract(ctx, first.ID)
			if err != nil {
				return err
			}
			want := first
			want.Targets = []desk.Target{target(desk.P1, 30, 240), target(desk.P2, 60, 480), target(desk.P3, 240, 4320)}
			want.CreatedAt, want.UpdatedAt = ms(t0), ms(t0)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Contract =\n%+v\nwant\n%+v", got, want)
			}
			got, err = tx.Contract(ctx, other.ID)
			if err != nil {
				return err
			}
			if got.Targets == nil || len(got.Targets) != 0 || got.CoversUrgent || got.Active {
				t.Errorf("contract without targets: %+v", got)
			}
			_, err = tx.Contract(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)

			list, err := tx.Contracts(ctx, f.acme.ID)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
				t.Fatalf("Contracts(acme) = %+v, want Plus then Basis", list)
			}
			if !reflect.DeepEqual(list[0].Targets, desk.DefaultTargets()) || len(list[1].Targets) != 3 {
				t.Errorf("Contracts(acme) targets = %v / %v", list[0].Targets, list[1].Targets)
			}
			all, err := tx.Contracts(ctx, 0)
			if err != nil {
				return err
			}
			if len(all) != 3 || all[0].ID != other.ID {
				t.Errorf("Contracts(0) = %d contracts, first %d; want 3, newest first", len(all), all[0].ID)
			}
			return nil
		})

		write(t, db, func(ctx context.Context, tx app.Tx) error {
			c := first
			c.Name, c.Active, c.AutoCloseHours = "Basis 2", false, 72
			c.Targets = []desk.Target{target(desk.P1, 15, 120)}
			return tx.UpdateContract(ctx, &c)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Contract(ctx, first.ID)
			if err != nil {
				return err
			}
			if got.Name != "Basis 2" || got.Active || got.AutoCloseHours != 72 ||
				!reflect.DeepEqual(got.Targets, []desk.Target{target(desk.P1, 15, 120)}) {
				t.Errorf("after update: %+v", got)
			}
			return nil
		})

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			c := first
			c.Targets = []desk.Target{target(desk.P1, 15, 120), target(desk.P1, 30, 240)}
			return tx.UpdateContract(ctx, &c)
		})
		wantCode(t, err, desk.ECONFLICT)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			c := first
			c.ID = 999999
			return tx.UpdateContract(ctx, &c)
		})
		wantCode(t, err, desk.ENOTFOUND)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			c := second
			c.OrgID = 999999
			return tx.CreateContract(ctx, &c)
		})
		wantCode(t, err, desk.EINVALID)
	})
}

func target(p desk.Priority, firstResponse, resolution int) desk.Target {
	return desk.Target{Priority: p, FirstResponseMin: firstResponse, ResolutionMin: resolution}
}

// TestActiveContract reads the newest active contract of an organisation with its targets
// by priority, as Contract reads it; an organisation without one has none.
func TestActiveContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		older := desk.Contract{OrgID: f.acme.ID, Name: "Basis", SupportHours: desk.HoursBusiness,
			UrgentHours: desk.Hours24x7, CoversUrgent: true, AutoCloseHours: 24, Active: true, CreatedAt: t0, UpdatedAt: t0,
			Targets: []desk.Target{target(desk.P3, 240, 4320), target(desk.P1, 30, 240), target(desk.P2, 60, 480)}}
		inactive := desk.Contract{OrgID: f.acme.ID, Name: "Old plus", SupportHours: desk.Hours24x7,
			UrgentHours: desk.Hours24x7, AutoCloseHours: 48, Targets: desk.DefaultTargets(), CreatedAt: t0, UpdatedAt: t0}
		other := desk.Contract{OrgID: f.globex.ID, Name: "Globex", SupportHours: desk.HoursBusiness,
			UrgentHours: desk.HoursBusiness, AutoCloseHours: 24, CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, c := range []*desk.Contract{&older, &inactive, &other} {
				if err := tx.CreateContract(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		same := func(ctx context.Context, tx app.Tx, orgID, wantID int64) error {
			got, err := tx.ActiveContract(ctx, orgID)
			if err != nil {
				return err
			}
			want, err := tx.Contract(ctx, wantID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ActiveContract(%d) =\n%+v\nwant\n%+v", orgID, got, want)
			}
			return nil
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := same(ctx, tx, f.acme.ID, older.ID); err != nil { // the newer one is not active
				return err
			}
			_, err := tx.ActiveContract(ctx, f.globex.ID)
			wantCode(t, err, desk.ENOTFOUND)
			_, err = tx.ActiveContract(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
		newer := desk.Contract{OrgID: f.acme.ID, Name: "No targets yet", SupportHours: desk.Hours24x7,
			UrgentHours: desk.Hours24x7, Active: true, CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateContract(ctx, &newer) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.ActiveContract(ctx, f.acme.ID)
			if err == nil && (got.Targets == nil || len(got.Targets) != 0) {
				t.Errorf("targets of a contract without any: %#v, want empty", got.Targets)
			}
			return same(ctx, tx, f.acme.ID, newer.ID)
		})
	})
}

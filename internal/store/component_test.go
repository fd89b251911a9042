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

func TestComponentGroups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		groups := []desk.ComponentGroup{{Name: "Websites", Position: 2}, {Name: "hosting", Position: 1}, {Name: "Email", Position: 1}}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range groups {
				if err := tx.CreateComponentGroup(ctx, &groups[i]); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.ComponentGroup(ctx, groups[0].ID)
			if err != nil {
				return err
			}
			if got != groups[0] {
				t.Errorf("ComponentGroup = %+v, want %+v", got, groups[0])
			}
			_, err = tx.ComponentGroup(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			list, err := tx.ComponentGroups(ctx)
			if err != nil {
				return err
			}
			want := []desk.ComponentGroup{groups[2], groups[1], groups[0]} // by position, then name
			if !reflect.DeepEqual(list, want) {
				t.Errorf("ComponentGroups = %+v, want %+v", list, want)
			}
			return nil
		})
	})
}

func TestComponents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		first := desk.ComponentGroup{Name: "Hosting", Position: 1}
		second := desk.ComponentGroup{Name: "Websites", Position: 2}
		var web, mail, dns, shop, lone desk.Component
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, g := range []*desk.ComponentGroup{&second, &first} {
				if err := tx.CreateComponentGroup(ctx, g); err != nil {
					return err
				}
			}
			web = desk.Component{GroupID: &second.ID, Name: "Website", Description: "www", Position: 1,
				ClientIDs: []int64{f.globex.ID, f.acme.ID, f.acme.ID}, CreatedAt: t0, UpdatedAt: t0}
			shop = desk.Component{GroupID: &second.ID, Name: "Shop", Position: 0, ClientIDs: []int64{f.acme.ID}, CreatedAt: t0, UpdatedAt: t0}
			mail = desk.Component{GroupID: &first.ID, Name: "mail", Position: 5, CreatedAt: t0, UpdatedAt: t0}
			dns = desk.Component{GroupID: &first.ID, Name: "DNS", Position: 5, ClientIDs: []int64{f.globex.ID}, CreatedAt: t0, UpdatedAt: t0}
			lone = desk.Component{Name: "Phone line", Position: 0, CreatedAt: t0, UpdatedAt: t0}
			for _, c := range []*desk.Component{&web, &shop, &mail, &dns, &lone} {
				if err := tx.CreateComponent(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if !reflect.DeepEqual(web.ClientIDs, []int64{f.acme.ID, f.globex.ID}) {
			t.Errorf("CreateComponent left ClientIDs %v, want them sorted without duplicates", web.ClientIDs)
		}

		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Component(ctx, web.ID)
			if err != nil {
				return err
			}
			want := web
			want.CreatedAt, want.UpdatedAt = ms(t0), ms(t0)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Component =\n%+v\nwant\n%+v", got, want)
			}
			got, err = tx.Component(ctx, lone.ID)
			if err != nil {
				return err
			}
			if got.GroupID != nil || got.ClientIDs == nil || len(got.ClientIDs) != 0 {
				t.Errorf("ungrouped component without clients = %+v", got)
			}
			_, err = tx.Component(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)

			for _, c := range []struct {
				client int64
				want   []int64
			}{
				// Group Hosting (1) before Websites (2), then position, then name; ungrouped last.
				{0, []int64{dns.ID, mail.ID, shop.ID, web.ID, lone.ID}},
				{f.acme.ID, []int64{shop.ID, web.ID}},
				{f.globex.ID, []int64{dns.ID, web.ID}},
				{f.provider.ID, nil},
			} {
				list, err := tx.Components(ctx, c.client)
				if err != nil {
					return err
				}
				var ids []int64
				for _, comp := range list {
					ids = append(ids, comp.ID)
					if comp.ID == web.ID && !reflect.DeepEqual(comp.ClientIDs, []int64{f.acme.ID, f.globex.ID}) {
						t.Errorf("Components(%d): website clients %v", c.client, comp.ClientIDs)
					}
					if comp.ClientIDs == nil {
						t.Errorf("Components(%d): nil ClientIDs on %s", c.client, comp.Name)
					}
				}
				if !reflect.DeepEqual(ids, c.want) {
					t.Errorf("Components(%d) = %v, want %v", c.client, ids, c.want)
				}
			}
			return nil
		})

		later := t0.Add(time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			c := web
			c.GroupID, c.Name, c.Description, c.Position = nil, "Website 2", "", 3
			c.ClientIDs, c.UpdatedAt = []int64{f.globex.ID}, later
			return tx.UpdateComponent(ctx, &c)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Component(ctx, web.ID)
			if err != nil {
				return err
			}
			if got.GroupID != nil || got.Name != "Website 2" || got.Description != "" || got.Position != 3 ||
				!reflect.DeepEqual(got.ClientIDs, []int64{f.globex.ID}) {
				t.Errorf("after update: %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			wantTime(t, "updated_at", got.UpdatedAt, later)
			return nil
		})

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			c := lone
			c.ID = 999999
			return tx.UpdateComponent(ctx, &c)
		})
		wantCode(t, err, desk.ENOTFOUND)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			c := desk.Component{Name: "Orphan", ClientIDs: []int64{999999}, CreatedAt: t0, UpdatedAt: t0}
			return tx.CreateComponent(ctx, &c)
		})
		wantCode(t, err, desk.EINVALID)
	})
}

func TestDeleteComponent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		keep := desk.Component{Name: "Keep", ClientIDs: []int64{f.acme.ID}, CreatedAt: t0, UpdatedAt: t0}
		gone := desk.Component{Name: "Gone", ClientIDs: []int64{f.acme.ID}, CreatedAt: t0, UpdatedAt: t0}
		var in desk.Incident
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateComponent(ctx, &keep); err != nil {
				return err
			}
			if err := tx.CreateComponent(ctx, &gone); err != nil {
				return err
			}
			in = newIncident(f.acme.ID, "Site down")
			in.ComponentIDs = []int64{gone.ID, keep.ID}
			return tx.CreateIncident(ctx, &in)
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteComponent(ctx, gone.ID) })
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteComponent(ctx, gone.ID) })
		wantCode(t, err, desk.ENOTFOUND)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Component(ctx, gone.ID)
			wantCode(t, err, desk.ENOTFOUND)
			got, err := tx.Incident(ctx, in.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got.ComponentIDs, []int64{keep.ID}) {
				t.Errorf("incident components after delete = %v, want [%d]", got.ComponentIDs, keep.ID)
			}
			list, err := tx.Components(ctx, f.acme.ID)
			if err != nil {
				return err
			}
			if len(list) != 1 || list[0].ID != keep.ID {
				t.Errorf("Components(acme) after delete = %+v", list)
			}
			return nil
		})
	})
}

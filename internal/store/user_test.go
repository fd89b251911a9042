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

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		carol := newUser(f.acme.ID, "carol@acme.test", "carol", desk.RoleClientAdmin)
		carol.Active, carol.Locale = false, desk.LocaleEN
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateUser(ctx, &carol) })

		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.User(ctx, carol.ID)
			if err != nil {
				return err
			}
			want := carol
			want.CreatedAt, want.UpdatedAt = ms(t0), ms(t0)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("User =\n%+v\nwant\n%+v", got, want)
			}
			byEmail, err := tx.UserByEmail(ctx, "alice@acme.test")
			if err != nil || byEmail.ID != f.alice.ID {
				t.Errorf("UserByEmail = %+v, %v", byEmail, err)
			}
			_, err = tx.User(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			_, err = tx.UserByEmail(ctx, "nobody@acme.test")
			wantCode(t, err, desk.ENOTFOUND)
			n, err := tx.CountUsers(ctx)
			if err != nil || n != 4 {
				t.Errorf("CountUsers = %d, %v; want 4", n, err)
			}
			return nil
		})

		for _, c := range []struct {
			name   string
			filter app.UserFilter
			want   []string
		}{
			{"all, by name ignoring case", app.UserFilter{}, []string{"Agent", "Alice", "Bob", "carol"}},
			{"one organisation", app.UserFilter{OrgID: f.acme.ID}, []string{"Alice", "carol"}},
			{"one role", app.UserFilter{Role: desk.RoleClientAdmin}, []string{"Bob", "carol"}},
			{"organisation and role", app.UserFilter{OrgID: f.acme.ID, Role: desk.RoleClientUser}, []string{"Alice"}},
			{"nothing matches", app.UserFilter{OrgID: f.provider.ID, Role: desk.RoleExpert}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				read(t, db, func(ctx context.Context, tx app.Tx) error {
					users, err := tx.Users(ctx, c.filter)
					if err != nil {
						return err
					}
					if users == nil {
						t.Error("Users returned nil, want an empty list")
					}
					var names []string
					for _, u := range users {
						names = append(names, u.Name)
					}
					if !reflect.DeepEqual(names, c.want) {
						t.Errorf("Users(%+v) = %v, want %v", c.filter, names, c.want)
					}
					return nil
				})
			})
		}

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			u := newUser(f.globex.ID, "alice@acme.test", "Other Alice", desk.RoleClientUser)
			return tx.CreateUser(ctx, &u)
		})
		wantCode(t, err, desk.ECONFLICT)
		if !strings.Contains(err.Error(), "email") {
			t.Errorf("conflict message %q does not name the email", err)
		}
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			u := f.bob
			u.Email = "alice@acme.test"
			return tx.UpdateUser(ctx, &u)
		})
		wantCode(t, err, desk.ECONFLICT)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			u := newUser(999999, "orphan@acme.test", "Orphan", desk.RoleClientUser)
			return tx.CreateUser(ctx, &u)
		})
		wantCode(t, err, desk.EINVALID)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			u := f.bob
			u.ID = 999999
			return tx.UpdateUser(ctx, &u)
		})
		wantCode(t, err, desk.ENOTFOUND)

		later := t0.Add(48 * time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			u := f.alice
			u.Name, u.Email, u.PasswordHash, u.Role = "Alice B", "alice.b@acme.test", "new-hash", desk.RoleClientAdmin
			u.Active, u.Locale, u.UpdatedAt = false, desk.LocaleEN, later
			return tx.UpdateUser(ctx, &u)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.User(ctx, f.alice.ID)
			if err != nil {
				return err
			}
			if got.Name != "Alice B" || got.Email != "alice.b@acme.test" || got.PasswordHash != "new-hash" ||
				got.Role != desk.RoleClientAdmin || got.Active || got.Locale != desk.LocaleEN {
				t.Errorf("after update: %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			wantTime(t, "updated_at", got.UpdatedAt, later)
			return nil
		})
	})
}

// TestActiveUserIDs lists an organisation's active users of the roles asked for, by id.
func TestActiveUserIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		zed := newUser(f.provider.ID, "zed@studio.test", "Zed", desk.RoleAdmin)
		expert := newUser(f.provider.ID, "expert@studio.test", "Expert", desk.RoleExpert)
		gone := newUser(f.provider.ID, "gone@studio.test", "Gone", desk.RoleAgent)
		gone.Active = false
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, u := range []*desk.User{&zed, &expert, &gone} {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, c := range []struct {
				name  string
				org   int64
				roles []desk.Role
				want  []int64
			}{
				{"desk", f.provider.ID, []desk.Role{desk.RoleAgent, desk.RoleAdmin}, []int64{f.agent.ID, zed.ID}},
				{"experts", f.provider.ID, []desk.Role{desk.RoleExpert}, []int64{expert.ID}},
				{"another organisation", f.acme.ID, []desk.Role{desk.RoleAgent, desk.RoleAdmin}, []int64{}},
				{"no roles", f.provider.ID, nil, []int64{}},
			} {
				got, err := tx.ActiveUserIDs(ctx, c.org, c.roles)
				if err != nil {
					return err
				}
				if len(got) != len(c.want) || len(got) > 0 && !reflect.DeepEqual(got, c.want) {
					t.Errorf("%s: ActiveUserIDs = %v, want %v", c.name, got, c.want)
				}
			}
			return nil
		})
	})
}

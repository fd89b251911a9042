package store_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
)

// t0 has nanoseconds and a non-UTC zone on purpose: the store keeps milliseconds, in UTC.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589_793_238, time.FixedZone("CET", 3600))

// ms is what t reads back as.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond).UTC() }

func ptr[T any](v T) *T { return &v }

// write runs fn in a Write transaction and fails the test on an error.
func write(t *testing.T, db *store.DB, fn func(ctx context.Context, tx app.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := db.Write(ctx, func(tx app.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// read runs fn in a Read transaction and fails the test on an error.
func read(t *testing.T, db *store.DB, fn func(ctx context.Context, tx app.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := db.Read(ctx, func(tx app.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("read: %v", err)
	}
}

// tryWrite runs fn in a Write transaction and returns its error.
func tryWrite(t *testing.T, db *store.DB, fn func(ctx context.Context, tx app.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return db.Write(ctx, func(tx app.Tx) error { return fn(ctx, tx) })
}

// wantCode fails unless err is a *desk.Error with that code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := desk.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// wantTime fails unless got is want at millisecond precision, in UTC.
func wantTime(t *testing.T, field string, got, want time.Time) {
	t.Helper()
	if !got.Equal(ms(want)) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v (UTC)", field, got, ms(want))
	}
}

// fixture is a small installation: the provider with an agent, and two clients with a user each.
type fixture struct {
	provider, acme, globex desk.Organisation
	agent, alice, bob      desk.User
}

func seed(t *testing.T, db *store.DB) fixture {
	t.Helper()
	var f fixture
	write(t, db, func(ctx context.Context, tx app.Tx) error {
		f.provider = desk.Organisation{Slug: "studio", Name: "Studio", Kind: desk.OrgProvider, CreatedAt: t0, UpdatedAt: t0}
		f.acme = desk.Organisation{Slug: "acme", Name: "Acme", Kind: desk.OrgClient, CreatedAt: t0, UpdatedAt: t0}
		f.globex = desk.Organisation{Slug: "globex", Name: "Globex", Kind: desk.OrgClient, CreatedAt: t0, UpdatedAt: t0}
		for _, o := range []*desk.Organisation{&f.provider, &f.acme, &f.globex} {
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
		}
		f.agent = newUser(f.provider.ID, "agent@studio.test", "Agent", desk.RoleAgent)
		f.alice = newUser(f.acme.ID, "alice@acme.test", "Alice", desk.RoleClientUser)
		f.bob = newUser(f.globex.ID, "bob@globex.test", "Bob", desk.RoleClientAdmin)
		for _, u := range []*desk.User{&f.agent, &f.alice, &f.bob} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	return f
}

func newUser(orgID int64, email, name string, role desk.Role) desk.User {
	return desk.User{OrgID: orgID, Email: email, Name: name, Role: role, Locale: desk.LocaleNL,
		Active: true, PasswordHash: "$argon2id$hash", CreatedAt: t0, UpdatedAt: t0}
}

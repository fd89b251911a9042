package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store/storetest"
)

// FuzzResetToken: the secret of a password-reset link, as the reset page reads it from the
// link, is checked on each database: any text but an issued link's secret is refused as a
// 422 naming "token", never an internal error; an issued secret works once.
func FuzzResetToken(f *testing.F) {
	for _, s := range []string{"", "x", "\x00", "abc%00", "' OR 1=1 --", "\xff\xfe", "mp_" + string(make([]byte, 300))} {
		f.Add(s, false)
	}
	f.Add("", true)
	f.Add("x", true)
	ctx := context.Background()
	type deskOf struct {
		name string
		a    *app.Services
	}
	var desks []deskOf
	for _, dialect := range storetest.Dialects(f) {
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		a := app.New(storetest.Open(f, dialect), func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)),
			app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.test", ResetTTL: time.Hour, Argon2: app.Argon2Params{MemoryKiB: 8, Time: 1, Threads: 1}})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			f.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "rita@desk.example", Name: "Rita", Role: desk.RoleAgent, Password: "long enough password"}); err != nil {
			f.Fatal(err)
		}
		desks = append(desks, deskOf{dialect, a})
	}
	refused := func(t *testing.T, where string, err error) {
		t.Helper()
		e, ok := err.(*desk.Error)
		if !ok || e.Code != desk.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "token" || e.Fields[0].Rule == "" {
			t.Fatalf("%s: %T %v, want a 422 naming the token", where, err, err)
		}
	}
	f.Fuzz(func(t *testing.T, secret string, issue bool) {
		for _, d := range desks {
			if !issue {
				_, err := d.a.Identity.ResetPassword(ctx, secret, "a new long password", "192.0.2.7")
				refused(t, d.name+": made-up secret "+url.QueryEscape(secret), err)
				continue
			}
			link, err := d.a.Identity.RequestPasswordReset(ctx, "rita@desk.example", "192.0.2.7")
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			issued := u.Query().Get("token")
			if secret != "" {
				_, err := d.a.Identity.ResetPassword(ctx, issued+secret, "a new long password", "192.0.2.7")
				refused(t, d.name+": issued secret and more", err)
			}
			if _, err := d.a.Identity.ResetPassword(ctx, issued, "a new long password", "192.0.2.7"); err != nil {
				t.Fatalf("%s: the issued secret was refused: %v", d.name, err)
			}
			_, err = d.a.Identity.ResetPassword(ctx, issued, "another long password", "192.0.2.7")
			refused(t, d.name+": a used secret", err)
		}
	})
}

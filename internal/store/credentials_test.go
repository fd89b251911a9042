package store_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestRevokeCredentials: what a password change ends — the user's other sessions, their
// API tokens when asked, their unused reset links — and nothing of anyone else.
func TestRevokeCredentials(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		later := t0.Add(time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i, u := range []int64{f.alice.ID, f.alice.ID, f.alice.ID, f.bob.ID} {
				s := desk.Session{Hash: hash(byte(20 + i)), UserID: u, CreatedAt: t0, ExpiresAt: later}
				if err := tx.CreateSession(ctx, &s); err != nil {
					return err
				}
			}
			for i, u := range []int64{f.alice.ID, f.alice.ID, f.bob.ID} {
				tk := desk.Token{UserID: u, Name: "t", Hash: hash(byte(30 + i)), Prefix: "mp_x", CreatedAt: t0}
				if err := tx.CreateToken(ctx, &tk); err != nil {
					return err
				}
			}
			for i, u := range []int64{f.alice.ID, f.alice.ID, f.bob.ID} {
				r := desk.ResetToken{Hash: hash(byte(40 + i)), UserID: u, ExpiresAt: later}
				if err := tx.CreateResetToken(ctx, &r); err != nil {
					return err
				}
			}
			return nil
		})
		var revoked int64
		write(t, db, func(ctx context.Context, tx app.Tx) (err error) {
			if err := tx.DeleteOtherSessions(ctx, f.alice.ID, hash(21)); err != nil {
				return err
			}
			if revoked, err = tx.DeleteUserTokens(ctx, f.alice.ID); err != nil {
				return err
			}
			return tx.VoidResetTokens(ctx, f.alice.ID, later)
		})
		if revoked != 2 {
			t.Errorf("DeleteUserTokens = %d, want 2", revoked)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for i, gone := range []bool{true, false, true, false} {
				_, err := tx.SessionByHash(ctx, hash(byte(20+i)))
				if gone {
					wantCode(t, err, desk.ENOTFOUND)
				} else if err != nil {
					t.Errorf("session %d: %v", i, err)
				}
			}
			for i, gone := range []bool{true, true, false} {
				_, err := tx.TokenByHash(ctx, hash(byte(30+i)))
				if gone {
					wantCode(t, err, desk.ENOTFOUND)
				} else if err != nil {
					t.Errorf("token %d: %v", i, err)
				}
			}
			for i, void := range []bool{true, true, false} {
				r, err := tx.ResetTokenByHash(ctx, hash(byte(40+i)))
				if err != nil {
					return err
				}
				if (r.UsedAt != nil) != void {
					t.Errorf("reset token %d: used at %v", i, r.UsedAt)
				}
			}
			return nil
		})
		// Without a session to keep, every one goes.
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteOtherSessions(ctx, f.alice.ID, nil) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.SessionByHash(ctx, hash(21))
			wantCode(t, err, desk.ENOTFOUND)
			if _, err := tx.SessionByHash(ctx, hash(23)); err != nil {
				t.Errorf("another user's session: %v", err)
			}
			return nil
		})
	})
}

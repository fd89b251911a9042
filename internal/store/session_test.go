package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// hash returns a 32-byte value that includes a zero byte and high bytes, as real hashes do.
func hash(seed byte) []byte {
	h := make([]byte, 32)
	for i := range h {
		h[i] = seed + byte(i*37)
	}
	h[5] = 0
	return h
}

func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		used := t0.Add(time.Minute)
		a := desk.Token{UserID: f.agent.ID, Name: "ci", Hash: hash(1), Prefix: "mp_ab12", CreatedAt: t0}
		b := desk.Token{UserID: f.agent.ID, Name: "backup", Hash: hash(2), Prefix: "mp_cd34", CreatedAt: t0, LastUsedAt: &used}
		c := desk.Token{UserID: f.alice.ID, Name: "alice", Hash: hash(3), Prefix: "mp_ef56", CreatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, tk := range []*desk.Token{&a, &b, &c} {
				if err := tx.CreateToken(ctx, tk); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.TokenByHash(ctx, hash(1))
			if err != nil {
				return err
			}
			if got.ID != a.ID || got.UserID != f.agent.ID || got.Name != "ci" || got.Prefix != "mp_ab12" ||
				!bytes.Equal(got.Hash, hash(1)) || got.LastUsedAt != nil {
				t.Errorf("TokenByHash = %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			got, err = tx.TokenByHash(ctx, hash(2))
			if err != nil {
				return err
			}
			if got.LastUsedAt == nil {
				t.Fatal("last_used_at lost")
			}
			wantTime(t, "last_used_at", *got.LastUsedAt, used)
			_, err = tx.TokenByHash(ctx, hash(9))
			wantCode(t, err, desk.ENOTFOUND)
			list, err := tx.Tokens(ctx, f.agent.ID)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
				t.Errorf("Tokens(agent) = %+v, want ci then backup", list)
			}
			none, err := tx.Tokens(ctx, f.bob.ID)
			if err != nil || none == nil || len(none) != 0 {
				t.Errorf("Tokens(bob) = %#v, %v; want an empty list", none, err)
			}
			return nil
		})

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateToken(ctx, &desk.Token{UserID: f.bob.ID, Name: "dup", Hash: hash(1), CreatedAt: t0})
		})
		wantCode(t, err, desk.ECONFLICT)

		touched := t0.Add(time.Hour)
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.TouchToken(ctx, a.ID, touched) })
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.TouchToken(ctx, 999999, touched) })
		wantCode(t, err, desk.ENOTFOUND)
		// Another user cannot delete the agent's token.
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteToken(ctx, f.alice.ID, a.ID) })
		wantCode(t, err, desk.ENOTFOUND)
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteToken(ctx, f.agent.ID, b.ID) })
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteToken(ctx, f.agent.ID, b.ID) })
		wantCode(t, err, desk.ENOTFOUND)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.TokenByHash(ctx, hash(1))
			if err != nil {
				return err
			}
			if got.LastUsedAt == nil {
				t.Fatal("TouchToken did not set last_used_at")
			}
			wantTime(t, "last_used_at", *got.LastUsedAt, touched)
			_, err = tx.TokenByHash(ctx, hash(2))
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		now := t0.Add(24 * time.Hour)
		live := desk.Session{Hash: hash(1), UserID: f.alice.ID, CSRF: "csrf-1", CreatedAt: t0, ExpiresAt: now.Add(time.Hour), Address: "192.0.2.1"}
		expired := desk.Session{Hash: hash(2), UserID: f.alice.ID, CSRF: "csrf-2", CreatedAt: t0, ExpiresAt: now.Add(-time.Second), Address: "2001:db8::1"}
		other := desk.Session{Hash: hash(3), UserID: f.bob.ID, CSRF: "csrf-3", CreatedAt: t0, ExpiresAt: now.Add(time.Hour)}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, s := range []*desk.Session{&live, &expired, &other} {
				if err := tx.CreateSession(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.SessionByHash(ctx, hash(1))
			if err != nil {
				return err
			}
			if !bytes.Equal(got.Hash, hash(1)) || got.UserID != f.alice.ID || got.CSRF != "csrf-1" || got.Address != "192.0.2.1" {
				t.Errorf("SessionByHash = %+v", got)
			}
			wantTime(t, "created_at", got.CreatedAt, t0)
			wantTime(t, "expires_at", got.ExpiresAt, live.ExpiresAt)
			_, err = tx.SessionByHash(ctx, hash(9))
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			s := live
			return tx.CreateSession(ctx, &s)
		})
		wantCode(t, err, desk.ECONFLICT)

		// Reset tokens: one expired, one live.
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateResetToken(ctx, &desk.ResetToken{Hash: hash(4), UserID: f.alice.ID, ExpiresAt: now.Add(-time.Minute)}); err != nil {
				return err
			}
			return tx.CreateResetToken(ctx, &desk.ResetToken{Hash: hash(5), UserID: f.alice.ID, ExpiresAt: now.Add(time.Minute)})
		})
		var deleted int64
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			var err error
			deleted, err = tx.DeleteExpired(ctx, now)
			return err
		})
		if deleted != 2 {
			t.Errorf("DeleteExpired = %d, want 2 (one session, one reset token)", deleted)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.SessionByHash(ctx, hash(2))
			wantCode(t, err, desk.ENOTFOUND)
			_, err = tx.ResetTokenByHash(ctx, hash(4))
			wantCode(t, err, desk.ENOTFOUND)
			if _, err := tx.ResetTokenByHash(ctx, hash(5)); err != nil {
				t.Errorf("live reset token deleted: %v", err)
			}
			if _, err := tx.SessionByHash(ctx, hash(1)); err != nil {
				t.Errorf("live session deleted: %v", err)
			}
			return nil
		})

		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteSession(ctx, hash(3)) })
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteSession(ctx, hash(3)) }) // gone: no error
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			s := desk.Session{Hash: hash(6), UserID: f.alice.ID, CreatedAt: t0, ExpiresAt: now.Add(time.Hour)}
			if err := tx.CreateSession(ctx, &s); err != nil {
				return err
			}
			return tx.DeleteUserSessions(ctx, f.alice.ID)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, h := range [][]byte{hash(1), hash(3), hash(6)} {
				_, err := tx.SessionByHash(ctx, h)
				wantCode(t, err, desk.ENOTFOUND)
			}
			return nil
		})
	})
}

func TestResetTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		r := desk.ResetToken{Hash: hash(7), UserID: f.bob.ID, ExpiresAt: t0.Add(time.Hour)}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateResetToken(ctx, &r) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.ResetTokenByHash(ctx, hash(7))
			if err != nil {
				return err
			}
			if !bytes.Equal(got.Hash, hash(7)) || got.UserID != f.bob.ID || got.UsedAt != nil {
				t.Errorf("ResetTokenByHash = %+v", got)
			}
			wantTime(t, "expires_at", got.ExpiresAt, r.ExpiresAt)
			return nil
		})
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			dup := r
			return tx.CreateResetToken(ctx, &dup)
		})
		wantCode(t, err, desk.ECONFLICT)

		usedAt := t0.Add(10 * time.Minute)
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UseResetToken(ctx, hash(7), usedAt) })
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UseResetToken(ctx, hash(7), usedAt) })
		wantCode(t, err, desk.ECONFLICT)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UseResetToken(ctx, hash(8), usedAt) })
		wantCode(t, err, desk.ENOTFOUND)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.ResetTokenByHash(ctx, hash(7))
			if err != nil {
				return err
			}
			if got.UsedAt == nil {
				t.Fatal("UseResetToken did not set used_at")
			}
			wantTime(t, "used_at", *got.UsedAt, usedAt)
			return nil
		})
	})
}

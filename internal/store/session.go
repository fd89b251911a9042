package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// Credentials: API tokens, browser sessions and password-reset tokens. Only hashes of
// their secrets are stored, and looked up by that hash.

const tokenColumns = "id, user_id, name, hash, prefix, created_at, last_used_at"

const (
	secretConflict = "a credential with this secret already exists"
	userGone       = "the user does not exist"
)

func scanToken(row row) (desk.Token, error) {
	var tk desk.Token
	var created int64
	var used sql.NullInt64
	err := row.Scan(&tk.ID, &tk.UserID, &tk.Name, &tk.Hash, &tk.Prefix, &created, &used)
	tk.CreatedAt, tk.LastUsedAt = fromMillis(created), fromNullMillis(used)
	return tk, err
}

// CreateToken stores a new API token and sets its ID.
func (t *tx) CreateToken(ctx context.Context, tk *desk.Token) error {
	err := t.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, hash, prefix, created_at, last_used_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tk.UserID, tk.Name, tk.Hash, tk.Prefix, millis(tk.CreatedAt), nullMillis(tk.LastUsedAt)).Scan(&tk.ID)
	if err != nil {
		return writeErr(err, "create token", secretConflict, userGone)
	}
	return nil
}

// TokenByHash returns the API token whose secret has that hash.
func (t *tx) TokenByHash(ctx context.Context, hash []byte) (desk.Token, error) {
	tk, err := scanToken(t.queryRow(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE hash = $1", hash))
	if err != nil {
		return desk.Token{}, readErr(err, "read token", "token")
	}
	return tk, nil
}

// Tokens lists a user's API tokens, oldest first.
func (t *tx) Tokens(ctx context.Context, userID int64) ([]desk.Token, error) {
	tokens, err := list(ctx, t, "list tokens", scanToken, "SELECT "+tokenColumns+" FROM api_tokens WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	return tokens, nil
}

// DeleteToken deletes the user's token; ENOTFOUND when the user has no such token.
func (t *tx) DeleteToken(ctx context.Context, userID, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2", id, userID)
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return mustAffect(res, "delete token", "token")
}

// TouchToken records when a token was last used.
func (t *tx) TouchToken(ctx context.Context, id int64, at time.Time) error {
	res, err := t.exec(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", millis(at), id)
	if err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return mustAffect(res, "touch token", "token")
}

// CreateSession stores a new browser session.
func (t *tx) CreateSession(ctx context.Context, s *desk.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at, address)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		s.Hash, s.UserID, s.CSRF, millis(s.CreatedAt), millis(s.ExpiresAt), s.Address)
	if err != nil {
		return writeErr(err, "create session", secretConflict, userGone)
	}
	return nil
}

// SessionByHash returns the session whose cookie value has that hash, expired or not: the
// caller compares ExpiresAt with its clock.
func (t *tx) SessionByHash(ctx context.Context, hash []byte) (desk.Session, error) {
	var s desk.Session
	var created, expires int64
	err := t.queryRow(ctx, `SELECT hash, user_id, csrf, created_at, expires_at, address
		FROM sessions WHERE hash = $1`, hash).Scan(&s.Hash, &s.UserID, &s.CSRF, &created, &expires, &s.Address)
	if err != nil {
		return desk.Session{}, readErr(err, "read session", "session")
	}
	s.CreatedAt, s.ExpiresAt = fromMillis(created), fromMillis(expires)
	return s, nil
}

// DeleteSession signs a browser out; deleting a session that is gone is not an error.
func (t *tx) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE hash = $1", hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere, e.g. after a password change.
func (t *tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
	}
	return nil
}

// DeleteOtherSessions signs a user out everywhere but in the session whose hash is keep
// (none when keep is nil): after a password change, the browser that made it stays in.
func (t *tx) DeleteOtherSessions(ctx context.Context, userID int64, keep []byte) error {
	if keep == nil {
		return t.DeleteUserSessions(ctx, userID)
	}
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = $1 AND hash <> $2", userID, keep); err != nil {
		return fmt.Errorf("delete other sessions: %w", err)
	}
	return nil
}

// DeleteUserTokens revokes every API token of a user and returns how many there were.
func (t *tx) DeleteUserTokens(ctx context.Context, userID int64) (int64, error) {
	res, err := t.exec(ctx, "DELETE FROM api_tokens WHERE user_id = $1", userID)
	if err != nil {
		return 0, fmt.Errorf("delete user tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete user tokens: %w", err)
	}
	return n, nil
}

// VoidResetTokens marks every unused reset token of a user used at at, so no earlier
// link works any more.
func (t *tx) VoidResetTokens(ctx context.Context, userID int64, at time.Time) error {
	if _, err := t.exec(ctx, "UPDATE reset_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL", millis(at), userID); err != nil {
		return fmt.Errorf("void reset tokens: %w", err)
	}
	return nil
}

// DeleteExpired removes sessions and reset tokens that expired before now and returns how
// many rows it removed.
func (t *tx) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, table := range []string{"sessions", "reset_tokens"} {
		res, err := t.exec(ctx, "DELETE FROM "+table+" WHERE expires_at < $1", millis(now))
		if err != nil {
			return 0, fmt.Errorf("delete expired %s: %w", table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("delete expired %s: %w", table, err)
		}
		total += n
	}
	return total, nil
}

// CreateResetToken stores a new password-reset token.
func (t *tx) CreateResetToken(ctx context.Context, r *desk.ResetToken) error {
	_, err := t.exec(ctx, "INSERT INTO reset_tokens (hash, user_id, expires_at, used_at) VALUES ($1, $2, $3, $4)",
		r.Hash, r.UserID, millis(r.ExpiresAt), nullMillis(r.UsedAt))
	if err != nil {
		return writeErr(err, "create reset token", secretConflict, userGone)
	}
	return nil
}

// ResetTokenByHash returns the reset token whose secret has that hash, used or expired or
// not: the caller decides.
func (t *tx) ResetTokenByHash(ctx context.Context, hash []byte) (desk.ResetToken, error) {
	var r desk.ResetToken
	var expires int64
	var used sql.NullInt64
	err := t.queryRow(ctx, "SELECT hash, user_id, expires_at, used_at FROM reset_tokens WHERE hash = $1", hash).
		Scan(&r.Hash, &r.UserID, &expires, &used)
	if err != nil {
		return desk.ResetToken{}, readErr(err, "read reset token", "reset token")
	}
	r.ExpiresAt, r.UsedAt = fromMillis(expires), fromNullMillis(used)
	return r, nil
}

// UseResetToken marks the token used; ECONFLICT when it was used already, so a link works
// once even when clicked twice at the same moment.
func (t *tx) UseResetToken(ctx context.Context, hash []byte, at time.Time) error {
	res, err := t.exec(ctx, "UPDATE reset_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL", millis(at), hash)
	if err != nil {
		return fmt.Errorf("use reset token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("use reset token: %w", err)
	}
	if n == 1 {
		return nil
	}
	if _, err := t.ResetTokenByHash(ctx, hash); err != nil {
		return err
	}
	return &desk.Error{Code: desk.ECONFLICT, Message: "this reset link was used already"}
}

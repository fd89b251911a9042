package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"meldpunt/internal/desk"
)

// ErrBadCredentials is the one answer to a failed sign-in, whatever failed, so the answer
// tells nobody which emails exist.
var ErrBadCredentials = &desk.Error{Code: desk.EUNAUTHORIZED, Message: "the email address or password is not right"}

// dummyHash is checked when no user has the email, so a failed sign-in takes as long either
// way. It is made on first use: hashing costs 19 MiB that a process which never signs anyone
// in should not pay.
var dummyHash = sync.OnceValue(func() string { return HashPassword("not a password", DefaultArgon2) })

// actorFor returns the actor for a signed-in user.
func actorFor(u desk.User, address string) desk.Actor {
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Address: address}
}

// SignIn checks an email and password and starts a session. It returns the session's secret
// (the cookie value), the session and the user.
func (a *Identity) SignIn(ctx context.Context, email, password, address string) (string, desk.Session, desk.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !usableEmail(email) || len(password) > desk.MaxPassword {
		return "", desk.Session{}, desk.User{}, ErrBadCredentials
	}
	var u desk.User
	err := a.db.read(ctx, func(tx identityTx) (err error) {
		u, err = tx.UserByEmail(ctx, email)
		return err
	})
	if desk.IsNotFound(err) {
		CheckPassword(password, dummyHash())
		return "", desk.Session{}, desk.User{}, ErrBadCredentials
	}
	if err != nil {
		return "", desk.Session{}, desk.User{}, err
	}
	if !CheckPassword(password, u.PasswordHash) || !u.Active {
		return "", desk.Session{}, desk.User{}, ErrBadCredentials
	}
	secret, hash := NewSecret("")
	now := a.clock()
	s := desk.Session{Hash: hash, UserID: u.ID, CSRF: string(NewSecretString()), CreatedAt: now, ExpiresAt: now.Add(a.cfg.SessionTTL), Address: address}
	err = a.db.write(ctx, func(tx identityTx) error {
		if err := tx.CreateSession(ctx, &s); err != nil {
			return err
		}
		return audit(ctx, tx, actorFor(u, address), now, "user", u.ID, orgOf(u), "sign_in", nil, map[string]any{})
	})
	return secret, s, u, err
}

// usableEmail tells whether email can be looked up: no account has an address that is
// empty, too long, not UTF-8 or holds control characters (a NUL, which PostgreSQL
// refuses), so such input is a failed sign-in or an unknown address at once, never a
// query.
func usableEmail(email string) bool {
	var v desk.Validator
	v.Text("email", email, true, desk.MaxEmail, false)
	return v.Err() == nil
}

// NewSecretString returns a random token for forms (CSRF) and links.
func NewSecretString() string {
	s, _ := NewSecret("")
	return s
}

// SessionActor resolves a session cookie's secret into the session and its actor. An
// unknown, expired or deactivated session gives EUNAUTHORIZED.
func (a *Identity) SessionActor(ctx context.Context, secret, address string) (desk.Session, desk.Actor, desk.User, error) {
	var s desk.Session
	var u desk.User
	err := a.db.read(ctx, func(tx identityTx) (err error) {
		if s, err = tx.SessionByHash(ctx, HashSecret(secret)); err != nil {
			return err
		}
		u, err = tx.User(ctx, s.UserID)
		return err
	})
	if desk.IsNotFound(err) || err == nil && (!s.ExpiresAt.After(a.clock()) || !u.Active) {
		return desk.Session{}, desk.Actor{}, desk.User{}, desk.Errorf(desk.EUNAUTHORIZED, "please sign in")
	}
	if err != nil {
		return desk.Session{}, desk.Actor{}, desk.User{}, err
	}
	act := actorFor(u, address)
	act.Session = string(s.Hash)
	return s, act, u, nil
}

// SignOut ends a session.
func (a *Identity) SignOut(ctx context.Context, secret string) error {
	return a.db.write(ctx, func(tx identityTx) error { return tx.DeleteSession(ctx, HashSecret(secret)) })
}

// TokenActor resolves an API token into its owner's actor, and notes when it was used.
func (a *Identity) TokenActor(ctx context.Context, secret, address string) (desk.Actor, error) {
	unauth := desk.Errorf(desk.EUNAUTHORIZED, "the API token is not valid")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return desk.Actor{}, unauth
	}
	hash := HashSecret(secret)
	now := a.clock()
	if e, ok := a.tokens.get(hash, now); ok {
		return actorFor(e.user, address), nil
	}
	var t desk.Token
	var u desk.User
	err := a.db.read(ctx, func(tx identityTx) (err error) {
		if t, err = tx.TokenByHash(ctx, hash); err != nil {
			return err
		}
		u, err = tx.User(ctx, t.UserID)
		return err
	})
	if desk.IsNotFound(err) || err == nil && !u.Active {
		return desk.Actor{}, unauth
	}
	if err != nil {
		return desk.Actor{}, err
	}
	// Noting the last use costs a write; do it at most once a minute per token.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := a.db.write(ctx, func(tx identityTx) error { return tx.TouchToken(ctx, t.ID, now) }); err != nil {
			a.log.WarnContext(ctx, "note token use", "err", err)
		}
		t.LastUsedAt = &now
	}
	a.tokens.put(hash, cachedToken{token: t, user: u, checked: now})
	return actorFor(u, address), nil
}

// TokenPrefix starts every API token, so a leaked one is easy to recognise.
const TokenPrefix = "mp_"

// CreateToken makes an API token for the actor (or, for the command line, for the user
// with that email). It returns the secret, shown once.
func (a *Identity) CreateToken(ctx context.Context, actor desk.Actor, userID int64, name string) (string, desk.Token, error) {
	var v desk.Validator
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	v.Text("name", name, true, desk.MaxName, false)
	if err := v.Err(); err != nil {
		return "", desk.Token{}, err
	}
	if !actor.System && userID != actor.UserID {
		return "", desk.Token{}, forbidden("create tokens for someone else")
	}
	secret, hash := NewSecret(TokenPrefix)
	t := desk.Token{UserID: userID, Name: name, Hash: hash, Prefix: secret[:len(TokenPrefix)+6], CreatedAt: a.clock()}
	err := a.db.write(ctx, func(tx identityTx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
		return audit(ctx, tx, actor, t.CreatedAt, "token", t.ID, orgOf(u), "create", nil, t)
	})
	return secret, t, err
}

// Tokens lists the actor's API tokens (never their secrets).
func (a *Identity) Tokens(ctx context.Context, actor desk.Actor) (ts []desk.Token, err error) {
	err = a.db.read(ctx, func(tx identityTx) error {
		ts, err = tx.Tokens(ctx, actor.UserID)
		return err
	})
	return ts, err
}

// DeleteToken revokes one of the actor's API tokens.
func (a *Identity) DeleteToken(ctx context.Context, actor desk.Actor, id int64) error {
	defer a.tokens.clear()
	return a.db.write(ctx, func(tx identityTx) error {
		if err := tx.DeleteToken(ctx, actor.UserID, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.clock(), "token", id, nil, "delete", nil, map[string]any{})
	})
}

// RequestPasswordReset makes a reset link for the user with that email, if there is one,
// queues the email that carries it (in the same transaction) and returns it ("" when there
// is none). The answer to the person is the same either way; the link goes nowhere else.
func (a *Identity) RequestPasswordReset(ctx context.Context, email, address string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !usableEmail(email) {
		return "", nil
	}
	secret, hash := NewSecret("")
	link := strings.TrimRight(a.cfg.BaseURL, "/") + "/password/reset?token=" + url.QueryEscape(secret)
	now := a.clock()
	err := a.db.write(ctx, func(tx identityTx) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if !u.Active {
			return desk.NotFound("user")
		}
		if err := tx.VoidResetTokens(ctx, u.ID, now); err != nil { // only the newest link works
			return err
		}
		if err := tx.CreateResetToken(ctx, &desk.ResetToken{Hash: hash, UserID: u.ID, ExpiresAt: now.Add(a.cfg.ResetTTL)}); err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]any{"url": link, "minutes": int(a.cfg.ResetTTL / time.Minute)})
		if err := tx.Notify(ctx, &desk.Notification{Kind: desk.NotifyPasswordReset, UserID: u.ID, Payload: string(payload), CreatedAt: now}); err != nil {
			return err
		}
		return audit(ctx, tx, desk.Actor{Name: u.Name, Address: address}, now, "user", u.ID, orgOf(u), "password_reset_requested", nil, map[string]any{})
	})
	if desk.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return link, nil
}

// ResetPassword sets a new password through a reset link's secret. The link works once and
// ends every session of the user.
func (a *Identity) ResetPassword(ctx context.Context, secret, password, address string) (desk.User, error) {
	return a.ResetPasswordRevoking(ctx, secret, password, address, false)
}

// ResetPasswordRevoking is ResetPassword that, when revokeTokens is set, also deletes
// every API token of the user. The user's other reset links stop working.
func (a *Identity) ResetPasswordRevoking(ctx context.Context, secret, password, address string, revokeTokens bool) (desk.User, error) {
	defer a.tokens.clear()
	if err := desk.ValidatePassword("password", password); err != nil {
		return desk.User{}, err
	}
	bad := &desk.Error{Code: desk.EINVALID, Message: "the link is not valid", Fields: []desk.FieldError{{Field: "token", Rule: "valid", Message: "this link is not valid, was used already, or has expired; ask for a new one"}}}
	hashed := HashPassword(password, a.cfg.Argon2)
	now := a.clock()
	var u desk.User
	err := a.db.write(ctx, func(tx identityTx) error {
		r, err := tx.ResetTokenByHash(ctx, HashSecret(secret))
		if err != nil {
			return err
		}
		if r.UsedAt != nil || !r.ExpiresAt.After(now) {
			return bad
		}
		if err := tx.UseResetToken(ctx, r.Hash, now); err != nil {
			return err
		}
		if u, err = tx.User(ctx, r.UserID); err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt = hashed, now
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.VoidResetTokens(ctx, u.ID, now); err != nil {
			return err
		}
		after := map[string]any{}
		if revokeTokens {
			n, err := tx.DeleteUserTokens(ctx, u.ID)
			if err != nil {
				return err
			}
			after["tokens_revoked"] = n
		}
		return audit(ctx, tx, actorFor(u, address), now, "user", u.ID, orgOf(u), "password_reset", nil, after)
	})
	if desk.IsNotFound(err) || desk.ErrorCode(err) == desk.ECONFLICT {
		return desk.User{}, bad
	}
	return u, err
}

// DeleteExpired removes expired sessions and reset links; a background job calls it.
func (a *Identity) DeleteExpired(ctx context.Context) (n int64, err error) {
	err = a.db.write(ctx, func(tx identityTx) error {
		n, err = tx.DeleteExpired(ctx, a.clock())
		return err
	})
	return n, err
}

func orgOf(u desk.User) *int64 {
	if u.OrgID == 0 {
		return nil
	}
	return ptr(u.OrgID)
}

var errNoProvider = errors.New("no provider organisation: run meldpunt migrate")

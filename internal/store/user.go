package store

import (
	"context"
	"fmt"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

const userColumns = "id, org_id, email, name, role, locale, active, password_hash, created_at, updated_at"

const (
	userConflict = "a user with this email already exists"
	userMissing  = "the user's organisation does not exist"
)

func scanUser(row row) (desk.User, error) {
	var u desk.User
	var created, updated int64
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.Active, &u.PasswordHash,
		&created, &updated)
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	return u, err
}

// CreateUser stores a new user and sets its ID. The email is stored as given: the domain
// normalises it (lower case) before, so the unique index compares like with like.
func (t *tx) CreateUser(ctx context.Context, u *desk.User) error {
	err := t.queryRow(ctx, `INSERT INTO users (org_id, email, name, role, locale, active,
		password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.OrgID, u.Email, u.Name, string(u.Role), string(u.Locale), u.Active, u.PasswordHash,
		millis(u.CreatedAt), millis(u.UpdatedAt)).Scan(&u.ID)
	if err != nil {
		return writeErr(err, "create user", userConflict, userMissing)
	}
	return nil
}

// User returns the user with that id.
func (t *tx) User(ctx context.Context, id int64) (desk.User, error) {
	u, err := scanUser(t.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	if err != nil {
		return desk.User{}, readErr(err, "read user", "user")
	}
	return u, nil
}

// UserByEmail returns the user with exactly that (normalised) email.
func (t *tx) UserByEmail(ctx context.Context, email string) (desk.User, error) {
	u, err := scanUser(t.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = $1", email))
	if err != nil {
		return desk.User{}, readErr(err, "read user", "user")
	}
	return u, nil
}

// Users lists users by name (case-insensitive), then id.
func (t *tx) Users(ctx context.Context, f app.UserFilter) ([]desk.User, error) {
	var w where
	if f.OrgID != 0 {
		w.add("org_id = %s", f.OrgID)
	}
	if f.Role != "" {
		w.add("role = %s", string(f.Role))
	}
	users, err := list(ctx, t, "list users", scanUser, "SELECT "+userColumns+" FROM users"+w.sql()+" ORDER BY lower(name), id", w.args...)
	if err != nil {
		return nil, err
	}
	return users, nil
}

// ActiveUserIDs lists the ids of an organisation's active users with one of the roles, by
// id: the people a new report is told to, read on every new incident.
func (t *tx) ActiveUserIDs(ctx context.Context, orgID int64, roles []desk.Role) ([]int64, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 1+len(roles))
	args = append(args, orgID)
	for _, r := range roles {
		args = append(args, string(r))
	}
	return t.ids(ctx, "list active users", "SELECT id FROM users WHERE org_id = $1 AND active = TRUE AND role IN ("+
		placeholders(2, len(roles))+") ORDER BY id", args...)
}

// UpdateUser stores every field, the password hash included; CreatedAt never changes.
func (t *tx) UpdateUser(ctx context.Context, u *desk.User) error {
	res, err := t.exec(ctx, `UPDATE users SET org_id = $1, email = $2, name = $3, role = $4,
		locale = $5, active = $6, password_hash = $7, updated_at = $8 WHERE id = $9`,
		u.OrgID, u.Email, u.Name, string(u.Role), string(u.Locale), u.Active, u.PasswordHash,
		millis(u.UpdatedAt), u.ID)
	if err != nil {
		return writeErr(err, "update user", userConflict, userMissing)
	}
	return mustAffect(res, "update user", "user")
}

// CountUsers counts every user, so set-up can tell a fresh installation.
func (t *tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := t.queryRow(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

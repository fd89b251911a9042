package app

import (
	"context"

	"meldpunt/internal/desk"
)

// UserInput is a new user. Password may be empty: the person then sets one through a
// password-reset link.
type UserInput struct {
	OrgID    int64       `json:"organisation_id"`
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     desk.Role   `json:"role"`
	Locale   desk.Locale `json:"locale"`
	Password string      `json:"password"`
}

// CreateUser adds a user. Admins add anyone; client admins add client users and admins to
// their own organisation. Staff roles belong to the provider; when OrgID is 0 it defaults to
// the provider for staff roles and to the actor's own organisation for a client admin.
func (a *Identity) CreateUser(ctx context.Context, actor desk.Actor, in UserInput) (u desk.User, err error) {
	u = desk.User{OrgID: in.OrgID, Email: in.Email, Name: in.Name, Role: in.Role, Locale: in.Locale, Active: true}
	u.Normalize()
	if in.Password != "" {
		if err := desk.ValidatePassword("password", in.Password); err != nil {
			return u, err
		}
		u.PasswordHash = HashPassword(in.Password, a.cfg.Argon2)
	}
	if !actor.System && actor.Role != desk.RoleAdmin && actor.Role != desk.RoleClientAdmin {
		return u, forbidden("create users")
	}
	u.CreatedAt = a.clock()
	u.UpdatedAt = u.CreatedAt
	err = a.db.write(ctx, func(tx identityTx) error {
		if u.OrgID == 0 {
			if actor.Role == desk.RoleClientAdmin {
				u.OrgID = actor.OrgID
			} else if u.Role.IsStaff() {
				p, err := provider(ctx, tx)
				if err != nil {
					return err
				}
				u.OrgID = p.ID
			}
		}
		org, err := tx.Organisation(ctx, u.OrgID)
		if desk.IsNotFound(err) || err == nil && !canSeeOrg(actor, org.ID) {
			if verr := u.Validate(desk.Organisation{Kind: desk.OrgClient}); verr != nil && u.OrgID == 0 {
				return verr
			}
			return invalid("organisation_id", "exists", "no organisation has this id")
		}
		if err != nil {
			return err
		}
		if err := u.Validate(org); err != nil {
			return err
		}
		if !actor.System && !canManageUser(actor, org.ID, u.Role) {
			return forbidden("create this user")
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return audit(ctx, tx, actor, u.CreatedAt, "user", u.ID, &u.OrgID, "create", nil, u)
	})
	return u, err
}

// User returns a user the actor may see.
func (a *Identity) User(ctx context.Context, actor desk.Actor, id int64) (u desk.User, err error) {
	err = a.db.read(ctx, func(tx identityTx) error {
		u, err = tx.User(ctx, id)
		if err == nil && !canSeeUser(actor, u) {
			err = desk.NotFound("user")
		}
		return err
	})
	return u, err
}

// Users lists the users the actor may see, narrowed by the filter.
func (a *Identity) Users(ctx context.Context, actor desk.Actor, f UserFilter) (us []desk.User, err error) {
	err = a.db.read(ctx, func(tx identityTx) error {
		switch actor.Role {
		case desk.RoleClientAdmin:
			if f.OrgID != 0 && f.OrgID != actor.OrgID {
				us = []desk.User{}
				return nil
			}
			f.OrgID = actor.OrgID
		case desk.RoleClientUser:
			u, err := tx.User(ctx, actor.UserID)
			us = []desk.User{u}
			return err
		}
		all, err := tx.Users(ctx, f)
		us = all[:0]
		for _, u := range all {
			if canSeeUser(actor, u) {
				us = append(us, u)
			}
		}
		return err
	})
	return us, err
}

// UserPatch holds the fields to change; nil leaves a field as it is.
type UserPatch struct {
	Name     *string      `json:"name"`
	Email    *string      `json:"email"`
	Role     *desk.Role   `json:"role"`
	Locale   *desk.Locale `json:"locale"`
	Active   *bool        `json:"active"`
	Password *string      `json:"password"`
	// RevokeTokens deletes every API token of the user, e.g. with a new password.
	RevokeTokens bool `json:"revoke_tokens"`
}

// UpdateUser changes a user. People change their own name, language and password; admins
// and client admins (within their organisation) change more. A new password ends every
// other session of the user (the actor's own stays when they change their own) and voids
// their reset links; RevokeTokens deletes their API tokens.
func (a *Identity) UpdateUser(ctx context.Context, actor desk.Actor, id int64, p UserPatch) (u desk.User, err error) {
	defer a.tokens.clear() // a new role or a deactivation applies to the user's tokens at once
	err = a.db.write(ctx, func(tx identityTx) error {
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		if !canSeeUser(actor, u) {
			return desk.NotFound("user")
		}
		self := u.ID == actor.UserID
		manager := canManageUser(actor, u.OrgID, u.Role) || actor.System
		if !manager && (!self || p.Email != nil || p.Role != nil || p.Active != nil) {
			return forbidden("change this user")
		}
		if manager && self && (p.Role != nil && *p.Role != u.Role || p.Active != nil && !*p.Active) {
			return desk.Errorf(desk.ECONFLICT, "you cannot change your own role or deactivate yourself; ask another admin")
		}
		before := u
		set(&u.Name, p.Name)
		set(&u.Email, p.Email)
		set(&u.Role, p.Role)
		set(&u.Locale, p.Locale)
		set(&u.Active, p.Active)
		u.Normalize()
		org, err := tx.Organisation(ctx, u.OrgID)
		if err != nil {
			return err
		}
		if err := u.Validate(org); err != nil {
			return err
		}
		if p.Role != nil && !actor.System && !canManageUser(actor, u.OrgID, u.Role) {
			return forbidden("give this role")
		}
		if p.Password != nil {
			if err := desk.ValidatePassword("password", *p.Password); err != nil {
				return err
			}
			u.PasswordHash = HashPassword(*p.Password, a.cfg.Argon2)
		}
		u.UpdatedAt = a.clock()
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if p.Active != nil && !u.Active {
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		after := toMap(u)
		if p.Password != nil {
			after["password"] = "changed"
			var keep []byte
			if self && actor.Session != "" {
				keep = []byte(actor.Session)
			}
			if err := tx.DeleteOtherSessions(ctx, u.ID, keep); err != nil {
				return err
			}
			if err := tx.VoidResetTokens(ctx, u.ID, u.UpdatedAt); err != nil {
				return err
			}
		}
		if p.RevokeTokens {
			n, err := tx.DeleteUserTokens(ctx, u.ID)
			if err != nil {
				return err
			}
			after["tokens_revoked"] = n
		}
		return audit(ctx, tx, actor, u.UpdatedAt, "user", u.ID, &u.OrgID, "update", before, after)
	})
	return u, err
}

// provider returns the provider organisation.
func provider(ctx context.Context, tx OrganisationStore) (desk.Organisation, error) {
	ps, err := tx.Organisations(ctx, desk.OrgProvider)
	if err != nil {
		return desk.Organisation{}, err
	}
	if len(ps) == 0 {
		return desk.Organisation{}, errNoProvider
	}
	return ps[0], nil
}

// ErrWrongPassword refuses a password change whose current password is not right.
var ErrWrongPassword = invalid("current", "current_password", "is not your current password")

// ChangePassword sets the actor's own password once they gave their current one: the
// pages' way, so that a browser left signed in is not enough to take the account over.
// As with a new password through UpdateUser, the actor's other sessions end and their
// reset links stop working; revokeTokens deletes their API tokens too. A wrong current
// password is ErrWrongPassword.
func (a *Identity) ChangePassword(ctx context.Context, actor desk.Actor, current, password string, revokeTokens bool) error {
	if err := desk.ValidatePassword("password", password); err != nil {
		return err
	}
	var u desk.User
	if err := a.db.read(ctx, func(tx identityTx) (err error) {
		u, err = tx.User(ctx, actor.UserID)
		return err
	}); err != nil {
		return err
	}
	if len(current) > desk.MaxPassword || !CheckPassword(current, u.PasswordHash) {
		return ErrWrongPassword
	}
	_, err := a.UpdateUser(ctx, actor, actor.UserID, UserPatch{Password: &password, RevokeTokens: revokeTokens})
	return err
}

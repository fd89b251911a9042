package app

import (
	"context"
	"crypto/subtle"
	"encoding/hex"

	"meldpunt/internal/desk"
)

const settingSetupToken = "setup_token_hash"

// Bootstrap prepares a new installation: it creates the provider organisation when there is
// none, and, while nobody can sign in yet, a one-time setup secret with which the first
// admin signs up (see CompleteSetup). It returns "" once any user exists.
func (a *Identity) Bootstrap(ctx context.Context) (setupSecret string, err error) {
	err = a.db.write(ctx, func(tx identityTx) error {
		if _, err := provider(ctx, tx); err == errNoProvider {
			p := desk.Organisation{Name: "Provider", Slug: "provider", Kind: desk.OrgProvider, CreatedAt: a.clock(), UpdatedAt: a.clock()}
			if err := tx.CreateOrganisation(ctx, &p); err != nil {
				return err
			}
			if err := audit(ctx, tx, desk.SystemActor("meldpunt"), p.CreatedAt, "organisation", p.ID, nil, "create", nil, p); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		n, err := tx.CountUsers(ctx)
		if err != nil || n > 0 {
			return err
		}
		secret, hash := NewSecret("")
		setupSecret = secret
		return tx.PutSetting(ctx, settingSetupToken, hex.EncodeToString(hash))
	})
	return setupSecret, err
}

// SetupInput creates the first admin and names the provider.
type SetupInput struct {
	ProviderName string
	Name         string
	Email        string
	Password     string
}

// CompleteSetup creates the first admin with the setup secret that Bootstrap printed. It
// works once, and only while there are no users.
func (a *Identity) CompleteSetup(ctx context.Context, secret string, in SetupInput, address string) (u desk.User, err error) {
	var v desk.Validator
	v.Text("provider_name", in.ProviderName, true, desk.MaxName, false)
	if err := v.Err(); err != nil {
		if perr := desk.ValidatePassword("password", in.Password); perr != nil {
			v.Fields = append(v.Fields, perr.(*desk.Error).Fields...)
		}
		return u, v.Err()
	}
	if err := desk.ValidatePassword("password", in.Password); err != nil {
		return u, err
	}
	hashed := HashPassword(in.Password, a.cfg.Argon2)
	now := a.clock()
	err = a.db.write(ctx, func(tx identityTx) error {
		stored, err := tx.Setting(ctx, settingSetupToken)
		if desk.IsNotFound(err) || err == nil && stored == "" {
			return desk.Errorf(desk.ECONFLICT, "Meldpunt is set up already; sign in")
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(stored), []byte(hex.EncodeToString(HashSecret(secret)))) != 1 {
			return invalid("token", "valid", "the setup link is not valid; use the link Meldpunt printed at its last start")
		}
		if n, err := tx.CountUsers(ctx); err != nil || n > 0 {
			if err == nil {
				err = desk.Errorf(desk.ECONFLICT, "Meldpunt is set up already; sign in")
			}
			return err
		}
		p, err := provider(ctx, tx)
		if err != nil {
			return err
		}
		before := p
		p.Name, p.UpdatedAt = in.ProviderName, now
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateOrganisation(ctx, &p); err != nil {
			return err
		}
		u = desk.User{OrgID: p.ID, Email: in.Email, Name: in.Name, Role: desk.RoleAdmin, Active: true, PasswordHash: hashed, CreatedAt: now, UpdatedAt: now}
		u.Normalize()
		if err := u.Validate(p); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, settingSetupToken, ""); err != nil {
			return err
		}
		actor := actorFor(u, address)
		if err := audit(ctx, tx, actor, now, "organisation", p.ID, nil, "update", before, p); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "user", u.ID, &u.OrgID, "setup", nil, u)
	})
	return u, err
}

// SetupPending tells whether the first admin still has to be created.
func (a *Identity) SetupPending(ctx context.Context) (pending bool, err error) {
	err = a.db.read(ctx, func(tx identityTx) error {
		n, err := tx.CountUsers(ctx)
		pending = n == 0
		return err
	})
	return pending, err
}

// ProviderName returns the provider's name, which texts such as the procedure show. It is
// no secret: any signed-in person may read it.
func (a *Organisations) ProviderName(ctx context.Context) (name string, err error) {
	err = a.db.read(ctx, func(tx organisationTx) error {
		p, err := provider(ctx, tx)
		name = p.Name
		return err
	})
	return name, err
}

// UserByEmail finds a user for the command line (token create --email).
func (a *Identity) UserByEmail(ctx context.Context, actor desk.Actor, email string) (u desk.User, err error) {
	err = a.db.read(ctx, func(tx identityTx) error {
		u, err = tx.UserByEmail(ctx, email)
		if err == nil && !actor.System && !canSeeUser(actor, u) {
			err = desk.NotFound("user")
		}
		return err
	})
	return u, err
}

// OrganisationBySlug finds an organisation for the command line (user create --org).
func (a *Organisations) BySlug(ctx context.Context, actor desk.Actor, slug string) (o desk.Organisation, err error) {
	err = a.db.read(ctx, func(tx organisationTx) error {
		o, err = tx.OrganisationBySlug(ctx, slug)
		if err == nil && !canSeeOrg(actor, o.ID) {
			err = desk.NotFound("organisation")
		}
		return err
	})
	return o, err
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
)

// envPassword holds the new user's password for `user create`, so it stays out of the
// process list and shell history.
const envPassword = "MELDPUNT_PASSWORD"

// userFlags are the flags of `user create`.
type userFlags struct {
	email, name, role, org, password string
}

func (u *userFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&u.email, "email", "", "the user's email address")
	fs.StringVar(&u.name, "name", "", "the user's full name")
	fs.StringVar(&u.role, "role", "", "admin, agent, expert, client_admin or client_user")
	fs.StringVar(&u.org, "org", "", "the client organisation's slug")
	fs.StringVar(&u.password, "password", u.password, "the first password (or "+envPassword+")")
}

// check reports missing flags before anything is opened.
func (u *userFlags) check() error {
	var missing []string
	for _, f := range []struct{ name, value string }{{"--email", u.email}, {"--name", u.name}, {"--role", u.role}} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("user create needs %s", strings.Join(missing, ", "))
	}
	if !slices.Contains(desk.RoleNames(), u.role) {
		return fmt.Errorf("--role must be one of: %s", strings.Join(desk.RoleNames(), ", "))
	}
	if desk.Role(u.role).IsClient() && u.org == "" {
		return fmt.Errorf("a %s belongs to a client organisation: give its slug with --org", u.role)
	}
	if desk.Role(u.role).IsStaff() && u.org != "" {
		return fmt.Errorf("a %s belongs to the provider; leave out --org", u.role)
	}
	return nil
}

// tokenFlags are the flags of `token create`.
type tokenFlags struct {
	email, name string
}

func (t *tokenFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.email, "email", "", "the user the token acts as")
	fs.StringVar(&t.name, "name", "", "a label for the token")
}

func (t *tokenFlags) check() error {
	if strings.TrimSpace(t.email) == "" {
		return errors.New("token create needs --email")
	}
	return nil
}

// openApp opens the database (with the migration policy) and returns the app on it,
// bootstrapped so that the provider organisation exists.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*app.Services, func(), error) {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	a := app.New(db, time.Now, log, app.Config{BaseURL: cfg.baseURL(nil), WarnShare: cfg.SLAWarnShare, Holidays: holidays.NL()})
	if _, err := bootstrap(ctx, a.Identity); err != nil {
		closeDB(db, log)
		return nil, nil, err
	}
	return a, func() { closeDB(db, log) }, nil
}

// createUser is the user create command.
func createUser(ctx context.Context, cfg Config, f userFlags, log *slog.Logger, stdout io.Writer) error {
	a, done, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer done()
	cli := desk.SystemActor("cli")
	in := app.UserInput{Email: f.email, Name: f.name, Role: desk.Role(f.role), Password: f.password}
	if f.org != "" {
		o, err := a.Organisations.BySlug(ctx, cli, f.org)
		if desk.IsNotFound(err) {
			return fmt.Errorf("no organisation has the slug %q", f.org)
		}
		if err != nil {
			return fmt.Errorf("find organisation %q: %w", f.org, err)
		}
		in.OrgID = o.ID
	}
	u, err := a.Identity.CreateUser(ctx, cli, in)
	if err != nil {
		return fmt.Errorf("create user: %w", flagErrors(err, map[string]string{
			"email": "--email", "name": "--name", "role": "--role", "organisation_id": "--org", "password": "--password",
		}))
	}
	org, err := a.Organisations.Get(ctx, cli, u.OrgID)
	if err != nil {
		return fmt.Errorf("read the user's organisation: %w", err)
	}
	fmt.Fprintf(stdout, "created user %s <%s>, %s of %s\n", u.Name, u.Email, u.Role, org.Name)
	if f.password == "" {
		fmt.Fprintf(stdout, "%s has no password yet: they set one via \"forgot password\" on the sign-in page at %s\n",
			u.Name, cfg.baseURL(nil))
	}
	return nil
}

// createToken is the token create command. The token is the last word of its output, so
// scripts can take it with `awk '{print $NF}'`.
func createToken(ctx context.Context, cfg Config, f tokenFlags, log *slog.Logger, stdout io.Writer) error {
	a, done, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer done()
	cli := desk.SystemActor("cli")
	email := strings.ToLower(strings.TrimSpace(f.email))
	u, err := a.Identity.UserByEmail(ctx, cli, email)
	if desk.IsNotFound(err) {
		return fmt.Errorf("no user has the email address %q", email)
	}
	if err != nil {
		return fmt.Errorf("find user %q: %w", email, err)
	}
	if !u.Active {
		return fmt.Errorf("%s is deactivated; a token of theirs would not work", email)
	}
	secret, t, err := a.Identity.CreateToken(ctx, cli, u.ID, f.name)
	if err != nil {
		return fmt.Errorf("create token: %w", flagErrors(err, map[string]string{"name": "--name"}))
	}
	_, err = fmt.Fprintf(stdout, "Copy the token now: Meldpunt stores only a hash and cannot show it again.\n"+
		"created API token %q for %s: %s\n", t.Name, u.Email, secret)
	return err
}

// flagErrors rewrites a validation error in terms of the command line: "--email: must be
// an email address …; --role: must be one of …".
func flagErrors(err error, flags map[string]string) error {
	var de *desk.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	parts := make([]string, len(de.Fields))
	for i, f := range de.Fields {
		name := f.Field
		if fl, ok := flags[f.Field]; ok {
			name = fl
		}
		parts[i] = name + " " + f.Message
	}
	return errors.New(strings.Join(parts, "; "))
}

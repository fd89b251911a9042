// Package demo fills a new installation with a small, realistic world: two clients with
// different contracts, a user of every role, components, and incidents in every state. It
// goes through the app's use cases, as people would, so everything it stores is validated
// and audited like real data.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Password is every demo account's password. It is public: Load refuses to add these
// accounts to an installation that has users of its own.
const Password = "meldpunt-demo"

// Slug is the organisation whose existence tells that the demo data is loaded.
const Slug = "acme"

// ErrHasUsers is returned when the installation already has users but no demo data: demo
// accounts with a public password do not belong in a real installation.
var ErrHasUsers = errors.New("this installation has users already; the demo data, whose accounts share a public password, is only loaded into a new installation (use an empty --data directory or database)")

// Account is one demo sign-in.
type Account struct {
	Email        string
	Name         string
	Role         desk.Role
	Organisation string
}

// Summary tells what Load did and lists the accounts to sign in with.
type Summary struct {
	// Existed is true when the demo data was loaded before and Load changed nothing.
	Existed       bool
	Organisations int // client organisations created
	Incidents     int // incidents created
	// PublicIncidents counts the status page's incidents and maintenances created.
	PublicIncidents int
	// Monitors counts the monitors created; Heartbeat is the secret URL of the demo's
	// heartbeat monitor, which a backup script would call.
	Monitors  int
	Heartbeat string
	Accounts  []Account
	Password  string
}

// Print writes the summary for people: what happened and a table of the accounts.
func (s Summary) Print(w io.Writer) error {
	if s.Existed {
		fmt.Fprintf(w, "The demo data is loaded already (organisation %q exists); nothing changed.\n", Slug)
	} else {
		fmt.Fprintf(w, "Loaded the demo data: %d client organisations, %d users, %d incidents.\n",
			s.Organisations, len(s.Accounts), s.Incidents)
		if s.PublicIncidents > 0 {
			fmt.Fprintf(w, "The status page (/status) has %d days of history, %d public incidents and maintenances, and a subscriber (%s).\n",
				HistoryDays-1, s.PublicIncidents, Subscriber)
		}
		if s.Monitors > 0 {
			fmt.Fprintf(w, "Monitors (/monitors): %d, one of them failing against a closed port; the backup heartbeat's URL is %s\n",
				s.Monitors, s.Heartbeat)
		}
	}
	fmt.Fprintf(w, "Demo accounts (password for each: %s):\n", s.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tEMAIL\tNAME\tORGANISATION")
	for _, a := range s.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Role, a.Email, a.Name, a.Organisation)
	}
	return tw.Flush()
}

// Load creates the demo data, unless it exists already (organisation "acme"), in which case
// it changes nothing and says so in the Summary. It bootstraps the installation first, so
// it works on a freshly migrated database; it refuses (ErrHasUsers) when there are users
// but no demo data.
func Load(ctx context.Context, a *app.Services) (Summary, error) {
	s := Summary{Accounts: accounts(), Password: Password}
	sys := desk.SystemActor("demo")
	if _, err := a.Organisations.BySlug(ctx, sys, Slug); err == nil {
		s.Existed = true
		return s, nil
	} else if !desk.IsNotFound(err) {
		return s, fmt.Errorf("demo: look for organisation %q: %w", Slug, err)
	}
	pending, err := a.Identity.SetupPending(ctx)
	if err != nil {
		return s, fmt.Errorf("demo: %w", err)
	}
	if !pending {
		return s, ErrHasUsers
	}
	// The setup secret is not wanted: the demo brings its own admin, after which setup is
	// closed anyway.
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		return s, fmt.Errorf("demo: bootstrap: %w", err)
	}
	w := &world{a: a, sys: sys, users: map[string]desk.Actor{}, orgs: map[string]desk.Organisation{}, components: map[string]int64{},
		clock: newStoryClock(a)}
	steps := []struct {
		what string
		fn   func(context.Context) error
	}{
		{"organisations and contracts", w.organisations},
		{"users", w.createUsers},
		{"components", w.createComponents},
		{"incidents", w.createIncidents},
		{"status history", w.statusHistory},
		{"resolved public incident", w.pastIncident},
		{"open public incident", w.openIncident},
		{"maintenance", w.maintenance},
		{"branding", w.branding},
		{"subscriber", w.subscriber},
		{"monitors", w.monitors},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return s, fmt.Errorf("demo: create %s: %w", st.what, err)
		}
	}
	s.Organisations, s.Incidents, s.PublicIncidents = len(w.orgs), w.incidents, w.publicIncidents
	s.Monitors, s.Heartbeat = w.monitorCount, w.heartbeat
	return s, nil
}

// world holds what the steps created, for the steps after.
type world struct {
	a          *app.Services
	sys        desk.Actor
	orgs       map[string]desk.Organisation // by slug
	users      map[string]desk.Actor        // by email
	components map[string]int64             // by name
	incidents  int
	// clock tells the status page's past; publicIncidents counts what it published.
	clock           *storyClock
	publicIncidents int
	// monitorCount and heartbeat tell what the monitors step made.
	monitorCount int
	heartbeat    string
}

func (w *world) organisations(ctx context.Context) error {
	tight := []desk.Target{
		{Priority: desk.P1, FirstResponseMin: 15, ResolutionMin: 2 * 60},
		{Priority: desk.P2, FirstResponseMin: 30, ResolutionMin: 4 * 60},
		{Priority: desk.P3, FirstResponseMin: 2 * 60, ResolutionMin: 24 * 60},
		{Priority: desk.P4, FirstResponseMin: 4 * 60, ResolutionMin: 3 * 24 * 60},
		{Priority: desk.P5, FirstResponseMin: 24 * 60, ResolutionMin: 10 * 24 * 60},
	}
	clients := []struct {
		org      desk.Organisation
		contract desk.Contract
	}{
		{desk.Organisation{Name: orgName("acme"), Slug: "acme"}, desk.Contract{
			Name: "Premium 24/7", SupportHours: desk.Hours24x7, UrgentHours: desk.Hours24x7,
			CoversUrgent: true, AutoCloseHours: 24, Targets: tight, Active: true,
		}},
		{desk.Organisation{Name: orgName("devries"), Slug: "devries"}, desk.Contract{
			Name: "Basis kantooruren", SupportHours: desk.HoursBusiness, UrgentHours: desk.HoursBusiness,
			CoversUrgent: false, AutoCloseHours: 48, Targets: desk.DefaultTargets(), Active: true,
		}},
	}
	for _, c := range clients {
		o, err := w.a.Organisations.Create(ctx, w.sys, c.org)
		if err != nil {
			return fmt.Errorf("%s: %w", c.org.Name, err)
		}
		c.contract.OrgID = o.ID
		if _, err := w.a.Organisations.CreateContract(ctx, w.sys, c.contract); err != nil {
			return fmt.Errorf("contract of %s: %w", o.Name, err)
		}
		w.orgs[o.Slug] = o
	}
	return nil
}

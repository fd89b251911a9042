package app_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusViewShowsPublicAndOwn holds the status view's rule: public components for
// everyone, clients-only components only for the clients linked to them, none of another
// client's, and no client links on anything shown.
func TestStatusViewShowsPublicAndOwn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		infra, err := w.a.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Infrastructure", Position: 1})
		must(err)
		theirs, err := w.a.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Other's systems", Position: 2})
		must(err)
		comp := func(name string, group *int64, vis desk.ComponentVisibility, st desk.ComponentStatus, clients ...int64) desk.Component {
			t.Helper()
			c, err := w.a.Components.Create(ctx, sys, desk.Component{Name: name, GroupID: group, Visibility: vis, Status: st, ClientIDs: clients})
			must(err)
			return c
		}
		comp("Hosting", &infra.ID, desk.VisibilityPublic, desk.StatusOperational, w.other.ID)
		webshop := comp("Acme webshop", &infra.ID, desk.VisibilityClients, desk.StatusPartialOutage, w.client.ID)
		comp("Shared mail relay", nil, desk.VisibilityClients, desk.StatusOperational, w.client.ID, w.other.ID)
		secret := comp("Other's ERP", &theirs.ID, desk.VisibilityClients, desk.StatusMajorOutage, w.other.ID)

		otherUser, err := w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "olga@other.example", Name: "olga", Role: desk.RoleClientAdmin, Password: "long enough password"})
		must(err)

		names := func(v app.StatusView) string {
			var out []string
			for _, c := range v.Components {
				if len(c.ClientIDs) != 0 {
					t.Errorf("%s carries client links %v", c.Name, c.ClientIDs)
				}
				n := c.Name
				if v.Own[c.ID] {
					n += "*"
				}
				out = append(out, n)
			}
			for _, g := range v.Groups {
				out = append(out, "["+g.Name+"]")
			}
			return strings.Join(out, ", ")
		}
		for _, c := range []struct {
			name string
			who  desk.Actor
			want string
		}{
			{"client user", actor(w.reporter), "Acme webshop*, Hosting, Shared mail relay*, [Infrastructure]"},
			{"client admin", actor(w.clientAdmin), "Acme webshop*, Hosting, Shared mail relay*, [Infrastructure]"},
			{"the other client", actor(otherUser), "Hosting, Other's ERP*, Shared mail relay*, [Infrastructure], [Other's systems]"},
			{"agent: the public view", actor(w.agent), "Hosting, [Infrastructure]"},
			{"expert: the public view", actor(w.expert), "Hosting, [Infrastructure]"},
			{"admin: the public view", sys, "Hosting, [Infrastructure]"},
		} {
			v, err := w.a.Components.StatusView(ctx, c.who)
			must(err)
			if got := names(v); got != c.want {
				t.Errorf("%s sees %q, want %q", c.name, got, c.want)
			}
		}
		// The client's own component shows its own status; the public one its displayed one.
		v, err := w.a.Components.StatusView(ctx, actor(w.reporter))
		must(err)
		for _, c := range v.Components {
			if c.ID == webshop.ID && c.Status != desk.StatusPartialOutage {
				t.Errorf("own component's status %q", c.Status)
			}
			if c.ID == secret.ID {
				t.Error("a client sees another client's component")
			}
		}
	})
}

// TestOpenIncidentsFollowTheListRule: the status view lists open incidents only, within
// what the incident list lets the actor see.
func TestOpenIncidentsFollowTheListRule(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		mine := w.report(t, w.reporter, "mine")
		colleague := w.report(t, w.colleague, "colleague's")
		done := w.report(t, w.reporter, "done")
		agent := actor(w.agent)
		for _, to := range []desk.State{desk.StateTriaged, desk.StateInProgress} {
			if _, err := w.a.Incidents.Transition(ctx, agent, done.ID, desk.Transition{To: to}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.a.Incidents.Transition(ctx, agent, done.ID, desk.Transition{To: desk.StateResolved, Solution: "fixed", SolutionKind: "structural"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Incidents.Transition(ctx, actor(w.reporter), done.ID, desk.Transition{To: desk.StateClosed}); err != nil {
			t.Fatal(err)
		}
		ids := func(who desk.Actor) []int64 {
			t.Helper()
			is, more, err := w.a.Incidents.OpenIncidents(ctx, who)
			if err != nil || more {
				t.Fatalf("open incidents: more %v, %v", more, err)
			}
			var out []int64
			for _, in := range is {
				out = append(out, in.ID)
			}
			return out
		}
		if got := ids(actor(w.reporter)); len(got) != 1 || got[0] != mine.ID {
			t.Errorf("client user: %v, want [%d]", got, mine.ID)
		}
		if got := ids(actor(w.clientAdmin)); len(got) != 2 || got[0] != colleague.ID || got[1] != mine.ID {
			t.Errorf("client admin: %v, want [%d %d]", got, colleague.ID, mine.ID)
		}
	})
}

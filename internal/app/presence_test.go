package app_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestPresence: two staff members on one incident see each other; a presence not renewed
// for a minute no longer counts; leaving drops it, unless a newer view of the same person
// renewed it; clients are never recorded and see nothing; whoever may not see the incident
// cannot learn who has it open.
func TestPresence(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, storetest.Open(t, db))
			ctx := context.Background()
			admin, err := w.a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "sanne@desk.example", Name: "Sanne", Role: desk.RoleAdmin, Password: "long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			inc := w.report(t, w.reporter, "Mail is down")
			names := func(ps []desk.Presence) (out []string) {
				for _, p := range ps {
					out = append(out, p.Name)
				}
				return out
			}
			open := func(u desk.User, view string) []desk.Presence {
				t.Helper()
				ps, err := w.a.Presence.Open(ctx, actor(u), inc.ID, view)
				if err != nil {
					t.Fatal(err)
				}
				return ps
			}
			if ps := open(w.agent, "a1"); len(ps) != 0 {
				t.Fatalf("alone, the agent sees %v", names(ps))
			}
			opened := w.now
			w.now = w.now.Add(10 * time.Second)
			ps := open(admin, "s1")
			if len(ps) != 1 || ps[0].Name != "agnes" || ps[0].Role != desk.RoleAgent || !ps[0].Since.Equal(opened) {
				t.Fatalf("Sanne sees %+v", ps)
			}
			w.now = w.now.Add(desk.PresenceEvery)
			ps, err = w.a.Presence.Renew(ctx, actor(w.agent), inc.ID, "a1")
			if err != nil || len(ps) != 1 || ps[0].Name != "Sanne" {
				t.Fatalf("the agent's renewal sees %v (%v)", names(ps), err)
			}
			// The agent's page stays open (renewed); Sanne's is not renewed for a minute.
			w.now = w.now.Add(desk.PresenceTTL - desk.PresenceEvery)
			if ps, err = w.a.Presence.Renew(ctx, actor(w.agent), inc.ID, "a1"); err != nil || len(ps) != 1 {
				t.Fatalf("within the minute: %v (%v)", names(ps), err)
			}
			w.now = w.now.Add(desk.PresenceEvery)
			if ps, err = w.a.Presence.Renew(ctx, actor(w.agent), inc.ID, "a1"); err != nil || len(ps) != 0 {
				t.Fatalf("after the minute: %v (%v)", names(ps), err)
			}
			// Sanne comes back: her visit starts again.
			open(admin, "s2")
			ps = open(w.agent, "a2") // the agent's page shown again after a form
			if len(ps) != 1 || !ps[0].Since.Equal(w.now) {
				t.Fatalf("after coming back: %+v", ps)
			}
			// The agent's first view is left after the second was shown: the second counts.
			if err := w.a.Presence.Leave(ctx, actor(w.agent), inc.ID, "a1"); err != nil {
				t.Fatal(err)
			}
			if ps := open(admin, "s2"); len(ps) != 1 {
				t.Fatalf("leaving an old view dropped the new one: %v", names(ps))
			}
			if err := w.a.Presence.Leave(ctx, actor(w.agent), inc.ID, "a2"); err != nil {
				t.Fatal(err)
			}
			if ps := open(admin, "s2"); len(ps) != 0 {
				t.Fatalf("after leaving, Sanne sees %v", names(ps))
			}
			// Clients: never recorded, nothing shown.
			if ps, err := w.a.Presence.Open(ctx, actor(w.reporter), inc.ID, "r1"); err != nil || ps != nil {
				t.Fatalf("the reporter: %v (%v)", ps, err)
			}
			if ps := open(admin, "s2"); len(ps) != 0 {
				t.Fatalf("the reporter was recorded: %v", names(ps))
			}
			// An expert not assigned to it may not see the incident, nor who has it open.
			if _, err := w.a.Presence.Renew(ctx, actor(w.expert), inc.ID, "e1"); !desk.IsNotFound(err) {
				t.Fatalf("an expert not assigned: %v", err)
			}
			if _, err := w.a.Presence.Renew(ctx, actor(w.agent), inc.ID, string(make([]byte, 65))); desk.ErrorCode(err) != desk.EINVALID {
				t.Fatalf("a view name of 65 bytes: %v", err)
			}
		})
	}
}

// TestBasis: a change sent on a basis that someone else's timeline entries overtook is
// refused and writes nothing; the same change on the new basis applies; the clock's own
// bookkeeping and the person's own entries are no conflict.
func TestBasis(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	inc := w.report(t, w.reporter, "Mail is down")
	tl, err := w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	basis := app.Basis{Version: inc.Version, Seen: tl[len(tl)-1].ID}
	// The agent's own note, then a change on the old basis: no conflict.
	if _, err := w.a.Incidents.AddEntry(app.BasedOn(ctx, basis), actor(w.agent), inc.ID, app.EntryInput{Kind: desk.EntryNote, Body: "Looking."}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Incidents.Transition(app.BasedOn(ctx, basis), actor(w.agent), inc.ID, desk.Transition{To: desk.StateInProgress}); err != nil {
		t.Fatalf("after one's own note: %v", err)
	}
	inc, _ = w.a.Incidents.Get(ctx, actor(w.agent), inc.ID)
	tl, _ = w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID)
	basis = app.Basis{Version: inc.Version, Seen: tl[len(tl)-1].ID}
	// The reporter replies meanwhile: the agent's solution is refused, nothing written.
	if _, err := w.a.Incidents.AddEntry(ctx, actor(w.reporter), inc.ID, app.EntryInput{Body: "It works again by itself."}); err != nil {
		t.Fatal(err)
	}
	resolve := desk.Transition{To: desk.StateResolved, Solution: "Restarted.", SolutionKind: desk.SolutionTemporary}
	if _, err := w.a.Incidents.Transition(app.BasedOn(ctx, basis), actor(w.agent), inc.ID, resolve); desk.ErrorCode(err) != desk.ECONFLICT {
		t.Fatalf("on an overtaken basis: %v", err)
	}
	if got, _ := w.a.Incidents.Get(ctx, actor(w.agent), inc.ID); got.State != desk.StateInProgress {
		t.Fatalf("the refused change wrote: %s", got.State)
	}
	tl, _ = w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID)
	since := app.ChangedSince(tl, basis.Seen, actor(w.agent))
	if len(since) != 1 || since[0].Body != "It works again by itself." {
		t.Fatalf("changed since: %+v", since)
	}
	basis.Seen = tl[len(tl)-1].ID
	if _, err := w.a.Incidents.Transition(app.BasedOn(ctx, basis), actor(w.agent), inc.ID, resolve); err != nil {
		t.Fatalf("on the new basis: %v", err)
	}
}

package app_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

var sys = desk.SystemActor("test")

type world struct {
	a           *app.Services
	now         time.Time
	client      desk.Organisation
	other       desk.Organisation
	reporter    desk.User
	colleague   desk.User
	clientAdmin desk.User
	agent       desk.User
	expert      desk.User
	log         *strings.Builder
}

func actor(u desk.User) desk.Actor {
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Address: "192.0.2.7"}
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), log: &strings.Builder{}}
	w.a = app.New(db, func() time.Time { return w.now }, slog.New(slog.NewTextHandler(io.Discard, nil)),
		app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if _, err := w.a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.client, err = w.a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme"})
	must(err)
	w.other, err = w.a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Other"})
	must(err)
	user := func(org int64, email string, role desk.Role) desk.User {
		u, err := w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: "long enough password"})
		must(err)
		return u
	}
	w.reporter = user(w.client.ID, "rita@acme.example", desk.RoleClientUser)
	w.colleague = user(w.client.ID, "carl@acme.example", desk.RoleClientUser)
	w.clientAdmin = user(w.client.ID, "ada@acme.example", desk.RoleClientAdmin)
	w.agent = user(0, "agnes@desk.example", desk.RoleAgent)
	w.expert = user(0, "ed@desk.example", desk.RoleExpert)
	return w
}

func (w *world) report(t *testing.T, by desk.User, title string) desk.Incident {
	t.Helper()
	inc, err := w.a.Incidents.Create(context.Background(), actor(by), app.IncidentInput{Title: title, Urgency: desk.High, Impact: desk.Normal})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func TestIncidentLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.report(t, w.reporter, "Checkout fails")
		if inc.Priority != desk.P2 || inc.State != desk.StateNew || inc.Channel != desk.ChannelPortal || *inc.ReporterID != w.reporter.ID {
			t.Fatalf("new incident: %+v", inc)
		}
		agent := actor(w.agent)
		w.now = w.now.Add(10 * time.Minute)
		inc, err := w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateTriaged})
		if err != nil || inc.OwnerID == nil || *inc.OwnerID != w.agent.ID {
			t.Fatalf("triage: owner %v, err %v", inc.OwnerID, err)
		}
		if _, err := w.a.Incidents.AddEntry(ctx, agent, inc.ID, app.EntryInput{Kind: desk.EntryNote, Body: "looks like the payment provider"}); err != nil {
			t.Fatal(err)
		}
		if inc, _ = w.a.Incidents.Get(ctx, agent, inc.ID); inc.FirstResponseAt != nil {
			t.Fatal("an internal note stopped the first-response clock")
		}
		w.now = w.now.Add(5 * time.Minute)
		if _, err := w.a.Incidents.AddEntry(ctx, agent, inc.ID, app.EntryInput{Kind: desk.EntryReply, Body: "We are on it."}); err != nil {
			t.Fatal(err)
		}
		if inc, _ = w.a.Incidents.Get(ctx, agent, inc.ID); inc.FirstResponseAt == nil || !inc.FirstResponseAt.Equal(w.now) {
			t.Fatalf("first response at %v, want %v", inc.FirstResponseAt, w.now)
		}
		// The expert sees it only once assigned.
		if _, err := w.a.Incidents.Get(ctx, actor(w.expert), inc.ID); !desk.IsNotFound(err) {
			t.Fatalf("unassigned expert: %v", err)
		}
		if inc, err = w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{AssigneeID: &w.expert.ID}); err != nil {
			t.Fatal(err)
		}
		inc, err = w.a.Incidents.Transition(ctx, actor(w.expert), inc.ID, desk.Transition{To: desk.StateInProgress})
		if err != nil {
			t.Fatal(err)
		}
		// The client may not move it along; the state machine says what is allowed.
		_, err = w.a.Incidents.Transition(ctx, actor(w.reporter), inc.ID, desk.Transition{To: desk.StateResolved, Solution: "x", SolutionKind: "temporary"})
		if e, ok := err.(*desk.Error); !ok || e.Code != desk.ECONFLICT {
			t.Fatalf("client resolves: %v", err)
		}
		if inc, err = w.a.Incidents.Transition(ctx, actor(w.expert), inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Rotated the API key.", SolutionKind: "temporary"}); err != nil {
			t.Fatal(err)
		}
		// The client rejects, then the desk resolves again and the client confirms.
		if inc, err = w.a.Incidents.Transition(ctx, actor(w.reporter), inc.ID, desk.Transition{To: desk.StateInProgress, Reason: "Still fails for iDEAL."}); err != nil || inc.ResolvedAt != nil {
			t.Fatalf("reject: %v %v", inc.ResolvedAt, err)
		}
		if inc, err = w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Fixed iDEAL too.", SolutionKind: "temporary"}); err != nil {
			t.Fatal(err)
		}
		if inc, err = w.a.Incidents.Transition(ctx, actor(w.clientAdmin), inc.ID, desk.Transition{To: desk.StateClosed}); err != nil || inc.ClosedAt == nil {
			t.Fatalf("confirm: %v", err)
		}
		if _, err := w.a.Incidents.AddEntry(ctx, actor(w.reporter), inc.ID, app.EntryInput{Body: "thanks"}); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Fatalf("reply on a closed incident: %v", err)
		}

		// The client sees replies and state changes, never notes.
		tl, err := w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tl[0].Event != desk.EventRegistered || strings.Join(tl[0].Args, " ") != "channel:portal priority:P2" {
			t.Errorf("first entry: event %q args %q", tl[0].Event, tl[0].Args)
		}
		for _, e := range tl {
			if e.Visibility != desk.Public || strings.Contains(e.Body, "payment provider") {
				t.Errorf("client sees %+v", e)
			}
		}
		staff, _ := w.a.Incidents.Timeline(ctx, agent, inc.ID)
		if len(staff) != len(tl)+2 { // the note and the internal assignment entry
			t.Errorf("staff timeline %d entries, client %d", len(staff), len(tl))
		}
		// Every change is audited with who, from where, before and after.
		au, err := w.a.Incidents.Audit(ctx, agent, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sawReject bool
		for _, e := range au {
			if e.Action == "transition" && e.ActorID != nil && *e.ActorID == w.reporter.ID {
				sawReject = e.Address == "192.0.2.7" && strings.Contains(e.Before, `"resolved"`) && strings.Contains(e.After, `"in_progress"`)
			}
		}
		if !sawReject {
			t.Errorf("no audit record of the rejection with before → after and address: %+v", au)
		}
		if _, err := w.a.Incidents.Audit(ctx, actor(w.reporter), inc.ID); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("client reads the audit log: %v", err)
		}
	})
}

func TestVisibilityWithinAClient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		mine := w.report(t, w.reporter, "mine")
		theirs := w.report(t, w.colleague, "theirs")
		if _, err := w.a.Incidents.Get(ctx, actor(w.reporter), theirs.ID); !desk.IsNotFound(err) {
			t.Errorf("a client user reads a colleague's incident: %v", err)
		}
		p, err := w.a.Incidents.List(ctx, actor(w.reporter), desk.IncidentFilter{})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != mine.ID {
			t.Errorf("client user's list: %+v %v", p.Items, err)
		}
		p, err = w.a.Incidents.List(ctx, actor(w.clientAdmin), desk.IncidentFilter{})
		if err != nil || len(p.Items) != 2 {
			t.Errorf("client admin's list: %d items, %v", len(p.Items), err)
		}
		n, err := w.a.Incidents.Count(ctx, actor(w.clientAdmin), desk.IncidentFilter{OrgID: w.other.ID})
		if err != nil || n != 0 {
			t.Errorf("client admin counts another organisation's incidents: %d %v", n, err)
		}
	})
}

func TestFailedChangeLeavesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		comp, err := w.a.Components.Create(ctx, sys, desk.Component{Name: "Other's database", ClientIDs: []int64{w.other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := w.a.Audit.List(ctx, sys, desk.AuditFilter{})
		_, err = w.a.Incidents.Create(ctx, actor(w.reporter), app.IncidentInput{Title: "x", Urgency: desk.Low, Impact: desk.Low, ComponentIDs: []int64{comp.ID}})
		if e, ok := err.(*desk.Error); !ok || e.Fields[0].Field != "component_ids[0]" {
			t.Fatalf("another client's component accepted: %v", err)
		}
		_, err = w.a.Incidents.Create(ctx, actor(w.agent), app.IncidentInput{OrgID: w.client.ID, ReporterID: &w.clientAdmin.ID, Title: strings.Repeat("x", desk.MaxTitle+1), Urgency: "extreme", Impact: desk.Low})
		if e, ok := err.(*desk.Error); !ok || len(e.Fields) != 2 {
			t.Fatalf("want title and urgency errors: %v", err)
		}
		n, _ := w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{})
		after, _ := w.a.Audit.List(ctx, sys, desk.AuditFilter{})
		if n != 0 || len(after.Items) != len(before.Items) {
			t.Errorf("failed creates left %d incidents and %d audit records", n, len(after.Items)-len(before.Items))
		}
		// A stale version is refused, and nothing of the change is kept.
		inc := w.report(t, w.reporter, "slow")
		old := inc.Version
		title := "renamed"
		if _, err := w.a.Incidents.Update(ctx, actor(w.agent), inc.ID, app.IncidentPatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
		other := "renamed again"
		if _, err := w.a.Incidents.Update(ctx, actor(w.agent), inc.ID, app.IncidentPatch{Title: &other, Version: &old}); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Fatalf("stale version: %v", err)
		}
		if got, _ := w.a.Incidents.Get(ctx, sys, inc.ID); got.Title != "renamed" {
			t.Errorf("title %q", got.Title)
		}
	})
}

func TestPriorityFollowsTheMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		m := desk.DefaultMatrix
		m[0][1] = desk.P1 // high urgency, some users: critical here
		if err := w.a.Incidents.SetPriorityMatrix(ctx, actor(w.agent), m); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Fatalf("agent changes the matrix: %v", err)
		}
		if err := w.a.Incidents.SetPriorityMatrix(ctx, sys, m); err != nil {
			t.Fatal(err)
		}
		inc := w.report(t, w.reporter, "down for some")
		if inc.Priority != desk.P1 {
			t.Fatalf("priority %v, want P1 from the new matrix", inc.Priority)
		}
		low := desk.Low
		inc, err := w.a.Incidents.Update(ctx, actor(w.agent), inc.ID, app.IncidentPatch{Urgency: &low, Reason: "Only the test shop."})
		if err != nil || inc.Priority != desk.P4 {
			t.Fatalf("after lowering urgency: %v %v", inc.Priority, err)
		}
		tl, _ := w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID)
		last := tl[len(tl)-1]
		if !strings.Contains(last.Body, "P1 → P4") || !strings.Contains(last.Body, "Only the test shop.") {
			t.Errorf("the client is not told why: %q", last.Body)
		}
	})
}

func TestPasswordResetAndSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		secret, _, _, err := w.a.Identity.SignIn(ctx, "RITA@acme.example ", "long enough password", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := w.a.Identity.SignIn(ctx, "rita@acme.example", "wrong", ""); err != app.ErrBadCredentials {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, _, err := w.a.Identity.SignIn(ctx, "nobody@acme.example", "wrong", ""); err != app.ErrBadCredentials {
			t.Fatalf("unknown email: %v", err)
		}
		if link, err := w.a.Identity.RequestPasswordReset(ctx, "nobody@acme.example", ""); link != "" || err != nil {
			t.Fatalf("reset for an unknown email: %q %v", link, err)
		}
		link, err := w.a.Identity.RequestPasswordReset(ctx, "rita@acme.example", "")
		if err != nil || !strings.HasPrefix(link, "http://desk.test/password/reset?token=") {
			t.Fatalf("link %q %v", link, err)
		}
		token := link[strings.Index(link, "=")+1:]
		if _, err := w.a.Identity.ResetPassword(ctx, token, "short", ""); desk.ErrorCode(err) != desk.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if _, err := w.a.Identity.ResetPassword(ctx, token, "a brand new password", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := w.a.Identity.SessionActor(ctx, secret, ""); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("the old session survived a reset: %v", err)
		}
		if _, err := w.a.Identity.ResetPassword(ctx, token, "another new password", ""); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("the link worked twice: %v", err)
		}
		if _, _, _, err := w.a.Identity.SignIn(ctx, "rita@acme.example", "a brand new password", ""); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		// Sessions expire.
		secret, _, _, _ = w.a.Identity.SignIn(ctx, "rita@acme.example", "a brand new password", "")
		w.now = w.now.Add(8 * 24 * time.Hour)
		if _, _, _, err := w.a.Identity.SessionActor(ctx, secret, ""); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("expired session accepted: %v", err)
		}
		if n, err := w.a.Identity.DeleteExpired(ctx); err != nil || n < 1 {
			t.Errorf("DeleteExpired removed %d (%v)", n, err)
		}
	})
}

func TestSetupOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL(), Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
		secret, err := a.Identity.Bootstrap(ctx)
		if err != nil || secret == "" {
			t.Fatalf("bootstrap: %q %v", secret, err)
		}
		in := app.SetupInput{ProviderName: "Studio XVIV", Name: "Sam", Email: "sam@studio.example", Password: "a good long password"}
		if _, err := a.Identity.CompleteSetup(ctx, "wrong", in, ""); desk.ErrorCode(err) != desk.EINVALID {
			t.Fatalf("wrong secret: %v", err)
		}
		u, err := a.Identity.CompleteSetup(ctx, secret, in, "")
		if err != nil || u.Role != desk.RoleAdmin {
			t.Fatalf("setup: %+v %v", u, err)
		}
		if _, err := a.Identity.CompleteSetup(ctx, secret, in, ""); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Fatalf("second setup: %v", err)
		}
		if again, err := a.Identity.Bootstrap(ctx); again != "" || err != nil {
			t.Fatalf("bootstrap after setup: %q %v", again, err)
		}
		orgs, _ := a.Organisations.List(ctx, sys, desk.OrgProvider)
		if len(orgs) != 1 || orgs[0].Name != "Studio XVIV" {
			t.Fatalf("provider: %+v", orgs)
		}
	})
}

func TestTokenRevocation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// A second instance on the same database, with its own token cache and clock.
		other := app.New(db, func() time.Time { return w.now }, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL()})
		secret, tok, err := w.a.Identity.CreateToken(ctx, actor(w.agent), w.agent.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []*app.Services{w.a, other} {
			if got, err := a.Identity.TokenActor(ctx, secret, ""); err != nil || got.UserID != w.agent.ID {
				t.Fatalf("token: %+v %v", got, err)
			}
		}
		if err := w.a.Identity.DeleteToken(ctx, actor(w.agent), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Identity.TokenActor(ctx, secret, ""); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("revoked token still works on the instance that revoked it: %v", err)
		}
		w.now = w.now.Add(10 * time.Second)
		if _, err := other.Identity.TokenActor(ctx, secret, ""); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("revoked token still works on another instance after 10 s: %v", err)
		}
		// Deactivating the user stops their tokens at once.
		secret, _, err = w.a.Identity.CreateToken(ctx, actor(w.expert), w.expert.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Identity.TokenActor(ctx, secret, ""); err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := w.a.Identity.UpdateUser(ctx, sys, w.expert.ID, app.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Identity.TokenActor(ctx, secret, ""); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("a deactivated user's token still works: %v", err)
		}
	})
}

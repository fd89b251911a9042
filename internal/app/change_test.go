package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// events returns the change events on an incident's timeline as the actor reads it, each
// "event visibility args…".
func (w *world) changeEvents(t *testing.T, as desk.Actor, incID int64) []string {
	t.Helper()
	tl, err := w.a.Incidents.Timeline(context.Background(), as, incID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range tl {
		if strings.HasPrefix(e.Event, "change_") {
			out = append(out, strings.Join(append([]string{e.Event, string(e.Visibility)}, e.Args...), " "))
		}
	}
	return out
}

func wantErr(t *testing.T, what string, err error, code string, field string) {
	t.Helper()
	e, _ := err.(*desk.Error)
	if e == nil || e.Code != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
	if field != "" && !slices.ContainsFunc(e.Fields, func(f desk.FieldError) bool { return f.Field == field }) {
		t.Fatalf("%s: %v does not name %s", what, err, field)
	}
}

func TestChangeRequestLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		agent, reporter := actor(w.agent), actor(w.reporter)
		inc := w.report(t, w.reporter, "Checkout fails")
		otherUser, err := w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "olga@other.example", Name: "olga",
			Role: desk.RoleClientAdmin, Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		otherInc := w.report(t, otherUser, "Payments time out")

		// Only the desk creates, and the input is checked field by field.
		in := app.ChangeInput{Title: "Replace the payment SDK", Description: "Version 3 leaks connections.", IncidentIDs: []int64{inc.ID}}
		for _, u := range []desk.User{w.reporter, w.clientAdmin, w.expert} {
			_, err := w.a.Changes.Create(ctx, actor(u), in)
			wantErr(t, "create as "+string(u.Role), err, desk.EFORBIDDEN, "")
		}
		_, err = w.a.Changes.Create(ctx, agent, app.ChangeInput{Title: " ", IncidentIDs: []int64{inc.ID, 999999}})
		wantErr(t, "no title, a missing incident", err, desk.EINVALID, "title")
		wantErr(t, "no title, a missing incident", err, desk.EINVALID, "incident_ids[1]")
		_, err = w.a.Changes.Create(ctx, agent, app.ChangeInput{Title: "x"})
		wantErr(t, "no incidents", err, desk.EINVALID, "incident_ids")

		w.now = w.now.Add(time.Hour)
		c, err := w.a.Changes.Create(ctx, agent, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != desk.ChangeRequested || c.Number != desk.FormatChangeNumber(c.ID) || !slices.Equal(c.IncidentIDs, []int64{inc.ID}) ||
			*c.CreatedByID != w.agent.ID || !c.CreatedAt.Equal(w.now) || c.Version != 1 || len(c.Decisions) != 0 {
			t.Fatalf("created: %+v", c)
		}
		if got := w.changeEvents(t, reporter, inc.ID); !slices.Equal(got, []string{"change_requested public text:Replace the payment SDK"}) {
			t.Errorf("the client's timeline: %v", got)
		}

		// Who sees what: staff everything, a client the title and state through its incident.
		for _, u := range []desk.User{w.agent, w.expert} {
			got, err := w.a.Changes.Get(ctx, actor(u), c.ID)
			if err != nil || got.Description != in.Description {
				t.Errorf("%s reads %+v, %v", u.Role, got, err)
			}
		}
		for _, u := range []desk.User{w.reporter, w.clientAdmin, otherUser} {
			_, err := w.a.Changes.Get(ctx, actor(u), c.ID)
			wantErr(t, "a client reads the change request", err, desk.ENOTFOUND, "")
			_, err = w.a.Changes.List(ctx, actor(u), desk.ChangeFilter{})
			wantErr(t, "a client lists change requests", err, desk.EFORBIDDEN, "")
		}
		sums, err := w.a.Changes.ForIncident(ctx, reporter, inc.ID)
		if err != nil || !slices.Equal(sums, []desk.ChangeSummary{{Title: in.Title, State: desk.ChangeRequested}}) {
			t.Errorf("the reporter's view: %+v, %v", sums, err)
		}
		sums, err = w.a.Changes.ForIncident(ctx, agent, inc.ID)
		if err != nil || !slices.Equal(sums, []desk.ChangeSummary{{ID: c.ID, Number: c.Number, Title: in.Title, State: desk.ChangeRequested}}) {
			t.Errorf("the agent's view: %+v, %v", sums, err)
		}
		_, err = w.a.Changes.ForIncident(ctx, actor(otherUser), inc.ID)
		wantErr(t, "another client's incident", err, desk.ENOTFOUND, "")
		_, err = w.a.Changes.ForIncident(ctx, actor(w.colleague), inc.ID)
		wantErr(t, "a colleague's incident", err, desk.ENOTFOUND, "")
		if sums, err := w.a.Changes.ForIncident(ctx, actor(otherUser), otherInc.ID); err != nil || len(sums) != 0 {
			t.Errorf("the other client's own incident: %+v, %v", sums, err)
		}

		// Link the other client's incident; each client then sees only its own incident's
		// timeline entry, and never the other incident.
		w.now = w.now.Add(time.Minute)
		_, err = w.a.Changes.Link(ctx, actor(w.expert), c.ID, otherInc.ID)
		wantErr(t, "an unassigned expert links", err, desk.ENOTFOUND, "")
		_, err = w.a.Changes.Link(ctx, reporter, c.ID, inc.ID)
		wantErr(t, "a client links", err, desk.ENOTFOUND, "")
		_, err = w.a.Changes.Link(ctx, agent, c.ID, 999999)
		wantErr(t, "link a missing incident", err, desk.ENOTFOUND, "")
		if c, err = w.a.Changes.Link(ctx, agent, c.ID, otherInc.ID); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.IncidentIDs, []int64{inc.ID, otherInc.ID}) || c.Version != 2 {
			t.Errorf("after linking: %+v", c)
		}
		_, err = w.a.Changes.Link(ctx, agent, c.ID, otherInc.ID)
		wantErr(t, "link twice", err, desk.ECONFLICT, "")
		if got := w.changeEvents(t, actor(otherUser), otherInc.ID); !slices.Equal(got, []string{"change_linked public text:Replace the payment SDK change_state:requested"}) {
			t.Errorf("the other client's timeline: %v", got)
		}

		// Edits: the desk may, with the version it read; the audit keeps what changed.
		title := "Replace the payment SDK by version 4"
		_, err = w.a.Changes.Update(ctx, actor(w.expert), c.ID, app.ChangePatch{Title: &title})
		wantErr(t, "an expert edits", err, desk.EFORBIDDEN, "")
		_, err = w.a.Changes.Update(ctx, reporter, c.ID, app.ChangePatch{Title: &title})
		wantErr(t, "a client edits", err, desk.ENOTFOUND, "")
		_, err = w.a.Changes.Update(ctx, agent, c.ID, app.ChangePatch{Title: &title, Version: ptr(1)})
		wantErr(t, "a stale version", err, desk.ECONFLICT, "")
		empty := ""
		_, err = w.a.Changes.Update(ctx, agent, c.ID, app.ChangePatch{Title: &empty})
		wantErr(t, "an empty title", err, desk.EINVALID, "title")
		if c, err = w.a.Changes.Update(ctx, agent, c.ID, app.ChangePatch{Title: &title, Version: ptr(2)}); err != nil || c.Title != title || c.Version != 3 {
			t.Fatalf("edit: %+v, %v", c, err)
		}

		// Decisions: the state machine holds, each decision is kept with its reason.
		_, err = w.a.Changes.Transition(ctx, agent, c.ID, desk.ChangeTransition{To: desk.ChangeImplemented})
		if e, ok := err.(*desk.Error); !ok || e.Code != desk.ECONFLICT || !slices.Equal(e.Allowed, []string{"approved", "rejected"}) {
			t.Fatalf("requested → implemented: %v", err)
		}
		_, err = w.a.Changes.Transition(ctx, agent, c.ID, desk.ChangeTransition{To: "closed"})
		wantErr(t, "an incident's state", err, desk.EINVALID, "to")
		_, err = w.a.Changes.Transition(ctx, actor(w.expert), c.ID, desk.ChangeTransition{To: desk.ChangeApproved})
		wantErr(t, "an expert decides", err, desk.EFORBIDDEN, "")
		_, err = w.a.Changes.Transition(ctx, reporter, c.ID, desk.ChangeTransition{To: desk.ChangeApproved})
		wantErr(t, "a client decides", err, desk.ENOTFOUND, "")
		w.now = w.now.Add(time.Hour)
		approvedAt := w.now
		if c, err = w.a.Changes.Transition(ctx, agent, c.ID, desk.ChangeTransition{To: desk.ChangeApproved, Reason: " CAB agreed: costs internal. "}); err != nil {
			t.Fatal(err)
		}
		if c.State != desk.ChangeApproved || c.DecidedAt == nil || !c.DecidedAt.Equal(approvedAt) || c.ImplementedAt != nil ||
			len(c.Decisions) != 1 || c.Decisions[0].Reason != "CAB agreed: costs internal." || c.Decisions[0].From != desk.ChangeRequested {
			t.Fatalf("approved: %+v", c)
		}
		w.now = w.now.Add(24 * time.Hour)
		if c, err = w.a.Changes.Transition(ctx, agent, c.ID, desk.ChangeTransition{To: desk.ChangeImplemented}); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.a.Changes.Get(ctx, agent, c.ID); !got.ImplementedAt.Equal(w.now) || !got.DecidedAt.Equal(approvedAt) || len(got.Decisions) != 2 ||
			got.Decisions[1].ActorName != w.agent.Name || got.Decisions[1].Reason != "" {
			t.Errorf("implemented, as stored: %+v", got)
		}
		_, err = w.a.Changes.Transition(ctx, agent, c.ID, desk.ChangeTransition{To: desk.ChangeRejected})
		if e, ok := err.(*desk.Error); !ok || e.Code != desk.ECONFLICT || e.Allowed == nil || len(e.Allowed) != 0 {
			t.Fatalf("implemented is final: %v", err)
		}
		_, err = w.a.Changes.Update(ctx, agent, c.ID, app.ChangePatch{Title: &title})
		wantErr(t, "edit a final change request", err, desk.ECONFLICT, "")

		// Both timelines tell the decisions publicly, never the reasons.
		want := []string{"change_requested public text:Replace the payment SDK",
			"change_approved public text:" + title, "change_implemented public text:" + title}
		if got := w.changeEvents(t, reporter, inc.ID); !slices.Equal(got, want) {
			t.Errorf("the reporter's timeline:\n%v\nwant\n%v", got, want)
		}
		tl, _ := w.a.Incidents.Timeline(ctx, reporter, inc.ID)
		for _, e := range tl {
			if strings.Contains(e.Body, "CAB") || strings.Contains(strings.Join(e.Args, " "), "CAB") || strings.Contains(e.Body, c.Number) {
				t.Errorf("the client's timeline shows an internal detail: %+v", e)
			}
		}
		if got := w.changeEvents(t, actor(otherUser), otherInc.ID); len(got) != 3 {
			t.Errorf("the other client's timeline: %v", got)
		}

		// Unlink: not the last incident; the unlinked client no longer sees it.
		_, err = w.a.Changes.Unlink(ctx, agent, c.ID, 999999)
		wantErr(t, "unlink a missing incident", err, desk.ENOTFOUND, "")
		if c, err = w.a.Changes.Unlink(ctx, agent, c.ID, otherInc.ID); err != nil || !slices.Equal(c.IncidentIDs, []int64{inc.ID}) {
			t.Fatalf("unlink: %+v, %v", c, err)
		}
		_, err = w.a.Changes.Unlink(ctx, agent, c.ID, otherInc.ID)
		wantErr(t, "unlink twice", err, desk.ENOTFOUND, "")
		_, err = w.a.Changes.Unlink(ctx, agent, c.ID, inc.ID)
		wantErr(t, "unlink the last incident", err, desk.ECONFLICT, "")
		if sums, err := w.a.Changes.ForIncident(ctx, actor(otherUser), otherInc.ID); err != nil || len(sums) != 0 {
			t.Errorf("after unlinking, the other client sees %+v, %v", sums, err)
		}
		if got := w.changeEvents(t, actor(otherUser), otherInc.ID); len(got) != 4 || !strings.HasPrefix(got[3], "change_unlinked public") {
			t.Errorf("the other client's timeline after unlinking: %v", got)
		}

		// Lists and filters, for staff.
		rejected, err := w.a.Changes.Create(ctx, agent, app.ChangeInput{Title: "Second opinion", IncidentIDs: []int64{otherInc.ID, otherInc.ID}})
		if err != nil || !slices.Equal(rejected.IncidentIDs, []int64{otherInc.ID}) {
			t.Fatalf("second change request: %+v, %v", rejected, err)
		}
		if _, err := w.a.Changes.Transition(ctx, agent, rejected.ID, desk.ChangeTransition{To: desk.ChangeRejected, Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			f    desk.ChangeFilter
			want []int64
		}{
			{desk.ChangeFilter{}, []int64{rejected.ID, c.ID}},
			{desk.ChangeFilter{States: []desk.ChangeState{desk.ChangeRejected}}, []int64{rejected.ID}},
			{desk.ChangeFilter{IncidentID: inc.ID}, []int64{c.ID}},
			{desk.ChangeFilter{Limit: 1}, []int64{rejected.ID}},
		} {
			p, err := w.a.Changes.List(ctx, actor(w.expert), tc.f)
			var ids []int64
			for _, x := range p.Items {
				ids = append(ids, x.ID)
			}
			if err != nil || !slices.Equal(ids, tc.want) {
				t.Errorf("Changes(%+v) = %v, %v; want %v", tc.f, ids, err, tc.want)
			}
			if tc.f.Limit == 1 && p.Next != rejected.ID {
				t.Errorf("next cursor %d, want %d", p.Next, rejected.ID)
			}
		}
		if n, err := w.a.Changes.Count(ctx, agent, desk.ChangeFilter{}); err != nil || n != 2 {
			t.Errorf("CountChanges = %d, %v", n, err)
		}

		// The audit log holds every change of the change request.
		page, err := w.a.Audit.List(ctx, sys, desk.AuditFilter{Entity: "change_request", EntityID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range page.Items {
			actions = append(actions, e.Action)
		}
		if want := []string{"unlink", "transition", "transition", "update", "link", "create"}; !slices.Equal(actions, want) {
			t.Errorf("audit actions %v, want %v", actions, want)
		}
		if e := page.Items[3]; !strings.Contains(e.Before, `"Replace the payment SDK"`) || !strings.Contains(e.After, title) ||
			e.ActorID == nil || *e.ActorID != w.agent.ID || e.Address != "192.0.2.7" {
			t.Errorf("update audit: %+v", e)
		}
		if e := page.Items[2]; !strings.Contains(e.After, "CAB agreed") || !strings.Contains(e.After, `"approved"`) {
			t.Errorf("approval audit: %+v", e)
		}
		if e := page.Items[0]; e.OrgID == nil || *e.OrgID != w.other.ID || !strings.Contains(e.After, "incident_ids") {
			t.Errorf("unlink audit: %+v", e)
		}
	})
}

func ptr[T any](v T) *T { return &v }

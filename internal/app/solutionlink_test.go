package app_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// links returns the tokens of a resolved incident's Confirm and Reject links.
func (w *world) links(t *testing.T, inc desk.Incident) (confirm, reject string) {
	t.Helper()
	c, r, err := w.a.Outbox.SolutionLinks(context.Background(), inc)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{c, r} {
		if !strings.HasPrefix(l, "http://desk.test/solution/") {
			t.Fatalf("link %q", l)
		}
	}
	return strings.TrimPrefix(c, "http://desk.test/solution/"), strings.TrimPrefix(r, "http://desk.test/solution/")
}

func TestSolutionLinkConfirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.resolved(t, "Checkout fails")
		confirm, reject := w.links(t, inc)

		// Looking changes nothing, and shows what the link proposes.
		for _, c := range []struct {
			token   string
			confirm bool
		}{{confirm, true}, {reject, false}} {
			v := noErr(w.a.Incidents.SolutionByLink(ctx, c.token))(t)
			if v.State != app.SolutionLinkOpen || v.Confirm != c.confirm || v.Number != inc.Number || v.Title != "Checkout fails" ||
				v.Solution != "Restarted the service." || v.SolutionKind != desk.SolutionTemporary || v.IncidentState != desk.StateResolved ||
				v.AutoCloseAt == nil || !v.AutoCloseAt.Equal(*inc.AutoCloseAt) {
				t.Errorf("view of the link: %+v", v)
			}
		}
		if now := noErr(w.a.Incidents.Get(ctx, sys, inc.ID))(t); now.Version != inc.Version || now.State != desk.StateResolved {
			t.Fatalf("looking changed the incident: %+v", now)
		}

		b := w.inbox()
		b.news(t, w.agent)
		b.news(t, w.reporter)
		// The Reject link's page may confirm too: the person chooses on the page.
		closed := noErr(w.a.Incidents.ReactToSolution(ctx, reject, true, "", "198.51.100.4"))(t)
		if closed.State != desk.StateClosed || closed.ClosedAt == nil || closed.AutoCloseAt != nil {
			t.Fatalf("after confirming: %+v", closed)
		}
		b.expect(t, w.reporter, desk.NotifyClosed, inc, map[string]any{"by": "rita", "confirmed": true})
		b.none(t, w.agent)
		tl := noErr(w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID))(t)
		last := tl[len(tl)-1]
		if last.FromState != desk.StateResolved || last.ToState != desk.StateClosed || last.AuthorID == nil || *last.AuthorID != w.reporter.ID ||
			last.Visibility != desk.Public {
			t.Errorf("timeline: %+v", last)
		}
		var audited bool
		for _, e := range noErr(w.a.Incidents.Audit(ctx, actor(w.agent), inc.ID))(t) {
			if e.Action == "transition" && strings.Contains(e.After, `"closed"`) {
				audited = true
				if e.ActorID == nil || *e.ActorID != w.reporter.ID || e.Address != "198.51.100.4" || !strings.Contains(e.After, `"via":"email_link"`) {
					t.Errorf("audit: %+v", e)
				}
			}
		}
		if !audited {
			t.Error("no audit record of the close")
		}

		// Used: both links are done now, and acting again is a conflict.
		for _, tok := range []string{confirm, reject} {
			v := noErr(w.a.Incidents.SolutionByLink(ctx, tok))(t)
			if v.State != app.SolutionLinkDone || v.IncidentState != desk.StateClosed || v.Solution != "" || v.Number != inc.Number {
				t.Errorf("view of a used link: %+v", v)
			}
			_, err := w.a.Incidents.ReactToSolution(ctx, tok, true, "", "198.51.100.4")
			if desk.ErrorCode(err) != desk.ECONFLICT {
				t.Errorf("second use: %v", err)
			}
		}
		b.none(t, w.reporter, w.agent)
	})
}

func TestSolutionLinkReject(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.resolved(t, "Checkout fails")
		_, reject := w.links(t, inc)
		b := w.inbox()
		b.news(t, w.agent)
		b.news(t, w.reporter)

		// A reason is required; nothing happens without one.
		for _, reason := range []string{"", "   "} {
			_, err := w.a.Incidents.ReactToSolution(ctx, reject, false, reason, "198.51.100.4")
			var e *desk.Error
			if !errors.As(err, &e) || e.Code != desk.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "reason" || e.Fields[0].Rule != "required" {
				t.Fatalf("reject with reason %q: %v", reason, err)
			}
		}
		if v := noErr(w.a.Incidents.SolutionByLink(ctx, reject))(t); v.State != app.SolutionLinkOpen {
			t.Fatalf("a refused rejection used the link: %+v", v)
		}
		b.none(t, w.agent, w.reporter)

		back := noErr(w.a.Incidents.ReactToSolution(ctx, reject, false, "Still broken on mobile.", "198.51.100.4"))(t)
		if back.State != desk.StateInProgress || back.ResolvedAt != nil || back.AutoCloseAt != nil {
			t.Fatalf("after rejecting: %+v", back)
		}
		b.expect(t, w.agent, desk.NotifySolutionRejected, inc, map[string]any{"by": "rita", "reason": "Still broken on mobile."})
		b.none(t, w.reporter)
		if _, err := w.a.Incidents.ReactToSolution(ctx, reject, false, "Again.", "198.51.100.4"); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("second use: %v", err)
		}

		// A new solution: the old links are done, the new ones open.
		w.now = w.now.Add(time.Hour)
		resolved := noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID,
			desk.Transition{To: desk.StateResolved, Solution: "Fixed the mobile page.", SolutionKind: desk.SolutionStructural}))(t)
		newConfirm, _ := w.links(t, resolved)
		if v := noErr(w.a.Incidents.SolutionByLink(ctx, reject))(t); v.State != app.SolutionLinkDone || v.IncidentState != desk.StateResolved || v.Solution != "" {
			t.Errorf("an old link after a new solution: %+v", v)
		}
		if _, err := w.a.Incidents.ReactToSolution(ctx, reject, false, "Old link.", "198.51.100.4"); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("an old link acted: %v", err)
		}
		if v := noErr(w.a.Incidents.SolutionByLink(ctx, newConfirm))(t); v.State != app.SolutionLinkOpen || v.Solution != "Fixed the mobile page." {
			t.Errorf("the new link: %+v", v)
		}
		if in := noErr(w.a.Incidents.Get(ctx, sys, inc.ID))(t); in.State != desk.StateResolved {
			t.Errorf("state %s", in.State)
		}
	})
}

func TestSolutionLinkRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.resolved(t, "Checkout fails")
		other := w.resolved(t, "Printer offline")
		confirm, _ := w.links(t, inc)
		parts := strings.Split(confirm, ".")
		if len(parts) != 5 {
			t.Fatalf("token %q", confirm)
		}
		tamper := func(i int, v string) string {
			p := append([]string(nil), parts...)
			p[i] = v
			return strings.Join(p, ".")
		}
		flip := []byte(parts[4])
		flip[0] ^= 1
		for name, tok := range map[string]string{
			"another incident": tamper(0, strconv.FormatInt(other.ID, 10)),
			"another action":   tamper(2, "r"),
			"later expiry":     tamper(3, strconv.FormatInt(time.Now().Add(1000*time.Hour).Unix(), 10)),
			"damaged MAC":      tamper(4, string(flip)),
			"no MAC":           strings.Join(parts[:4], "."),
			"empty":            "",
			"garbage":          "<script>",
			"too long":         strings.Repeat("1", 300),
		} {
			if _, err := w.a.Incidents.SolutionByLink(ctx, tok); !errors.Is(err, app.ErrSolutionLinkInvalid) {
				t.Errorf("%s: view: %v", name, err)
			}
			if _, err := w.a.Incidents.ReactToSolution(ctx, tok, true, "", "198.51.100.4"); !errors.Is(err, app.ErrSolutionLinkInvalid) || desk.ErrorCode(err) != desk.EUNAUTHORIZED {
				t.Errorf("%s: act: %v", name, err)
			}
		}
		for _, in := range []desk.Incident{inc, other} {
			if now := noErr(w.a.Incidents.Get(ctx, sys, in.ID))(t); now.State != desk.StateResolved || now.Version != in.Version {
				t.Errorf("a refused link changed %s: %+v", in.Number, now)
			}
		}

		// A deactivated reporter's link does not act for them.
		noErr(w.a.Identity.UpdateUser(ctx, sys, w.reporter.ID, app.UserPatch{Active: ptr(false)}))(t)
		if _, err := w.a.Incidents.ReactToSolution(ctx, confirm, true, "", "198.51.100.4"); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("the link of a deactivated reporter: %v", err)
		}
		noErr(w.a.Identity.UpdateUser(ctx, sys, w.reporter.ID, app.UserPatch{Active: ptr(true)}))(t)

		// Expired when the incident would close by itself: exactly then, not a second later.
		w.now = inc.AutoCloseAt.Add(-time.Second)
		if v := noErr(w.a.Incidents.SolutionByLink(ctx, confirm))(t); v.State != app.SolutionLinkOpen {
			t.Errorf("a second before it expires: %+v", v)
		}
		w.now = *inc.AutoCloseAt
		if _, err := w.a.Incidents.SolutionByLink(ctx, confirm); !errors.Is(err, app.ErrSolutionLinkExpired) || desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("expired: view: %v", err)
		}
		if _, err := w.a.Incidents.ReactToSolution(ctx, confirm, true, "", "198.51.100.4"); !errors.Is(err, app.ErrSolutionLinkExpired) {
			t.Errorf("expired: act: %v", err)
		}
		if now := noErr(w.a.Incidents.Get(ctx, sys, inc.ID))(t); now.State != desk.StateResolved {
			t.Errorf("an expired link changed the incident: %s", now.State)
		}
	})
}

package console_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserWorkspace opens the agent's incident page for incidents in each situation the
// next-step box knows, in Dutch on SQLite and in English on PostgreSQL: the box names the
// right step and stands above the fold at 390x844, 1280x900 and 1920x1080; the page has no
// accessibility violations and never scrolls sideways, also with a 200-character title
// without spaces. The client's view of the same incident stays clear at every width.
func TestBrowserWorkspace(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ db, lang string }{{"sqlite", "nl"}, {"postgres", "en"}} {
		t.Run(c.db+"-"+c.lang, func(t *testing.T) {
			t.Parallel()
			ctx := newBrowser(t)
			e := newEnv(t, storetest.Open(t, c.db))
			incs := workspaceIncidents(t, e)
			browserSignIn(t, ctx, e.srv.URL, c.lang, e.agent)
			for _, tc := range incs {
				want := e.wsText(c.lang, "ws.next."+tc.next)
				for _, vp := range [][2]int64{{390, 844}, {1280, 900}, {1920, 1080}} {
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp[0], vp[1])); err != nil {
						t.Fatal(err)
					}
					if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.srv.URL+"/incidents/"+tc.inc.Number)); err != nil {
						t.Fatal(err)
					}
					got := text(t, ctx, "#next-h")
					if !strings.Contains(got, want) {
						t.Errorf("%s (%s) at %dx%d: the next step reads %q, want %q", tc.name, tc.inc.State, vp[0], vp[1], got, want)
					}
					screenshot(t, ctx, fmt.Sprintf("ws-%s-%s-%d", tc.name, c.lang, vp[0]))
					// The box's heading is on the first screen, and on a desk's screen also its
					// first control. On a phone the header and the facts come first: the
					// heading says what to do, the control is a thumb's scroll away. A title
					// of 200 characters takes a phone's first screen by itself.
					if vp[0] == 390 && tc.name == "follow" {
						continue
					}
					where, err := chromedp.Run(ctx, chromedp.Evaluate[string](`((control) => {
						const b = document.getElementById('next-step'), h = document.getElementById('next-h');
						const c = control && b.querySelector('button, a.button, textarea') || h;
						return h.getBoundingClientRect().bottom <= innerHeight && c.getBoundingClientRect().top < innerHeight ? 'above' :
							'below: heading ' + Math.round(h.getBoundingClientRect().bottom) + ', control ' + Math.round(c.getBoundingClientRect().top) + ' of ' + innerHeight; })(`+fmt.Sprint(vp[0] > 390)+`)`))
					if err != nil || where != "above" {
						t.Errorf("%s at %dx%d: the next step is %s (%v)", tc.name, vp[0], vp[1], where, err)
					}
				}
				checkA11y(t, ctx, "workspace-"+tc.name+"-"+c.lang)
				noSideways(t, ctx, "workspace-"+tc.name+"-"+c.lang)
			}

			// A title of 200 characters without a space wraps, and bidi text stays isolated.
			long := incs[len(incs)-1].inc
			if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.srv.URL+"/incidents/"+long.Number)); err != nil {
				t.Fatal(err)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('h1 bdi, .timeline .text[dir=auto]').length`)); n < 2 {
				t.Errorf("%d isolated texts on the page, want the title and the entries", n)
			}
			noSideways(t, ctx, "workspace-long-title-"+c.lang)
			checkA11y(t, ctx, "workspace-long-title-"+c.lang)

			// The client's view of an incident: clear at every width, no desk controls.
			client := newBrowser(t)
			browserSignIn(t, client, e.srv.URL, c.lang, e.acmeUser)
			for _, tc := range incs {
				if tc.inc.OrgID != e.acme.ID || tc.inc.ReporterID == nil || *tc.inc.ReporterID != e.acmeUser.ID {
					continue
				}
				if _, err := chromedp.RunResponse(client, chromedp.Navigate(e.srv.URL+"/incidents/"+tc.inc.Number)); err != nil {
					t.Fatal(err)
				}
				if n, _ := chromedp.Run(client, chromedp.Evaluate[int](`document.querySelectorAll('#presence, form[action$="/assign"], form[action$="/classify"]').length`)); n != 0 {
					t.Errorf("the client's view of %s shows %d desk controls", tc.name, n)
				}
				for _, w := range []int64{390, 1920, 1280} {
					if err := chromedp.Do(client, chromedp.EmulateViewport(w, 900)); err != nil {
						t.Fatal(err)
					}
					screenshot(t, client, fmt.Sprintf("ws-client-%s-%s-%d", tc.name, c.lang, w))
				}
				noSideways(t, client, "workspace-client-"+tc.name+"-"+c.lang)
				checkA11y(t, client, "workspace-client-"+tc.name+"-"+c.lang)
			}
		})
	}
}

// workspaceCase is an incident in one situation, and the next step its page names.
type workspaceCase struct {
	name, next string
	inc        desk.Incident
}

// workspaceIncidents brings incidents into each situation: an urgent report to assess, a
// new one nobody works on, one assigned but not started, one in progress, one waiting on a
// supplier, one resolved (with a title of 200 characters without a space, and bidi text in
// its timeline), one closed.
func workspaceIncidents(t *testing.T, e *env) []workspaceCase {
	t.Helper()
	ctx := context.Background()
	agent, sys := actor(e.agent), desk.SystemActor("test")
	must := func(inc desk.Incident, err error) desk.Incident {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	create := func(title string) desk.Incident {
		return must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID,
			Kind: desk.KindRegular, Title: title, Description: "Het werkt niet.", Urgency: desk.High, Impact: desk.Normal}))
	}
	move := func(inc desk.Incident, tr desk.Transition) desk.Incident {
		return must(e.app.Incidents.Transition(ctx, agent, inc.ID, tr))
	}
	assign := func(inc desk.Incident, u desk.User) desk.Incident {
		return must(e.app.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{AssigneeID: &u.ID}))
	}
	urgent := e.submit(e.acmeUser, urgentAnswers, "Kassa ligt eruit")
	if urgent.Assessment != desk.AssessmentPending {
		t.Fatalf("the urgent report's assessment is %q", urgent.Assessment)
	}
	started := assign(create("Printer op de tweede verdieping"), e.agent)
	working := move(assign(create("Koppeling met het zaaksysteem"), e.agent), desk.Transition{To: desk.StateInProgress})
	waiting := move(working, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnThirdParty})
	working = move(assign(create("VPN valt steeds weg"), e.agent), desk.Transition{To: desk.StateInProgress})
	resolved := create(strings.Repeat("Onbereikbaar", 16) + "Webshop!")
	if _, err := e.app.Incidents.AddEntry(ctx, actor(e.acmeUser), resolved.ID, app.EntryInput{Body: "שלום \u202eevil\u202c ok"}); err != nil {
		t.Fatal(err)
	}
	resolved = move(move(resolved, desk.Transition{To: desk.StateInProgress}),
		desk.Transition{To: desk.StateResolved, Solution: "De server is herstart.", SolutionKind: desk.SolutionTemporary})
	closed := move(move(move(create("Oude melding"), desk.Transition{To: desk.StateInProgress}),
		desk.Transition{To: desk.StateResolved, Solution: "Opgelost.", SolutionKind: desk.SolutionStructural}),
		desk.Transition{To: desk.StateClosed})
	return []workspaceCase{
		{"assess", "assess", urgent},
		{"take", "take", e.acmeInc},
		{"start", "start", started},
		{"resolve", "resolve", working},
		{"resume", "resume", waiting},
		{"closed", "closed", closed},
		{"follow", "follow", resolved}, // last: the long title
	}
}

// wsText is a catalog text in the language lang.
func (e *env) wsText(lang, key string) string {
	return loadTexts(e.t).T(desk.Locale(lang), key)
}

// TestBrowserWorkspaceNoScript works the folded actions with JavaScript off: a summary
// opens its form, and the form posts (the classification, then a state change that needs a
// field). Presence needs no script either: the page shows who had it open when it loaded.
func TestBrowserWorkspaceNoScript(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	base := e.srv.URL
	inc, err := e.app.Incidents.Transition(context.Background(), actor(e.agent), e.acmeInc.ID, desk.Transition{To: desk.StateInProgress})
	if err != nil {
		t.Fatal(err)
	}
	browserSignIn(t, ctx, base, "nl", e.agent)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	// The admin has the incident open.
	admin := e.client()
	admin.signIn(e.admin)
	admin.get("/incidents/" + inc.Number)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents/"+inc.Number)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#presence"); !strings.Contains(got, "Ook open bij: Ada Admin (beheerder), sinds ") {
		t.Errorf("presence reads %q", got)
	}
	closed, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('classify-reason').checkVisibility()`))
	if !closed {
		t.Error("the classification is not folded away")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`details:has(#classify-reason) > summary`))); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("classify-impact"), "high"),
		chromedp.SendKeys(chromedp.ID("classify-reason"), "Alle winkels getroffen."),
		chromedp.Click(chromedp.CSS(`form[action$="/classify"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("classify without scripts: %v %v", resp, err)
	}
	if got, _ := e.app.Incidents.Get(context.Background(), actor(e.agent), inc.ID); got.Impact != desk.High {
		t.Errorf("the impact is %q after classifying", got.Impact)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`details:has(#waiting-waiting) > summary`))); err != nil {
		t.Fatal(err)
	}
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("waiting-waiting"), "client"),
		chromedp.Click(chromedp.CSS(`details:has(#waiting-waiting) button[type=submit]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("wait without scripts: %v %v", resp, err)
	}
	if got, _ := e.app.Incidents.Get(context.Background(), actor(e.agent), inc.ID); got.State != desk.StateWaiting || got.WaitingOn != desk.WaitingOnClient {
		t.Errorf("after the folded state change: %s on %q", got.State, got.WaitingOn)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "workspace-noscript") // axe needs scripts
}

// TestBrowserWorkspacePresence has the agent's page open in Chromium while the admin opens
// the same incident: the agent's script renews its presence and shows the admin; the
// admin's page shows the agent. When the agent leaves, the admin no longer sees them.
func TestBrowserWorkspacePresence(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	e := newEnv(t, storetest.Open(t, "postgres"))
	base := e.srv.URL
	page := "/incidents/" + e.acmeInc.Number
	browserSignIn(t, ctx, base, "en", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+page)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#presence"); strings.TrimSpace(got) != "" {
		t.Errorf("alone on the page, presence reads %q", got)
	}
	admin := e.client()
	admin.signIn(e.admin)
	p := admin.get(page)
	expect(t, p, http.StatusOK, "Ook open bij:", "Guus Agent")
	// The renewal runs every 20 s and when the page becomes visible: make it visible again.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.dispatchEvent(new Event('visibilitychange'))`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.getElementById('presence').innerText.includes('Also open: Ada Admin (admin), since ')`)
	checkA11y(t, ctx, "workspace-presence")
	// The agent leaves the page: the beacon drops their presence.
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second) // a guard against a hang, not a measure
	for {
		p = admin.get(page)
		if !strings.Contains(p.body, "Ook open bij:") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	expectNot(t, p, "Ook open bij:")
}

// TestBrowserWorkspaceConflict: the agent writes a reply while the admin adds a note. The
// reply comes back (409) with the focus on the summary, the admin's note shown above the
// forms and marked in the timeline, the reply still in its box; sent again, it is posted.
func TestBrowserWorkspaceConflict(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	page := e.srv.URL + "/incidents/" + e.acmeInc.Number
	browserSignIn(t, ctx, e.srv.URL, "en", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Incidents.AddEntry(context.Background(), actor(e.admin), e.acmeInc.ID,
		app.EntryInput{Kind: desk.EntryNote, Body: "Called the client: the shop is back."}); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("reply-body"), "Is the shop back?"),
		chromedp.Click(chromedp.CSS(`form[action$="/entries"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusConflict {
		t.Fatalf("the reply on an overtaken page: %v %v", resp, err)
	}
	waitFor(t, ctx, `document.activeElement && document.activeElement.id === 'error-summary'`)
	if got := text(t, ctx, "#changed-since"); !strings.Contains(got, "Called the client: the shop is back.") || !strings.Contains(got, "Ada Admin") {
		t.Errorf("what changed reads %q", got)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#timeline li.ws-new').length`)); n != 1 {
		t.Errorf("%d entries marked new in the timeline, want 1", n)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("reply-body"))); v != "Is the shop back?" {
		t.Errorf("the reply box kept %q", v)
	}
	screenshot(t, ctx, "ws-conflict-en")
	checkA11y(t, ctx, "workspace-conflict-en")
	noSideways(t, ctx, "workspace-conflict-en")
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action$="/entries"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("the reply sent again: %v %v", resp, err)
	}
	if got := text(t, ctx, "#timeline"); !strings.Contains(got, "Is the shop back?") {
		t.Errorf("the timeline lacks the reply:\n%s", got)
	}
}

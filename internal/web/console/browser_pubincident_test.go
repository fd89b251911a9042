package console_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserPublicIncident: in Chromium, an agent publishes an incident through the
// desk's form (after a failed try that keeps the input), signs out; a visitor with
// JavaScript off sees it on /status and on its own page, in English and Dutch; the agent
// resolves it and the visitor finds it in the history. Every page passes axe-core's WCAG
// 2.2 A/AA rules.
func TestBrowserPublicIncident(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	bg := context.Background()
	mail, err := e.app.Components.Create(bg, desk.SystemActor("test"), desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := e.app.StatusTemplates.Create(bg, desk.Actor{UserID: e.admin.ID, Role: desk.RoleAdmin}, app.StatusTemplateInput{
		Name: "Oorzaak gevonden", Status: desk.PublicIdentified, Body: desk.Texts{NL: "We hebben de oorzaak gevonden.", EN: "We found the cause."}})
	if err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	mf := "#new-component_" + itoa(mail.ID)
	browserSignIn(t, ctx, base, "nl", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/public-incidents")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "pubdesk-list-nl")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="/public-incidents/new"]`))); err != nil {
		t.Fatal(err)
	}
	// A first try without a name: the form comes back with the message and the input.
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("new-body-nl"), "We **onderzoeken** de storing."),
		chromedp.SetValue(chromedp.ID("new-impact"), "major"),
		chromedp.Click(chromedp.CSS(`form[action="/public-incidents"] > .actions button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("submit without a name: %v %v", resp, err)
	}
	if msg := text(t, ctx, "#new-name-nl-error"); msg != "Vul Nederlands, Engels of beide in." {
		t.Errorf("next to the name: %q", msg)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("new-body-nl"))); v != "We **onderzoeken** de storing." {
		t.Errorf("the message kept %q", v)
	}
	screenshot(t, ctx, "pubdesk-new-error-nl")
	checkA11y(t, ctx, "pubdesk-new-error-nl")
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("new-name-nl"), "Storing e-mail"),
		chromedp.SendKeys(chromedp.ID("new-name-en"), "Email outage"),
		chromedp.SetValue(chromedp.CSS(mf), "major_outage"),
		chromedp.Click(chromedp.CSS(`form[action="/public-incidents"] > .actions button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("publish: %v %v", resp, err)
	}
	detail, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if !strings.HasPrefix(detail, "/public-incidents/") {
		t.Fatalf("after publishing the browser is at %s", detail)
	}
	id := strings.TrimPrefix(detail, "/public-incidents/")
	screenshot(t, ctx, "pubdesk-detail-nl")
	checkA11y(t, ctx, "pubdesk-detail-nl")

	// The update form's template chooser. With JavaScript, choosing fills the form at once
	// and the button is gone; nothing is sent.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.getElementById('update-template');`+
		`s.value='`+itoa(tpl.ID)+`';s.dispatchEvent(new Event('change'));return true})()`)); err != nil {
		t.Fatal(err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("update-body-en"))); v != "We found the cause." {
		t.Errorf("with JavaScript the English message is %q", v)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("update-status"))); v != "identified" {
		t.Errorf("with JavaScript the status is %q", v)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[name=use_template]').length`)); n != 0 {
		t.Error("with JavaScript the Use template button stays")
	}
	checkA11y(t, ctx, "pubdesk-template-js-nl")
	// Without JavaScript, the button brings the page back filled.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	resp, err = chromedp.RunResponse(ctx, chromedp.Navigate(base+detail))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("detail without scripts: %v %v", resp, err)
	}
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("update-template"), itoa(tpl.ID)),
		chromedp.Click(chromedp.CSS(`button[name=use_template]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("use template: %v %v", resp, err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("update-body-nl"))); v != "We hebben de oorzaak gevonden." {
		t.Errorf("without JavaScript the Dutch message is %q", v)
	}
	screenshot(t, ctx, "pubdesk-template-nojs-nl")
	checkA11y(t, ctx, "pubdesk-template-nojs-nl")

	// Enter in a single-line field submits the form it is in, as people expect: without
	// JavaScript the template chooser's button is in the form too, and Enter must not press it.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/public-incidents/new")); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[name=use_template]').length`)); n != 1 {
		t.Fatalf("without JavaScript the new form has %d Use template buttons, want 1", n)
	}
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("new-body-nl"), "Traag."),
		chromedp.SetValue(chromedp.CSS(mf), "degraded_performance"),
		chromedp.SendKeys(chromedp.ID("new-name-nl"), "Trage e-mail\r"),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("Enter in the name: %v %v", resp, err)
	}
	at, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if !strings.HasPrefix(at, "/public-incidents/") || at == detail || at == "/public-incidents/new" {
		t.Fatalf("after Enter in the name the browser is at %s, want a new incident's page", at)
	}
	second, _ := strconv.ParseInt(strings.TrimPrefix(at, "/public-incidents/"), 10, 64)
	if _, err := e.app.PublicIncidents.Resolve(bg, desk.Actor{UserID: e.agent.ID, Role: desk.RoleAgent}, second, desk.Texts{NL: "Weer snel."}); err != nil {
		t.Fatal(err) // it has done its part: the rest of the test follows the first incident
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}

	// A linked ticket: the resolve form offers to resolve it too, checked; the edit form.
	pid, _ := strconv.ParseInt(id, 10, 64)
	if _, err := e.app.PublicIncidents.LinkTickets(bg, desk.Actor{UserID: e.agent.ID, Role: desk.RoleAgent}, pid, []int64{e.acmeInc.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+detail)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('resolve-tickets').checked`)); !ok {
		t.Error("the resolve form's tickets box is not checked")
	}
	screenshot(t, ctx, "pubdesk-detail-linked-nl")
	checkA11y(t, ctx, "pubdesk-detail-linked-nl")
	resp, err = chromedp.RunResponse(ctx,
		chromedp.Clear(chromedp.ID("edit-name-nl")),
		chromedp.Clear(chromedp.ID("edit-name-en")),
		chromedp.Click(chromedp.CSS(`form[action$="/edit"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("edit without a name: %v %v", resp, err)
	}
	if msg := text(t, ctx, "#edit-name-nl-error"); msg != "Vul Nederlands, Engels of beide in." {
		t.Errorf("next to the edited name: %q", msg)
	}
	checkA11y(t, ctx, "pubdesk-edit-error-nl")
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+detail)); err != nil {
		t.Fatal(err)
	}
	signOut(t, ctx)

	// The visitor, without JavaScript.
	visit := func(path string) string {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+path))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		// Scripts back on for the checks; the page was built without them.
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			t.Fatal(err)
		}
		return text(t, ctx, "main")
	}
	for _, tc := range []struct{ path, name, want string }{
		{"/status?lang=en", "status-incident-en", "Email outage"},
		{"/status/incidents/" + id + "?lang=en", "incident-page-en", "We onderzoeken de storing."},
		{"/status/incidents/" + id + "?lang=nl", "incident-page-nl", "Storing e-mail"},
		{"/status?lang=nl", "status-incident-nl", "Actuele storingen"},
	} {
		if main := visit(tc.path); !strings.Contains(main, tc.want) {
			t.Errorf("%s does not show %q:\n%s", tc.path, tc.want, main)
		}
		screenshot(t, ctx, tc.name)
		checkA11y(t, ctx, tc.name)
	}
	banner := text(t, ctx, "#status-banner")
	if banner != "✕ Grote storing" {
		t.Errorf("banner %q", banner)
	}

	// Resolved by the agent; the visitor finds it in the history.
	browserSignIn(t, ctx, base, "nl", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+detail)); err != nil {
		t.Fatal(err)
	}
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("resolve-body-en"), "Resolved: the disk was replaced."),
		chromedp.Click(chromedp.CSS(`form[action$="/resolve"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("resolve: %v %v", resp, err)
	}
	checkA11y(t, ctx, "pubdesk-resolved-nl")
	signOut(t, ctx)
	for _, tc := range []struct{ path, name, want string }{
		{"/status/history?lang=en", "history-en", "Email outage"},
		{"/status/history?lang=nl", "history-nl", "Storing e-mail"},
		{"/status?lang=en", "status-resolved-en", "Resolved"},
	} {
		if main := visit(tc.path); !strings.Contains(main, tc.want) {
			t.Errorf("%s does not show %q:\n%s", tc.path, tc.want, main)
		}
		checkA11y(t, ctx, tc.name)
	}
	if main := visit("/status?lang=en"); strings.Contains(main, "Current incidents") {
		t.Error("the resolved incident is still current")
	}
}

// signOut signs the browser's person out with the header's button.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type=submit]`))); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

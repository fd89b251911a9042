package console_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserServiceStatus opens the signed-in status view from the client's menu in
// Chromium, in Dutch and in English, and holds it to axe-core's WCAG 2.2 A/AA rules.
func TestBrowserServiceStatus(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	bg, sys := context.Background(), desk.SystemActor("test")
	g, err := e.app.Components.CreateGroup(bg, sys, desk.ComponentGroup{Name: "Shared infrastructure"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Components.Create(bg, sys, desk.Component{Name: "Hosting", GroupID: &g.ID, Visibility: desk.VisibilityPublic, Description: "Our data centre"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Components.Create(bg, sys, desk.Component{Name: "Acme vault router", GroupID: &g.ID, Status: desk.StatusDegradedPerformance, ClientIDs: []int64{e.acme.ID}}); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	for _, lang := range []string{"nl", "en"} {
		browserSignIn(t, ctx, base, lang, e.acmeUser)
		click(t, ctx, `nav.main a[href="/service-status"]`)
		banner := text(t, ctx, "#status-banner")
		if want := map[string]string{"nl": "Kleine verstoring", "en": "Minor service outage"}[lang]; !strings.Contains(banner, want) {
			t.Errorf("%s banner %q, want %q", lang, banner, want)
		}
		if got := text(t, ctx, "table"); !strings.Contains(got, e.acmeInc.Number) {
			t.Errorf("%s: the incidents table reads %q", lang, got)
		}
		screenshot(t, ctx, "service-status-"+lang)
		checkA11y(t, ctx, "service-status-"+lang)
		click(t, ctx, `form[action="/logout"] button`)
	}
}

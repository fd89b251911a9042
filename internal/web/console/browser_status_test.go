package console_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserStatusPage opens the public status page in Chromium without signing in, in
// Dutch and then in English through the language switch, with a component of every status
// on it, and holds both to axe-core's WCAG 2.2 A/AA rules: 0 violations.
func TestBrowserStatusPage(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	bg, sys := context.Background(), desk.SystemActor("test")
	g, err := e.app.Components.CreateGroup(bg, sys, desk.ComponentGroup{Name: "Shared infrastructure"})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range desk.ComponentStatuses {
		group := &g.ID
		if i == 0 {
			group = nil // one component outside any group
		}
		c, err := e.app.Components.Create(bg, sys, desk.Component{Name: "Service " + string(s), GroupID: group,
			Description: "What " + string(s) + " looks like", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Components.Update(bg, sys, c.ID, app.ComponentPatch{Status: &s}); err != nil {
			t.Fatal(err)
		}
	}
	base := e.srv.URL

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/status?lang=nl")); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || h1 != "Status van Meldpunt" {
		t.Fatalf("status page heading %q (%v)", h1, err)
	}
	banner, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status-banner")))
	if banner != "✕ Grote storing" {
		t.Errorf("banner %q, want the critical one", banner)
	}
	screenshot(t, ctx, "status-nl")
	checkA11y(t, ctx, "status-nl")

	// The language switch of an anonymous page is a link.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`nav.lang a[hreflang=en]`))); err != nil {
		t.Fatalf("switch language: %v", err)
	}
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil || lang != "en" {
		t.Fatalf("html lang %q after switching (%v)", lang, err)
	}
	h1, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if h1 != "Meldpunt status" {
		t.Errorf("status page heading %q in English", h1)
	}
	screenshot(t, ctx, "status-en")
	checkA11y(t, ctx, "status-en")
}

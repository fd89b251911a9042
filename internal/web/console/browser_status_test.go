package console_test

import (
	"context"
	"testing"
	"time"

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
	// Branding: a title, logo, accent colour, phone number and footer; and a day with an
	// outage three days ago, so the bars show a worst day.
	admin := desk.Actor{UserID: e.admin.ID, Role: desk.RoleAdmin, Name: e.admin.Name}
	if _, err := e.app.Branding.Put(bg, admin, desk.PageSettings{Title: "X-Guard", AccentColour: "#1a5fb4", Phone: "+31 20 123 4567",
		FooterText: "Privacy", FooterURL: "https://example.nl/privacy"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Branding.PutLogo(bg, admin, logoPNG(t)); err != nil {
		t.Fatal(err)
	}
	cs, err := e.app.Components.List(bg, sys, 0)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.Write(bg, func(tx app.Tx) error {
		for _, c := range cs {
			for i, s := range []desk.ComponentStatus{desk.StatusOperational, desk.StatusMajorOutage, desk.StatusOperational} {
				if err := tx.RecordComponentStatus(bg, c.ID, s, now.Add(-96*time.Hour+time.Duration(i)*3*time.Hour)); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/status?lang=nl")); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || h1 != "X-Guard" {
		t.Fatalf("status page heading %q (%v)", h1, err)
	}
	banner, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status-banner")))
	if banner != "✕ Grote storing" {
		t.Errorf("banner %q, want the critical one", banner)
	}
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.uptime-bar").length`))
	if err != nil || bars != len(desk.ComponentStatuses) {
		t.Errorf("%d uptime bars (%v), want one per component", bars, err)
	}
	worst, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.uptime-bar li.u-worst").length`))
	if worst == 0 {
		t.Error("no day is marked as worst")
	}
	logo, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector(".status-logo img"); return !!i && i.complete && i.naturalWidth === 64 })()`))
	if !logo {
		t.Error("the logo does not load")
	}
	accent, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).getPropertyValue("--accent").trim()`))
	if accent != "#1a5fb4" {
		t.Errorf("--accent %q, want the chosen colour", accent)
	}
	tel, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href^="tel:"]').getAttribute("href")`))
	if tel != "tel:+31201234567" {
		t.Errorf("phone link %q", tel)
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
	if h1 != "X-Guard" {
		t.Errorf("status page heading %q in English", h1)
	}
	screenshot(t, ctx, "status-en")
	checkA11y(t, ctx, "status-en")
}

package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// TestBrowserPageSettings signs an admin in, sends the status page settings with a colour
// too light for white text, and holds the page with its error to axe-core's WCAG 2.2 A/AA
// rules, as it holds the page before.
func TestBrowserPageSettings(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	base := e.srv.URL
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?lang=nl")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), e.admin.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/status-page")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "pagesettings-nl")
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("page-accent_colour"), "#ffcc00"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/status-page"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("save a light colour: %v %v", resp, err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("page-accent_colour-error")))
	if err != nil || !strings.Contains(msg, "4,5:1") {
		t.Errorf("the colour's error %q (%v)", msg, err)
	}
	kept, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("page-accent_colour")))
	if kept != "#ffcc00" {
		t.Errorf("the colour typed is not kept: %q", kept)
	}
	screenshot(t, ctx, "pagesettings-error-nl")
	checkA11y(t, ctx, "pagesettings-error-nl")
}

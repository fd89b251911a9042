package console_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserStatusTemplates holds the message templates' page to axe-core's WCAG 2.2 A/AA
// rules in both languages, with a template and with the errors of a form sent empty.
func TestBrowserStatusTemplates(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	if _, err := e.app.StatusTemplates.Create(t.Context(), actor(e.admin), app.StatusTemplateInput{Name: "Onderzoek",
		Status: desk.PublicInvestigating, Body: desk.Texts{NL: "We onderzoeken de storing.", EN: "We are investigating."}}); err != nil {
		t.Fatal(err)
	}
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
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/status-templates")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "statustemplates-nl")
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("template-new-body_en"), "Kept"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/status-templates"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("send an empty name: %v %v", resp, err)
	}
	if kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("template-new-body_en"))); err != nil || kept != "Kept" {
		t.Errorf("the message typed is not kept: %q (%v)", kept, err)
	}
	checkA11y(t, ctx, "statustemplates-error-nl")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/status-templates?lang=en")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "statustemplates-en")
}

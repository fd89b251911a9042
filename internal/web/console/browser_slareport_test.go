package console_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// TestBrowserSLAReport: in Chromium, the agent opens Reports on the overview of every
// client, picks another month with the month chooser (its names in the page's language),
// opens a client from its line and reads the titled charts; the client admin reads their
// own report. Every page fits 390, 1280 and 1920 px and passes axe-core, in Dutch and
// English.
func TestBrowserSLAReport(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	e, _, m := outboxSLAMonth(t, storetest.Open(t, "sqlite"))
	base := e.srv.URL
	shots := func(name string) {
		t.Helper()
		checkA11y(t, ctx, name)
		noSideways(t, ctx, name)
		for _, w := range []int64{390, 1280, 1920} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
				t.Fatal(err)
			}
			screenshot(t, ctx, name+"-"+strconv.FormatInt(w, 10))
		}
	}
	browserSignIn(t, ctx, base, "nl", e.agent)
	for _, lang := range []string{"nl", "en"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `nav.main a[href="/reports/sla"]`)
		if s := text(t, ctx, "table.sla-overview"); !strings.Contains(s, "Acme Bakeries") || !strings.Contains(s, "Globex Shipping") {
			t.Fatalf("%s: the overview reads %q", lang, s)
		}
		shots("sla-overview-" + lang)

		// The month before, by the chooser: its options name the months in the language.
		prev := m.Prev()
		label, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('#month option[value="%s"]').textContent`, prev)))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"nl": "december", "en": "December"}[lang]
		if !strings.HasPrefix(label, want) {
			t.Errorf("%s: the month before reads %q", lang, label)
		}
		if _, err := chromedp.RunResponse(ctx, chromedp.SetValue(chromedp.ID("month"), prev.String()),
			chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`))); err != nil {
			t.Fatal(err)
		}
		if s := text(t, ctx, "#overview-h"); !strings.Contains(s, label) {
			t.Errorf("%s: after choosing %s the heading reads %q", lang, label, s)
		}

		// Back to the month, and into Acme's report from its line.
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/reports/sla?month="+m.String())); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `table.sla-overview tbody tr:first-child a`)
		caption := text(t, ctx, "#chart-targets-0-caption")
		if want := map[string]string{"nl": "Eerste reactie:", "en": "First response:"}[lang]; !strings.HasPrefix(caption, want) {
			t.Errorf("%s: the first chart's title %q", lang, caption)
		}
		shots("sla-report-" + lang)
	}

	// The client admin: their own report, no overview.
	admin := newBrowser(t)
	browserSignIn(t, admin, base, "en", e.acmeAdmin)
	if _, err := chromedp.RunResponse(admin, chromedp.Navigate(base+"/reports/sla")); err != nil {
		t.Fatal(err)
	}
	if h1 := text(t, admin, "h1"); !strings.Contains(h1, "Acme Bakeries") {
		t.Errorf("the client admin's report: %q", h1)
	}
	checkA11y(t, admin, "sla-report-client-admin")
	noSideways(t, admin, "sla-report-client-admin")
}

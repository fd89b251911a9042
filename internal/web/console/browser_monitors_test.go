package console_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// TestBrowserMonitors: in Chromium, an admin goes from the menu to the monitors, chooses a
// kind and fills in the form by keyboard only, tests it (Test now shows the result on the
// page, nothing saved) and saves it with Enter; after two checks the list and the
// monitor's page show the status, sparkline, chart and log. Both languages; axe-core finds
// nothing on any of the pages; none scrolls sideways at 390, 1280 or 1920 px.
func TestBrowserMonitors(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e, checks, comp := monitorEnv(t, db)
	ln := loopListener(t)
	base := e.srv.URL
	browserSignIn(t, ctx, base, "nl", e.admin)

	click(t, ctx, `nav.main a[href="/monitors"]`)
	if h1 := text(t, ctx, "h1"); h1 != "Monitoren" {
		t.Fatalf("heading %q", h1)
	}
	checkA11y(t, ctx, "monitors-empty-nl")
	click(t, ctx, `a.button[href="/monitors/new"]`)
	checkA11y(t, ctx, "monitor-kind-nl")

	// The kind by keyboard: focus the PostgreSQL choice, Enter submits the chooser.
	resp, err := chromedp.RunResponse(ctx, chromedp.Focus(chromedp.CSS(`input[name=kind][value=postgres]`)),
		chromedp.KeyEvent(" "), chromedp.KeyEvent("\r"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("choose the kind: %v %v", resp, err)
	}
	if h1 := text(t, ctx, "h1"); h1 != "Nieuwe monitor: PostgreSQL" {
		t.Fatalf("form heading %q", h1)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("s-port"))); v != "5432" {
		t.Errorf("the port starts at %q, not the default", v)
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('s-port').value = ''; document.getElementById('fail_after').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`#s-host`), "127.0.0.1"),
		chromedp.SendKeys(chromedp.CSS(`#s-port`), strconv.Itoa(portOf(ln))),
		chromedp.SendKeys(chromedp.CSS(`#s-password`), "hunter2"),
		chromedp.SendKeys(chromedp.CSS(`#fail_after`), "1"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Winkelpoort"),
	); err != nil {
		t.Fatal(err)
	}
	// The component: a select, chosen by keyboard.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#component_id`)), chromedp.KeyEvent(comp.Name[:1])); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "monitor-form-nl")

	// Test now, by keyboard: the result on the page, the form kept, nothing saved.
	resp, err = chromedp.RunResponse(ctx, chromedp.Focus(chromedp.CSS(`button[value=test]`)), chromedp.KeyEvent("\r"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("Test now: %v %v", resp, err)
	}
	if r := text(t, ctx, "#test-result"); !strings.Contains(r, "In orde") || !strings.Contains(r, "127.0.0.1:"+strconv.Itoa(portOf(ln))) {
		t.Errorf("the test's result reads %q", r)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("name"))); v != "Winkelpoort" {
		t.Errorf("after the test the name field holds %q", v)
	}
	if checks.password() != "hunter2" {
		t.Errorf("the test ran with password %q", checks.password())
	}
	if ms, _ := e.app.Monitors.List(context.Background(), actor(e.admin), 0); len(ms) != 0 {
		t.Fatalf("Test now saved a monitor")
	}
	screenshot(t, ctx, "monitor-tested-nl")
	checkA11y(t, ctx, "monitor-tested-nl")

	// Enter in the name field saves (the first button).
	resp, err = chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS(`#name`), "\r"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("save: %v %v", resp, err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasPrefix(loc, base+"/monitors/") {
		t.Fatalf("after saving the browser is at %q", loc)
	}
	if n := text(t, ctx, `main [role="status"]`); n != "Monitor Winkelpoort is aangemaakt." {
		t.Errorf("notice %q", n)
	}

	// Two checks: up, then down.
	runChecks(t, e, 2*time.Minute)
	ln.Close()
	runChecks(t, e, 4*time.Minute)
	for _, lang := range []string{"nl", "en"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(loc+"?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		if c := text(t, ctx, "#log-h"); c != map[string]string{"nl": "Logboek van controles", "en": "Check log"}[lang] {
			t.Errorf("log heading %q", c)
		}
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.chart[role=img][aria-label]').length`)); n != 1 {
			t.Errorf("%s: %d labelled charts", lang, n)
		}
		screenshot(t, ctx, "monitor-"+lang)
		checkA11y(t, ctx, "monitor-"+lang)
		noSideways(t, ctx, "monitor-"+lang)
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/monitors")); err != nil {
			t.Fatal(err)
		}
		if s := text(t, ctx, ".mon .badge"); !strings.Contains(s, map[string]string{"nl": "Storing", "en": "Down"}[lang]) {
			t.Errorf("%s: the list's status reads %q", lang, s)
		}
		checkA11y(t, ctx, "monitors-"+lang)
		noSideways(t, ctx, "monitors-"+lang)
	}
	screenshot(t, ctx, "monitors-en")
}

// noSideways checks the page at 390, 1280 and 1920 px wide: nothing is wider than the
// window, so nobody scrolls sideways. The window is put back to 1280 px.
func noSideways(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, w := range []int64{390, 1920, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if over > 0 {
			wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('body *')].filter(e => !e.closest('table') && (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.scrollWidth > e.clientWidth + 1)).slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + e.scrollWidth)`))
			t.Errorf("%s at %d px: too wide: %v", page, w, wide)
			t.Errorf("%s at %d px: the page is %d px wider than the window", page, w, over)
		}
	}
}

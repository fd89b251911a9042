package console_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// fastTimers makes the status page's timers (30 and 60 seconds) fire after 50 ms, records
// the delays the page asked for (window.__delays), the timers still pending and the fetches
// made and in flight, and lets the test hide the tab; it runs before the page's scripts.
const fastTimers = `(() => {
  const orig = window.setTimeout, origClear = window.clearTimeout, origFetch = window.fetch;
  window.__delays = [];
  window.__pending = new Set();
  window.__fetches = 0;
  window.__inflight = 0;
  window.setTimeout = function (f, ms, ...rest) {
    if (ms !== 30000 && ms !== 60000) { return orig.call(window, f, ms, ...rest); }
    window.__delays.push(ms);
    const id = orig.call(window, function () { window.__pending.delete(id); f(); }, 50);
    window.__pending.add(id);
    return id;
  };
  window.clearTimeout = function (id) { window.__pending.delete(id); return origClear.call(window, id); };
  window.fetch = function (...args) {
    window.__fetches++;
    window.__inflight++;
    const done = () => { window.__inflight--; };
    return origFetch.apply(window, args).then((r) => { done(); return r; }, (e) => { done(); throw e; });
  };
  // The test hides and shows the tab by hand: Chromium's headless tab is always visible.
  window.__hidden = false;
  Object.defineProperty(document, 'hidden', { get: () => window.__hidden });
})();`

// TestBrowserStatusRefresh opens /status in Chromium, changes a component's status through
// the app while the page is open, and waits for the page to show it without navigating: the
// banner and the component change in place, the live region says so, and the page asked
// for 60 seconds while all was well and 30 once something is wrong.
func TestBrowserStatusRefresh(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	bg, sys := context.Background(), desk.SystemActor("test")
	c, err := e.app.Components.Create(bg, sys, desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: fastTimers})
		return chromedp.Void{}, err
	}); err != nil {
		t.Fatal(err)
	}
	// Enough components for the page to scroll.
	for i := range 40 {
		if _, err := e.app.Components.Create(bg, sys, desk.Component{Name: fmt.Sprintf("Mailbox server %02d", i), Visibility: desk.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/status?lang=en")); err != nil {
		t.Fatal(err)
	}
	scrolled, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__sameDocument = true; window.scrollTo(0, 400); Math.round(window.scrollY)`))
	if err != nil || scrolled != 400 {
		t.Fatalf("scrolled to %d, want 400 (%v)", scrolled, err)
	}
	wait := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second) /* not 30 s: fastTimers would shorten it */)); err != nil {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('main').innerText + ' | delays ' + JSON.stringify(window.__delays.slice(0, 3))`))
			t.Fatalf("%s: %v; the page reads %q", what, err, got)
		}
	}
	wait("the first wait while all is well", `window.__delays.length > 0 && window.__delays[0] === 60000`)

	down := desk.StatusMajorOutage
	if _, err := e.app.Components.SetStatus(bg, sys, c.ID, down); err != nil {
		t.Fatal(err)
	}
	wait("the banner in place", `document.getElementById('status-banner').getAttribute('data-indicator') === 'critical'`)
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument === true`))
	if err != nil || !same {
		t.Fatalf("the page navigated instead of updating in place (%v)", err)
	}
	if y, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.round(window.scrollY)`)); y != 400 {
		t.Errorf("the update scrolled the page to %d, want it left at 400", y)
	}
	// Read in one step in the page: the script may swap the region again between finding a
	// node and reading its text (a second request of the same refresh).
	wait("the component's new status", `(document.querySelector('#main .status-components') || {innerText: ''}).innerText.includes('Hosting ✕ Major outage')`)
	wait("the announcement", `document.getElementById('status-live').textContent === 'Status updated: Major system outage'`)
	wait("a shorter wait once something is wrong", `window.__delays.slice(1).includes(30000)`)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#main').length + document.querySelectorAll('#status-live').length`)); n != 2 {
		t.Errorf("%d main regions and live regions, want one of each", n)
	}
	checkA11y(t, ctx, "status-refreshed")

	// Hidden, the page stops asking: no timer pending and no request in flight, so nothing
	// can ask again until the tab shows; shown again, it asks at once.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__hidden = true; document.dispatchEvent(new Event('visibilitychange')); true`)); err != nil {
		t.Fatal(err)
	}
	wait("paused while hidden", `document.getElementById('status-live').getAttribute('data-next') === 'paused'`)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__pending.size`)); n != 0 {
		t.Errorf("paused with %d timers pending", n)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__seen = window.__fetches; window.__hidden = false; document.dispatchEvent(new Event('visibilitychange')); true`)); err != nil {
		t.Fatal(err)
	}
	wait("a request as soon as the tab shows", `window.__fetches > window.__seen`)
}

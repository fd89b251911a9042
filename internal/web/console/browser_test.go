package console_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// chromium returns the browser for the browser tests: MELDPUNT_TEST_CHROMIUM when set
// (it must work then), else chromium on the PATH; without one the test is skipped.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MELDPUNT_TEST_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("MELDPUNT_TEST_CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no Chromium: set MELDPUNT_TEST_CHROMIUM or install chromium (scripts/test does)")
	}
	return path
}

// newBrowser returns one tab in a browser context of its own (an incognito profile: its
// own cookies, storage and cache, as isolated as a browser of its own) in the Chromium
// that the package's browser tests share. The tab and its context close when the test
// ends. At most browserSlots tests have tabs at once.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	bctx, err := sharedBrowser.start(chromium(t))
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	sharedBrowser.acquire(t)
	ctx, cancel := context.WithTimeout(bctx, 5*time.Minute) // a guard against a hang
	tctx, tcancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { tcancel(); cancel() })
	if err := chromedp.Do(tctx); err != nil { // opens the tab
		t.Fatalf("open a tab in Chromium: %v", err)
	}
	return tctx
}

// browserSlots bounds the tests that use the browser at once. Each drives pages, scripts
// and a server of its own; on two cores more of them at once only make each slower.
const browserSlots = 3

// sharedBrowser is the headless Chromium of the package's browser tests. Starting one
// costs about a second of CPU, so a test binary starts it once, on first use; TestMain
// closes it (and the kernel kills it if the binary dies first: chromedp starts it with
// Pdeathsig).
var sharedBrowser browserProcess

type browserProcess struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab; new contexts derive from it
	err    error
	cancel func()

	slots chan struct{}
	mu    sync.Mutex
	held  map[*testing.T]bool
}

// start starts the browser at path, once, and returns its context.
func (b *browserProcess) start(path string) (context.Context, error) {
	b.once.Do(func() {
		b.slots = make(chan struct{}, browserSlots)
		b.held = map[*testing.T]bool{}
		dir, err := os.MkdirTemp("", "meldpunt-chromium-")
		if err != nil {
			b.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("window-size", "1280,900"),
			// Every browser context (one per test) is a window, and Chromium gives each
			// window's address bar popups WebUI pages of their own, in renderers of their
			// own: about 0.7 s of CPU per test for pages no test sees.
			chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"),
			chromedp.UserDataDir(dir),
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		b.cancel = func() { bcancel(); acancel(); os.RemoveAll(dir) }
		// Run on bctx itself: the browser lives as long as the context it starts on
		// (chromedp gives up on a browser that does not start within 20 seconds).
		if b.err = chromedp.Do(bctx); b.err != nil {
			b.cancel()
			return
		}
		b.ctx = bctx
	})
	return b.ctx, b.err
}

// acquire takes one of the browser slots for t until it ends; a test that opens several
// tabs takes one slot for all of them.
func (b *browserProcess) acquire(t *testing.T) {
	b.mu.Lock()
	held := b.held[t]
	b.held[t] = true
	b.mu.Unlock()
	if held {
		return
	}
	b.slots <- struct{}{}
	t.Cleanup(func() {
		<-b.slots
		b.mu.Lock()
		delete(b.held, t)
		b.mu.Unlock()
	})
}

// close stops the browser, if it was started.
func (b *browserProcess) close() {
	if b.cancel != nil {
		b.cancel()
	}
}

// TestMain closes the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	sharedBrowser.close()
	os.Exit(code)
}

// screenshot saves a full-page PNG into MELDPUNT_TEST_SCREENSHOTS, when it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MELDPUNT_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// axeSource reads axe.min.js once: MELDPUNT_TEST_AXE names it (scripts/test installs
// axe-core and sets it). Unset, the accessibility checks are skipped, with a log line.
var axeSource = sync.OnceValues(func() (string, error) {
	p := os.Getenv("MELDPUNT_TEST_AXE")
	if p == "" {
		return "", nil
	}
	b, err := os.ReadFile(p)
	return string(b), err
})

// axeViolation is one rule axe-core found broken, with the elements that break it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkA11y runs axe-core on the page the tab shows (every rule of WCAG 2.2 A and AA and
// the best practices, as axe runs by default) and fails the test on any violation, listing
// each with the elements that break it.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("MELDPUNT_TEST_AXE=%s: %v", os.Getenv("MELDPUNT_TEST_AXE"), err)
	}
	if src == "" {
		t.Logf("no axe-core: accessibility of %s not checked (set MELDPUNT_TEST_AXE to axe.min.js; scripts/test does)", page)
		return
	}
	vs, err := runAxe(ctx, src)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("accessibility of %s: %s (%s): %s\n    %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}
}

// runAxe injects axe-core (src) into the tab's page and returns what it finds broken.
func runAxe(ctx context.Context, src string) ([]axeViolation, error) {
	// Evaluated through DevTools, the script is not subject to the page's CSP.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) { `+src+` }`)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' '))})))`, chromedp.EvalAwaitPromise))
}

// TestAxe makes sure the accessibility check sees what it must: a page without a language,
// with an image without a text and a field without a label breaks three rules.
func TestAxe(t *testing.T) {
	t.Parallel()
	src, err := axeSource()
	if err != nil || src == "" {
		t.Skipf("no axe-core (MELDPUNT_TEST_AXE=%q): %v", os.Getenv("MELDPUNT_TEST_AXE"), err)
	}
	ctx := newBrowser(t)
	page := `data:text/html,<!doctype html><html><head><title>x</title></head><body><main><h1>x</h1><img src="x.png"><input type="text"></main></body></html>`
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	vs, err := runAxe(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, v := range vs {
		found[v.ID] = true
	}
	for _, id := range []string{"html-has-lang", "image-alt", "label"} {
		if !found[id] {
			t.Errorf("axe-core did not report %s; it found %+v", id, vs)
		}
	}
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	if host, _, _ := net.SplitHostPort(e.srv.Listener.Addr().String()); host != "127.0.0.1" {
		t.Fatalf("the test server listens on %s, not on 127.0.0.1 only", host)
	}
	base := e.srv.URL

	// The language comes from the browser (headless Chromium asks for en-US); pin Dutch.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?lang=nl"), chromedp.Navigate(base+"/incidents")); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, base+"/login?next=") {
		t.Fatalf("anonymous /incidents went to %q (%v)", loc, err)
	}
	checkA11y(t, ctx, "login-nl")
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), e.acmeUser.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	if resp.Status != http.StatusOK || loc != base+"/incidents" {
		t.Fatalf("after signing in: %d at %q", resp.Status, loc)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || h1 != "Mijn meldingen" {
		t.Fatalf("incidents heading %q (%v)", h1, err)
	}
	checkA11y(t, ctx, "incidents-nl")

	// Open the incident from the list.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`td a[href="/incidents/`+e.acmeInc.Number+`"]`))); err != nil {
		t.Fatalf("open the incident: %v", err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if !strings.Contains(title, e.acmeInc.Title) {
		t.Fatalf("incident heading %q", title)
	}

	// Reply; the reply shows in the timeline, line breaks and all.
	reply := "Thanks!\nIt happens on every order."
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("reply-body"), reply),
		chromedp.Click(chromedp.CSS(`form[action$="/entries"] button[type=submit]`)),
	); err != nil {
		t.Fatalf("reply: %v", err)
	}
	timeline, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(timeline, reply) {
		t.Fatalf("the timeline does not show the reply with its line break:\n%s", timeline)
	}
	screenshot(t, ctx, "incident-nl")
	checkA11y(t, ctx, "incident-nl")

	// Switch to English in the header.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/language"] button[value=en]`))); err != nil {
		t.Fatalf("switch language: %v", err)
	}
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil || lang != "en" {
		t.Fatalf("html lang %q after switching (%v)", lang, err)
	}
	heading, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline-h")))
	if heading != "Timeline" {
		t.Errorf("timeline heading %q after switching to English", heading)
	}
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	if loc != base+"/incidents/"+e.acmeInc.Number {
		t.Errorf("after switching, the browser is at %q", loc)
	}
	screenshot(t, ctx, "incident-en")
	checkA11y(t, ctx, "incident-en")
}

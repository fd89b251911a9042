package console_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// newBrowser starts a headless Chromium with a fresh profile; the returned context is
// one tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("window-size", "1280,900"),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() { bcancel(); acancel(); cancel() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
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
}

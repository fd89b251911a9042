package console_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/demo"
	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
	"meldpunt/internal/store/storetest"
)

// The layout harness (issue 13): the key pages of the client and of the desk, on the demo's
// data with two titles that break layouts (200 characters without a space, and one in a
// right-to-left script), in Dutch and English, at 390, 1280 and 1920 px. Each must fit its
// window (no sideways scrolling), pass axe-core, show its field borders and focus rings at
// 3:1 or more against what is around them; a failed form must put the focus on its error
// summary and keep every value sent. With MELDPUNT_TEST_SCREENSHOTS set it writes a
// screenshot of each page at each width there (scripts/screenshots).

// pagesWidths are the window widths every key page is measured at.
var pagesWidths = []int64{390, 1280, 1920}

// pagesLongTitle is a title of desk.MaxTitle characters without a space, as people paste
// error codes and URLs.
var pagesLongTitle = strings.Repeat("Betaalfout", desk.MaxTitle/10)

// pagesRTLTitle is a title in Arabic ("the site does not work after the update").
const pagesRTLTitle = "الموقع لا يعمل بعد التحديث"

// pagesLayoutPage is one key page: who looks at it (the client or the desk) and where.
type pagesLayoutPage struct {
	name, path string
	desk       bool
}

func TestBrowserLayout(t *testing.T) {
	t.Parallel()
	bctx := context.Background()
	db := storetest.Open(t, "sqlite")
	e := newServerConfig(t, db, func(c *app.Config) { c.Monitors = app.MonitorConfig{Checks: &monitor.Checker{}} })
	if _, err := demo.Load(bctx, e.app); err != nil {
		t.Fatal(err)
	}
	sys := desk.SystemActor("test")
	acme, err := e.app.Organisations.BySlug(bctx, sys, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	users, err := e.app.Identity.Users(bctx, sys, app.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]desk.User{}
	for _, u := range users {
		byEmail[u.Email] = u
	}
	client, agent, admin := byEmail["user@acme.example"], byEmail["agent@demo.meldpunt.test"], byEmail["admin@demo.meldpunt.test"]
	create := func(title, desc string) desk.Incident {
		t.Helper()
		inc, err := e.app.Incidents.Create(bctx, sys, app.IncidentInput{OrgID: acme.ID, ReporterID: &client.ID, Kind: desk.KindRegular,
			Title: title, Description: desc, Urgency: desk.High, Impact: desk.Normal})
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	long := create(pagesLongTitle, "De foutcode uit de log:\n"+strings.Repeat("E", 300))
	create(pagesRTLTitle, "يظهر خطأ عند فتح الصفحة الرئيسية.")
	if _, err := e.app.Incidents.AddEntry(bctx, actor(agent), long.ID, app.EntryInput{Kind: desk.EntryReply,
		Body: "Zie https://status.example.com/" + strings.Repeat("incident", 30)}); err != nil {
		t.Fatal(err)
	}

	pages := []pagesLayoutPage{
		{name: "client-report", path: "/report"},
		{name: "client-incidents", path: "/incidents"},
		{name: "client-incident", path: "/incidents/" + long.Number},
		{name: "desk-queue", path: "/queue", desk: true},
		{name: "desk-incident", path: "/incidents/" + long.Number, desk: true},
		{name: "desk-triage", path: "/triage", desk: true},
		{name: "desk-reports", path: "/reports/sla", desk: true},
		{name: "desk-outbox", path: "/admin/outbox", desk: true},
	}
	// The other pages (issue 13 point 5: every page), measured the same way.
	pages = append(pages,
		pagesLayoutPage{name: "client-service-status", path: "/service-status"},
		pagesLayoutPage{name: "client-notifications", path: "/account/notifications"},
		pagesLayoutPage{name: "client-password", path: "/account/password"},
		pagesLayoutPage{name: "desk-incidents", path: "/incidents", desk: true},
		pagesLayoutPage{name: "desk-intake", path: "/intake?org=" + fmt.Sprint(acme.ID), desk: true},
		pagesLayoutPage{name: "desk-changes", path: "/changes", desk: true},
		pagesLayoutPage{name: "desk-public-incidents", path: "/public-incidents", desk: true},
		pagesLayoutPage{name: "desk-suppliers", path: "/suppliers", desk: true},
		pagesLayoutPage{name: "desk-calendars", path: "/calendars", desk: true},
		pagesLayoutPage{name: "desk-calendar", path: "/calendars/business", desk: true},
		pagesLayoutPage{name: "desk-monitors", path: "/monitors", desk: true},
		pagesLayoutPage{name: "desk-questionnaire", path: "/admin/questionnaire", desk: true},
		pagesLayoutPage{name: "desk-webhooks", path: "/admin/webhooks", desk: true},
		pagesLayoutPage{name: "desk-status-page", path: "/admin/status-page", desk: true},
		pagesLayoutPage{name: "desk-status-templates", path: "/admin/status-templates", desk: true},
	)
	// Each language in a subtest of its own, side by side: its own tabs and sign-ins.
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			cctx, dctx, actx := newBrowser(t), newBrowser(t), newBrowser(t)
			pagesSignIn(t, cctx, e.srv.URL, client)
			pagesSignIn(t, dctx, e.srv.URL, admin) // an admin sees every desk page, the outbox too
			for _, p := range pages {
				ctx := cctx
				if p.desk {
					ctx = dctx
				}
				pagesOpen(t, ctx, pagesWithLang(e.srv.URL+p.path, lang), http.StatusOK)
				pagesCheckLayout(t, ctx, p.name+"-"+lang)
			}
			// An agent reads a calendar it may not change.
			gctx := newBrowser(t)
			pagesSignIn(t, gctx, e.srv.URL, agent)
			pagesOpen(t, gctx, e.srv.URL+"/calendars/business?lang="+lang, http.StatusOK)
			if n, _ := chromedp.Run(gctx, chromedp.Evaluate[int](`document.querySelectorAll('main form, main input, main textarea').length`)); n != 0 {
				t.Errorf("an agent sees %d form elements on a calendar", n)
			}
			pagesCheckLayout(t, gctx, "agent-calendar-"+lang)
			// The pages without a sign-in, in a tab of their own.
			for _, p := range []pagesLayoutPage{{name: "login", path: "/login"}, {name: "forgot", path: "/password/forgot"},
				{name: "status", path: "/status"}, {name: "status-history", path: "/status/history"}, {name: "subscribe", path: "/status/subscribe"}} {
				pagesOpen(t, actx, pagesWithLang(e.srv.URL+p.path, lang), http.StatusOK)
				pagesCheckLayout(t, actx, p.name+"-"+lang)
			}
			// The client's list holds both titles, each isolated from the text around it.
			pagesOpen(t, cctx, e.srv.URL+"/incidents?lang="+lang, http.StatusOK)
			for _, title := range []string{pagesLongTitle, pagesRTLTitle} {
				bidi, err := chromedp.Run(cctx, chromedp.Evaluate[string](fmt.Sprintf(
					`(() => { const a = [...document.querySelectorAll('main td a')].find(a => a.textContent === %q); return a ? getComputedStyle(a).unicodeBidi : 'missing'; })()`, title)))
				if err != nil || (bidi != "isolate" && bidi != "plaintext") {
					t.Errorf("the title %.20q… in the list: unicode-bidi %q (%v)", title, bidi, err)
				}
			}
			pagesFailedReport(t, cctx, e.srv.URL, lang)
			pagesFailedReply(t, dctx, e.srv.URL, long, lang)
		})
	}
}

// pagesWithLang adds ?lang= (or &lang=) to url.
func pagesWithLang(url, lang string) string {
	if strings.Contains(url, "?") {
		return url + "&lang=" + lang
	}
	return url + "?lang=" + lang
}

// pagesSignIn signs a demo account in.
func pagesSignIn(t *testing.T, ctx context.Context, base string, u desk.User) {
	t.Helper()
	pagesOpen(t, ctx, base+"/login?lang=nl", http.StatusOK)
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), u.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("sign in as %s: %v %v", u.Email, resp, err)
	}
}

// pagesOpen navigates the tab to url and checks the answer's status.
func pagesOpen(t *testing.T, ctx context.Context, url string, status int64) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if resp.Status != status {
		t.Fatalf("open %s: status %d, want %d", url, resp.Status, status)
	}
}

// pagesCheckLayout measures the page the tab shows at each of pagesWidths: no wider than
// the window, axe-core finds nothing, field borders and focus rings at 3:1 or more; and
// writes its screenshot when MELDPUNT_TEST_SCREENSHOTS is set. The window is put back to
// 1280 px.
func pagesCheckLayout(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range pagesWidths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		at := fmt.Sprintf("%s at %d px", name, w)
		pagesNoSideways(t, ctx, at)
		checkA11y(t, ctx, at)
		for _, p := range pagesContrast(t, ctx) {
			t.Errorf("%s: %s", at, p)
		}
		screenshot(t, ctx, fmt.Sprintf("%s-%d", name, w))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

// pagesNoSideways fails the test when the document is wider than the window, naming the
// elements that stick out (outside a scrolling box of their own).
func pagesNoSideways(t *testing.T, ctx context.Context, at string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if over <= 0 {
		return
	}
	wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const w = document.documentElement.clientWidth;
		const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
		return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e))
			.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') +
				' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)');
	})()`))
	t.Errorf("%s: the page is %d px wider than the window; sticking out: %v", at, over, wide)
}

// pagesContrastJS measures, in the page, the contrast of every visible text field's border
// and of the focus ring of a sample of focusable elements (focused after a Tab key, so the
// browser shows the ring it shows keyboard users) against the colours around them: the
// field's own background and its parent's, and the parent's behind a ring drawn at an
// offset. It returns the problems found.
const pagesContrastJS = `(() => {
	const rgb = s => { const m = /rgba?\(([^)]+)\)/.exec(s || ''); if (!m) return null;
		const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
	const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c && c.a > 0) return c; }
		return {r: 255, g: 255, b: 255, a: 1}; };
	const visible = el => { const r = el.getBoundingClientRect();
		return r.width > 2 && r.height > 2 && el.checkVisibility({visibilityProperty: true}) && !el.closest('[hidden], [aria-hidden="true"], [inert]') &&
			!(el.closest('details:not([open])') && !el.matches('details > summary')); };
	const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '') +
		(el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '');
	const out = [];
	const fields = [...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]):not([type=submit]):not([type=button]):not([type=range]):not([type=color]), select, textarea')].filter(visible);
	for (const el of fields) {
		const cs = getComputedStyle(el);
		if (parseFloat(cs.borderBottomWidth) < 1 || cs.borderBottomStyle === 'none') { out.push(name(el) + ': no border'); continue; }
		const c = rgb(cs.borderBottomColor);
		const r = Math.min(ratio(c, bg(el)), ratio(c, bg(el.parentElement)));
		if (r < 3) out.push(name(el) + ': border ' + cs.borderBottomColor + ' at ' + r.toFixed(2) + ':1');
	}
	const sample = [];
	for (const css of ['#error-summary', 'header a', 'header button', 'main a[href]', 'main button', 'main summary', 'main input[type=text], main input[type=search], main textarea, main select', 'main input[type=checkbox], main input[type=radio]', 'main [tabindex="0"]']) {
		const el = [...document.querySelectorAll(css)].find(visible);
		if (el && !sample.includes(el)) sample.push(el);
	}
	for (const el of sample) {
		el.focus({preventScroll: true});
		if (document.activeElement !== el) { out.push(name(el) + ': cannot take the focus'); continue; }
		if (!el.matches(':focus-visible')) { out.push('!fv ' + name(el)); continue; }
		const cs = getComputedStyle(el);
		if (cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) < 2) { out.push(name(el) + ': no focus ring (' + cs.outlineStyle + ' ' + cs.outlineWidth + ')'); continue; }
		const c = rgb(cs.outlineColor);
		const around = parseFloat(cs.outlineOffset) > 0 ? bg(el.parentElement) : bg(el);
		const r = Math.min(ratio(c, around), ratio(c, bg(el.parentElement)));
		if (r < 3) out.push(name(el) + ': focus ring ' + cs.outlineColor + ' at ' + r.toFixed(2) + ':1');
	}
	if (document.activeElement) document.activeElement.blur();
	return out;
})()`

// pagesContrast runs pagesContrastJS after a Tab key press (the browser then shows focus
// rings for focus moved by script, as for keyboard users). Whether the browser takes the
// last input for a keyboard's is its own heuristic: when an element focused by the script
// does not match :focus-visible ("!fv"), it presses Tab and measures again, a few times.
func pagesContrast(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var out []string
	for range 5 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		var err error
		if out, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](pagesContrastJS)); err != nil {
			t.Fatalf("contrast: %v", err)
		}
		if !slices.ContainsFunc(out, func(s string) bool { return strings.HasPrefix(s, "!fv ") }) {
			return out
		}
	}
	for i, s := range out {
		if name, ok := strings.CutPrefix(s, "!fv "); ok {
			out[i] = name + ": focused after a Tab key, the browser shows it no keyboard focus (:focus-visible)"
		}
	}
	return out
}

// pagesFocusOnSummary checks that the page shown after a failed post has its focus on the
// error summary.
func pagesFocusOnSummary(t *testing.T, ctx context.Context, at string) {
	t.Helper()
	// The browser applies autofocus at a rendering step after the load: wait for it (the
	// time limit only guards against a hang).
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'error-summary'`,
		chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.tagName + '#' + document.activeElement.id : ''`))
		t.Errorf("%s: the focus is on %q, not on the error summary (%v)", at, id, err)
	}
}

// pagesValue returns the value of the element the CSS selector names.
func pagesValue(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.value : '<none>'; })()`, css)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// pagesFailedReport fills in the client's report form partly, with a file, and presses
// Enter in the title: the report is submitted (not checked), refused for the questions and
// the procedure, and shown again with the focus on the summary, every value kept and the
// file listed as received.
func pagesFailedReport(t *testing.T, ctx context.Context, base, lang string) {
	t.Helper()
	at := "report-failed-" + lang
	pagesOpen(t, ctx, base+"/report?lang="+lang, http.StatusOK)
	shot := filepath.Join(t.TempDir(), "kassa.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{"#affected": "kassa 2", "#description": "Geen betalingen sinds 09:00.\nOok niet met iDEAL."}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="answers.availability"][value="down"]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{shot}),
		chromedp.SendKeys(chromedp.CSS(`#affected`), values["#affected"]),
		chromedp.SetValue(chromedp.CSS(`#description`), values["#description"]),
		chromedp.SendKeys(chromedp.CSS(`#title`), pagesLongTitle),
	); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS(`#title`), "\r"))
	if err != nil {
		t.Fatalf("%s: Enter in the title: %v", at, err)
	}
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: Enter in the title answered %d, not the refused submission (422)", at, resp.Status)
	}
	pagesFocusOnSummary(t, ctx, at)
	values["#title"] = pagesLongTitle
	for css, want := range values {
		if got := pagesValue(t, ctx, css); got != want {
			t.Errorf("%s: %s holds %q, sent %q", at, css, got, want)
		}
	}
	checked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="answers.availability"][value="down"]').checked`))
	if !checked {
		t.Errorf("%s: the answer given is not kept", at)
	}
	kept, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#pending-files input[name=pending]:checked')].map(i => i.closest('label').textContent.trim()).join('|')`))
	if !strings.HasPrefix(kept, "kassa.png") {
		t.Errorf("%s: the file sent is not listed as received: %q", at, kept)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#accept_procedure-error, #error-summary li').length`)); n < 2 {
		t.Errorf("%s: no messages for the refused submission", at)
	}
	pagesCheckLayout(t, ctx, at)
}

// pagesFailedReply sends a reply longer than the desk allows on the incident's page: the
// page comes back with the focus on the summary and the text as it was sent.
func pagesFailedReply(t *testing.T, ctx context.Context, base string, inc desk.Incident, lang string) {
	t.Helper()
	at := "reply-failed-" + lang
	pagesOpen(t, ctx, base+"/incidents/"+inc.Number+"?lang="+lang, http.StatusOK)
	body := "We kijken ernaar.\n" + strings.Repeat("x", desk.MaxText)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#reply-body`), body)); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action$="/entries"]:has(#reply-body) button[type=submit]`)))
	if err != nil {
		t.Fatalf("%s: send: %v", at, err)
	}
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: a reply over the limit answered %d", at, resp.Status)
	}
	pagesFocusOnSummary(t, ctx, at)
	// The browser sends line breaks as CRLF; the page gives back what it received.
	if got := strings.ReplaceAll(pagesValue(t, ctx, "#reply-body"), "\r\n", "\n"); got != body {
		t.Errorf("%s: the reply field holds %d characters, sent %d", at, len(got), len(body))
	}
	pagesCheckLayout(t, ctx, at)
}

package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// TestBrowserFormError: in Chromium, an agent fills in the assignment form far down an
// incident's page with a follow-up date in the past. The page comes back with the error
// summary at its top; the summary has the focus (without any script: autofocus), names the
// field and links to it, and the field keeps the date. With a date ahead, the page comes
// back saying the assignment was saved.
func TestBrowserFormError(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	base := e.srv.URL
	browserSignIn(t, ctx, base, "nl", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents/"+e.acmeInc.Number)); err != nil {
		t.Fatal(err)
	}
	below, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('follow_up_at').getBoundingClientRect().top > window.innerHeight`))
	if err != nil || !below {
		t.Fatalf("the assignment form is not below the first screen (%v): the test would prove nothing", err)
	}
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("follow_up_at"), "2020-01-01T10:00"),
		chromedp.Click(chromedp.CSS(`#assign-form button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("submit a date in the past: %v %v", resp, err)
	}
	pagesFocusOnSummary(t, ctx, "the assignment form")
	inView, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.getElementById('error-summary').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`))
	if !inView {
		t.Error("the error summary is not in view")
	}
	summary := text(t, ctx, "#error-summary")
	if !strings.Contains(summary, "Opvolgen op: Kies een datum en tijd in de toekomst.") {
		t.Errorf("the summary reads %q", summary)
	}
	if msg := text(t, ctx, "#follow_up_at-error"); msg != "Kies een datum en tijd in de toekomst." {
		t.Errorf("next to the field: %q", msg)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("follow_up_at"))); v != "2020-01-01T10:00" {
		t.Errorf("the field kept %q", v)
	}
	screenshot(t, ctx, "form-error-nl")
	checkA11y(t, ctx, "form-error-nl")

	// The summary's link leads to the field.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#error-summary a[href="#follow_up_at"]`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.hash === '#follow_up_at'`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the link does not lead to the field: %v", err)
	}
	// Focus and scrolling follow the fragment at the browser's next rendering step: wait for
	// them, then say what the page shows.
	_, _ = chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const f = document.getElementById('follow_up_at'), r = f.getBoundingClientRect();
		return document.activeElement === f && r.top >= 0 && r.bottom <= window.innerHeight; })()`, chromedp.WithPollingTimeout(10*time.Second)))
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const f = document.getElementById('follow_up_at'), r = f.getBoundingClientRect();
		return (document.querySelector(':target') === f ? 'the target' : 'not the target') + (document.activeElement === f ? ', focused' : ', not focused') + ' ' + (r.top >= 0 && r.bottom <= window.innerHeight ? 'in view' : 'out of view ' + r.top + ' ' + window.innerHeight + ' ' + window.scrollY); })()`))
	if err != nil || state != "the target, focused in view" {
		t.Errorf("after following the summary's link the field is %s (%v)", state, err)
	}

	// A date ahead: saved, and the page it returns to says so.
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("follow_up_at"), time.Now().AddDate(0, 1, 0).Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`#assign-form button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		screenshot(t, ctx, "form-ahead-nl")
		t.Fatalf("submit a date ahead: %v %v", resp.Status, err)
	}
	if got := text(t, ctx, `main [role="status"]`); got != "De toewijzing is opgeslagen." {
		t.Errorf("after saving, the page says %q", got)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#error-summary, [aria-invalid="true"]').length`)); n != 0 {
		t.Errorf("%d error marks after saving", n)
	}
	screenshot(t, ctx, "form-saved-nl")
	checkA11y(t, ctx, "form-saved-nl")
}

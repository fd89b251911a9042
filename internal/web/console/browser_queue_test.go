package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// queueFitScript measures the queue in the window: what is wider than the window, what is
// cut (a cell or badge whose content is wider than its box), which column heads are out
// of view, and whether each row shows every cell. It returns a list of problems.
const queueFitScript = `(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw) out.push('page ' + document.documentElement.scrollWidth + ' > ' + vw);
  const table = document.querySelector('table.queue');
  if (!table) return ['no table'];
  const tr = table.getBoundingClientRect();
  if (tr.right > vw + 1 || tr.left < -1) out.push('table ' + Math.round(tr.left) + '..' + Math.round(tr.right) + ' in ' + vw);
  const wide = vw > 800;
  if (wide) {
    table.querySelectorAll('thead th').forEach((th, i) => {
      const r = th.getBoundingClientRect();
      if (r.width < 8 || r.right > vw + 1) out.push('column ' + i + ' out of view: ' + Math.round(r.left) + '..' + Math.round(r.right));
    });
  }
  table.querySelectorAll('tbody tr').forEach(row => {
    const cells = row.querySelectorAll('td');
    if (cells.length !== 6) out.push(row.id + ': ' + cells.length + ' cells');
    cells.forEach((td, i) => {
      const r = td.getBoundingClientRect();
      if (r.width < 8 || r.height < 8) out.push(row.id + ' cell ' + i + ' hidden');
      if (r.right > vw + 1) out.push(row.id + ' cell ' + i + ' ends at ' + Math.round(r.right));
      if (td.scrollWidth > td.clientWidth + 1) out.push(row.id + ' cell ' + i + ' cut: ' + td.scrollWidth + ' > ' + td.clientWidth);
    });
    row.querySelectorAll('.badge').forEach(b => {
      const r = b.getBoundingClientRect(), c = b.closest('td').getBoundingClientRect();
      if (b.scrollWidth > b.clientWidth + 1 || r.right > c.right + 1 || r.left < c.left - 1) out.push(row.id + ' badge "' + b.textContent + '" cut');
    });
  });
  return out;
})()`

// TestBrowserQueue: in Chromium, the queue fits the window at 390, 1280 and 1920 px in
// Dutch and English with every column it offers in view (at 390 px each row is a card
// with every cell), no cell or badge cut, a 200-character title without spaces wrapped;
// the column heads stay in view while the rows scroll; axe-core finds nothing. Then the
// queue updates itself: a new incident appears without a reload and the focus stays; it
// waits while a row is ticked.
func TestBrowserQueue(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	f := queueSetup(t, db)
	e := f.e
	bg, sys := context.Background(), desk.SystemActor("test")
	admin := desk.Actor{Role: desk.RoleAdmin, Name: "test"}
	sup, err := e.app.Suppliers.Create(bg, admin, desk.Supplier{Name: "Hostingbedrijf Noord-Nederland", Email: "support@hosting.example", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	supID := sup.ID
	if _, err := e.app.Incidents.Assign(bg, queueActor(e.agent), f.loose.ID, app.Assignment{SupplierID: &supID, OwnerID: &e.agent.ID}); err != nil {
		t.Fatal(err)
	}
	titles := []string{strings.Repeat("Betaalfout", 20), "خطأ في الدفع عند الخروج", "Webwinkel geeft bij het afrekenen een foutmelding met code 500"}
	for i := 0; i < 24; i++ {
		in := app.IncidentInput{OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID, Title: titles[i%len(titles)], Urgency: desk.Normal, Impact: desk.Low}
		if i%4 == 0 {
			in.Kind = desk.KindUrgent
		}
		if _, err := e.app.Incidents.Create(bg, sys, in); err != nil {
			t.Fatal(err)
		}
	}
	base := e.srv.URL
	browserSignIn(t, ctx, base, "nl", e.agent)
	for _, lang := range []string{"nl", "en"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/queue?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		for _, w := range []int64{390, 1920, 1280} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
				t.Fatal(err)
			}
			problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](queueFitScript))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("queue-%s at %d px: %s", lang, w, p)
			}
			if w == 390 {
				// A card per row: the column's name stands before the cells that need it.
				label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table.queue tbody td.q-time'), '::before').content`))
				if err != nil || !strings.Contains(label, map[string]string{"nl": "Tijd over", "en": "Time left"}[lang]) {
					t.Errorf("queue-%s at 390 px: the time cell is labelled %q (%v)", lang, label, err)
				}
				screenshot(t, ctx, "queue-"+lang+"-390")
				checkA11y(t, ctx, "queue-"+lang+"-390")
			}
		}
		noSideways(t, ctx, "queue-"+lang)
		// Sticky header: with the rows scrolled up, the heads stand at the top of the window.
		top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
			const t = document.querySelector('table.queue');
			window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY + 400);
			return document.querySelector('table.queue thead th').getBoundingClientRect().top;
		})()`))
		if err != nil || top < -1 || top > 1 {
			t.Errorf("queue-%s: with the rows scrolled, the column heads stand at %v px (%v)", lang, top, err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, "queue-"+lang+"-1280")
		checkA11y(t, ctx, "queue-"+lang)
	}

	// It updates itself: a new incident appears, without a reload, and a focused link in
	// the list keeps the focus.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.queueMark = 1; document.querySelector('#row-`+f.mine.Number+` td.q-title a').focus()`)); err != nil {
		t.Fatal(err)
	}
	fresh, err := e.app.Incidents.Create(bg, sys, app.IncidentInput{OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID, Title: "Nieuw binnen", Urgency: desk.High, Impact: desk.High})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `!!document.getElementById('row-`+fresh.Number+`')`)
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[String(window.queueMark), document.activeElement.getAttribute('href') || '', document.getElementById('queue-live').textContent]`))
	if err != nil || state[0] != "1" || state[1] != "/incidents/"+f.mine.Number || !strings.Contains(state[2], fresh.Number) {
		t.Errorf("after the update: mark, focus, live region %q (%v)", state, err)
	}

	// While a row is ticked, it waits; unticked, it goes on.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tick-"+fresh.Number)), chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`)); err != nil {
		t.Fatal(err)
	}
	later, err := e.app.Incidents.Create(bg, sys, app.IncidentInput{OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID, Title: "Nog later binnen", Urgency: desk.High, Impact: desk.High})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.getElementById('queue-live').dataset.state === 'selected'`)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#row-`+later.Number+`').length`)); err != nil || n != 0 {
		t.Errorf("the list was replaced while a row was ticked (%d, %v)", n, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tick-"+fresh.Number)), chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `!!document.getElementById('row-`+later.Number+`')`)

	// The bulk form in the browser: the answer lists each incident, its heading has the
	// focus, and the page passes axe-core; a form without a choice focuses the summary.
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("tick-"+later.Number)), chromedp.Click(chromedp.ID("tick-"+f.loose.Number)),
		chromedp.Click(chromedp.CSS(`#bulk button[value=assign]`)))
	if err != nil || resp.Status != 422 {
		t.Fatalf("bulk without an assignee: %v %v", resp, err)
	}
	pagesFocusOnSummary(t, ctx, "the failed bulk form")
	checkA11y(t, ctx, "queue-bulk-error")
	resp, err = chromedp.RunResponse(ctx, chromedp.SetValue(chromedp.ID("bulk-assignee"), "me"), chromedp.Click(chromedp.CSS(`#bulk button[value=assign]`)))
	if err != nil || resp.Status != 200 {
		t.Fatalf("bulk assign: %v %v", resp, err)
	}
	_, _ = chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'queue-results-title'`, chromedp.WithPollingTimeout(10*time.Second)))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.activeElement.id, document.querySelector('.queue-results').innerText]`))
	if err != nil || got[0] != "queue-results-title" || !strings.Contains(got[1], later.Number) || !strings.Contains(got[1], f.loose.Number) {
		t.Errorf("bulk result: %q (%v)", got, err)
	}
	checkA11y(t, ctx, "queue-bulk-result")
	noSideways(t, ctx, "queue-bulk-result")
	screenshot(t, ctx, "queue-bulk-result")
}

// TestBrowserTriageFits: the triage list fits 390, 1280 and 1920 px in both languages,
// with a 200-character title without spaces among the reports, and passes axe-core.
func TestBrowserTriageFits(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	e.submit(e.acmeUser, urgentAnswers, strings.Repeat("Kassastoring", 16))
	e.submit(e.acmeUser, urgentAnswers, "Betalen lukt niet")
	browserSignIn(t, ctx, e.srv.URL, "nl", e.agent)
	for _, lang := range []string{"nl", "en"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.srv.URL+"/triage?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		noSideways(t, ctx, "triage-"+lang)
		for _, w := range []int64{390, 1920, 1280} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
				t.Fatal(err)
			}
			over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const t = document.querySelector('main table'); const w = t.closest('.table-wrap') || t.parentElement; return t.getBoundingClientRect().width - w.clientWidth; })()`))
			if err != nil || over > 1 {
				t.Errorf("triage-%s at %d px: the table is %d px wider than its area (%v)", lang, w, over, err)
			}
		}
		screenshot(t, ctx, "triage-"+lang)
		checkA11y(t, ctx, "triage-"+lang)
	}
}

package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// queue writes notifications straight into the outbox, as a change would, and returns
// their ids.
func queue(t *testing.T, db *store.DB, n int, userID int64, incidentID *int64, kind string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := db.Write(ctx, func(tx app.Tx) error {
		for range n {
			m := desk.Notification{Kind: kind, UserID: userID, IncidentID: incidentID, Payload: `{}`, CreatedAt: time.Now()}
			if err := tx.Notify(ctx, &m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// settle records an attempt on a due notification as the delivery job does: it leases the
// message and settles it.
func settle(t *testing.T, db *store.DB, id int64, d desk.Delivery) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx app.Tx) error {
		now := time.Now()
		if ok, err := tx.LeaseNotification(ctx, id, "test", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("lease %d: %v %v", id, ok, err)
		}
		if ok, err := tx.SettleNotification(ctx, id, "test", d); err != nil || !ok {
			t.Fatalf("settle %d: %v %v", id, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutboxPage: the admin sees every message by state, with its recipient, incident and
// where it went, pages through them, and retries one that was set aside; nobody else opens
// the page.
func TestOutboxPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		failed := queue(t, db, 1, e.agent.ID, &e.acmeInc.ID, desk.NotifyAssigned)[0]
		settle(t, db, failed, desk.Delivery{State: desk.DeliveryFailed, Attempts: 8, LastError: "550 mailbox unavailable"})
		sent := queue(t, db, 1, e.acmeUser.ID, &e.acmeInc.ID, desk.NotifySolution)[0]
		now := time.Now()
		settle(t, db, sent, desk.Delivery{State: desk.DeliverySent, Attempts: 1, SentAt: &now, Location: "meldpunt-data/outbox/20261122-101500-INC-000001-7.eml"})
		counts, err := e.app.Outbox.Counts(ctx, actor(e.admin))
		if err != nil {
			t.Fatal(err)
		}
		fid := strconv.FormatInt(failed, 10)

		admin := e.client()
		admin.signIn(e.admin)
		p := admin.get("/admin/outbox")
		expect(t, p, http.StatusOK, "<h1>Uitgaande berichten</h1>", `href="/admin/outbox" aria-current="page"`,
			"Guus Agent", "agent@provider.test", "Aan u toegewezen · "+e.acmeInc.Number, "apart gezet",
			"550 mailbox unavailable", "Opnieuw proberen", `action="/admin/outbox/`+fid+`/retry"`, `href="/admin/outbox/`+fid+`"`,
			"Anna Acme", "Oplossing, te bevestigen of af te wijzen", "verstuurd",
			`href="/admin/outbox?state=failed"`, `<span class="badge">`+strconv.Itoa(counts[desk.DeliveryFailed])+`</span>`,
			"geen e-mailkanaal") // this test server sends no mail at all
		expectNot(t, p, "Zonder SMTP-server")
		// Where a message went is on its own page.
		expect(t, admin.get("/admin/outbox/"+strconv.FormatInt(sent, 10)), http.StatusOK, "meldpunt-data/outbox/20261122-101500-INC-000001-7.eml",
			"geen e-mailkanaal, dus de e-mail kan hier niet worden opgebouwd")
		p = admin.get("/admin/outbox?state=failed")
		expect(t, p, http.StatusOK, `href="/admin/outbox?state=failed" aria-current="page"`, "550 mailbox unavailable")
		expectNot(t, p, "Anna Acme", "notification-"+strconv.FormatInt(sent, 10))
		expect(t, admin.get("/admin/outbox?state=sent&lang=en"), http.StatusOK, "<h1>Outbox</h1>", "Solution, to confirm or reject", "sent", "Subject")

		// Retry: back to the list it came from, with a notice; the message waits again.
		p = admin.submit("/admin/outbox?state=failed", "/admin/outbox/"+fid+"/retry", url.Values{"state": {"failed"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/outbox?") || !strings.Contains(p.location, "state=failed") {
			t.Fatalf("retry: %d %q\n%s", p.status, p.location, p.body)
		}
		p = admin.get(p.location)
		expect(t, p, http.StatusOK, "Message "+fid+" is queued again") // the client's language is English since ?lang=en
		expectNot(t, p, "550 mailbox unavailable")
		page, err := e.app.Outbox.List(ctx, actor(e.admin), desk.OutboxFilter{State: desk.DeliveryPending, Limit: 200})
		if err != nil || !containsID(page.Items, failed) {
			t.Fatalf("the retried message is not pending: %v", err)
		}
		// Retrying it again is a conflict: the page says so.
		p = admin.get("/admin/outbox?lang=nl")
		expectNot(t, p, `action="/admin/outbox/`+fid+`/retry"`) // the button is gone; a second tab still has it
		p = admin.post("/admin/outbox/"+fid+"/retry", url.Values{"csrf": {csrfFor(t, p, "/logout")}})
		expect(t, p, http.StatusConflict, "Alleen een bericht dat apart is gezet kan opnieuw worden geprobeerd", "<h1>Uitgaande berichten</h1>")
		expect(t, admin.post("/admin/outbox/"+fid+"/retry", url.Values{}), http.StatusForbidden) // no CSRF token

		// A page at a time, newest first.
		more := queue(t, db, 55, e.expert.ID, nil, desk.NotifyNewReport)
		p = admin.get("/admin/outbox?state=pending")
		expect(t, p, http.StatusOK, "notification-"+strconv.FormatInt(more[54], 10), `rel="next"`)
		expectNot(t, p, "notification-"+strconv.FormatInt(more[0], 10))
		next := hrefOf(t, p.body, `rel="next"`)
		p = admin.get(next)
		expect(t, p, http.StatusOK, "notification-"+strconv.FormatInt(more[29], 10), `href="/admin/outbox?state=pending"`)
		expectNot(t, p, "notification-"+strconv.FormatInt(more[54], 10))
		p = admin.get(hrefOf(t, p.body, `rel="next"`))
		expect(t, p, http.StatusOK, "notification-"+strconv.FormatInt(more[0], 10), `href="/admin/outbox?state=pending"`)
		expectNot(t, p, "notification-"+strconv.FormatInt(more[29], 10))

		// Nobody else.
		for _, u := range []desk.User{e.acmeUser, e.acmeAdmin, e.agent, e.expert} {
			c := e.client()
			c.signIn(u)
			p := c.get("/incidents")
			expectNot(t, p, `href="/admin/outbox"`)
			expect(t, c.get("/admin/outbox"), http.StatusForbidden)
			csrf := csrfFor(t, c.get("/account/notifications"), "/account/notifications")
			expect(t, c.post("/admin/outbox/"+strconv.FormatInt(sent, 10)+"/retry", url.Values{"csrf": {csrf}}), http.StatusForbidden)
		}
		anon := e.client()
		if p := anon.get("/admin/outbox"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("anonymous: %d %q", p.status, p.location)
		}
	})
}

// containsID tells whether the notification id is among ns.
func containsID(ns []desk.Notification, id int64) bool {
	for _, n := range ns {
		if n.ID == id {
			return true
		}
	}
	return false
}

// hrefOf returns the href of the first link whose tag holds attr.
func hrefOf(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no link with %s", attr)
	}
	start := strings.LastIndex(body[:i], `href="`)
	if start < 0 {
		t.Fatalf("no href before %s", attr)
	}
	start += len(`href="`)
	end := strings.Index(body[start:], `"`)
	return strings.ReplaceAll(body[start:start+end], "&amp;", "&")
}

// TestNotificationPreferences: everyone switches their own optional messages on and off,
// in their language, and sees which messages are always sent.
func TestNotificationPreferences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()

		c := e.client()
		c.signIn(e.acmeUser) // Dutch
		p := c.get("/incidents")
		expect(t, p, http.StatusOK, `href="/account/notifications"`, "E-mailinstellingen")
		p = c.get("/account/notifications")
		expect(t, p, http.StatusOK, "<h1>E-mailinstellingen</h1>", "user@acme.test", "Updates over uw melding",
			`name="kind" value="incident_update" aria-describedby="kind-incident_update-help" checked>`,
			"Deze berichten krijgt u altijd", "Melding ontvangen", "Oplossing, te bevestigen of af te wijzen", "Melding gesloten")
		expectNot(t, p, "Nieuwe melding", "SLA-termijn")
		p = c.submit("/account/notifications", "/account/notifications", url.Values{})
		if p.status != http.StatusSeeOther || p.location != "/account/notifications" {
			t.Fatalf("save: %d %q\n%s", p.status, p.location, p.body)
		}
		p = c.get(p.location)
		expect(t, p, http.StatusOK, "Uw e-mailinstellingen zijn opgeslagen.", `value="incident_update" aria-describedby="kind-incident_update-help">`)
		ps, err := e.app.Outbox.Preferences(ctx, actor(e.acmeUser))
		if err != nil || len(ps) != 1 || ps[0].Enabled {
			t.Fatalf("after saving: %v %+v", err, ps)
		}
		if ps, _ := e.app.Outbox.Preferences(ctx, actor(e.acmeUser2)); len(ps) != 1 || !ps[0].Enabled {
			t.Errorf("another client's setting changed: %+v", ps)
		}
		// A posted kind the role does not have is not saved; a mandatory one neither.
		p = c.submit("/account/notifications", "/account/notifications", url.Values{"kind": {"incident_update", "new_report", "solution"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.status, p.body)
		}
		if ps, _ := e.app.Outbox.Preferences(ctx, actor(e.acmeUser)); len(ps) != 1 || !ps[0].Enabled {
			t.Errorf("switching back on: %+v", ps)
		}
		expect(t, c.post("/account/notifications", url.Values{}), http.StatusForbidden) // no CSRF token

		en := e.client()
		en.signIn(e.acmeAdmin) // English
		expect(t, en.get("/account/notifications"), http.StatusOK, "<h1>Email settings</h1>", "Updates on your incident",
			"Messages that are always sent", "Report received", "The desk&#39;s assessment", "Waiting for you", "Solution, to confirm or reject", "Incident closed")

		staff := e.client()
		staff.signIn(e.agent)
		p = staff.get("/account/notifications")
		expect(t, p, http.StatusOK, "Nieuwe melding", "Reactie van de klant", "SLA-termijn nadert", "SLA-termijn overschreden",
			"Opvolgdatum verstreken", "Melding zonder update", "Aan u toegewezen", "Oplossing afgewezen")
		expectNot(t, p, "Updates over uw melding")
		p = staff.submit("/account/notifications", "/account/notifications", url.Values{"kind": {"new_report", "client_reply", "sla_breach"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("staff save: %d\n%s", p.status, p.body)
		}
		ps, err = e.app.Outbox.Preferences(ctx, actor(e.agent))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{desk.NotifyNewReport: true, desk.NotifyClientReply: true, desk.NotifySLABreach: true}
		for _, pr := range ps {
			if pr.Enabled != want[pr.Kind] {
				t.Errorf("%s: enabled %v, want %v", pr.Kind, pr.Enabled, want[pr.Kind])
			}
		}
		expect(t, staff.get("/account/notifications?lang=en"), http.StatusOK, `value="sla_warning" aria-describedby="kind-sla_warning-help">`,
			`value="sla_breach" aria-describedby="kind-sla_breach-help" checked>`, "SLA deadline missed")

		anon := e.client()
		if p := anon.get("/account/notifications"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("anonymous: %d %q", p.status, p.location)
		}
	})
}

package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"meldpunt/internal/logtest"
	"net"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/email/mailtest"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// deskAddress is the desk's address of the sending instances in these tests.
var deskAddress = app.Address{Name: "Servicedesk", Email: "desk@desk.test"}

// mailer returns an instance that sends mail through sender, on db with the world's clock:
// at most 3 attempts, the default backoff (30 s, doubling) and lease (2 minutes).
func (w *world) mailer(db *store.DB, sender email.Sender, instance string, log *slog.Logger) *app.Services {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return app.New(db, func() time.Time { return w.now }, log, app.Config{Holidays: holidays.NL(),
		BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
		Outbox: app.OutboxConfig{Mailer: email.NewMailer(sender, renderer), From: deskAddress, MaxAttempts: 3, Instance: instance},
	})
}

// smtpTo returns a sender to the test server over plain TCP.
func smtpTo(t *testing.T, srv *mailtest.Server) email.Sender {
	t.Helper()
	return noErr(email.NewSMTP(email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: email.TLSNone}))(t)
}

// submit files a report through the questionnaire as by; the reporter's report_received
// (and the desk's new_report messages) are queued with it.
func (w *world) submit(t *testing.T, by desk.User, title string) desk.Incident {
	t.Helper()
	inc, _, err := w.a.Reports.Submit(context.Background(), actor(by), app.ReportInput{
		Answers: urgentAnswers(), Title: title, Description: "It stopped.", Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// outbox lists every notification, oldest first.
func outbox(t *testing.T, db *store.DB) []desk.Notification {
	t.Helper()
	var ns []desk.Notification
	err := db.Read(context.Background(), func(tx app.Tx) (err error) {
		ns, err = tx.Outbox(context.Background(), desk.OutboxFilter{Limit: 10000})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ns)-1; i < j; i, j = i+1, j-1 {
		ns[i], ns[j] = ns[j], ns[i]
	}
	return ns
}

// notification reads one notification.
func notification(t *testing.T, db *store.DB, id int64) (n desk.Notification) {
	t.Helper()
	err := db.Read(context.Background(), func(tx app.Tx) (err error) {
		n, err = tx.Notification(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// queue writes a notification to the outbox as a use case does, for kinds and payloads the
// tests choose.
func queue(t *testing.T, db *store.DB, u desk.User, inc desk.Incident, kind, payload string, at time.Time) desk.Notification {
	t.Helper()
	n := desk.Notification{Kind: kind, UserID: u.ID, IncidentID: &inc.ID, Payload: payload, CreatedAt: at}
	if err := db.Write(context.Background(), func(tx app.Tx) error { return tx.Notify(context.Background(), &n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// messageID is the Message-ID a notification goes out with.
func messageID(t *testing.T, db *store.DB, a *app.Services, n desk.Notification) string {
	t.Helper()
	var number string
	err := db.Read(context.Background(), func(tx app.Tx) error {
		inc, err := tx.Incident(context.Background(), *n.IncidentID)
		number = inc.Number
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.Outbox.MessageID(n, number)
}

// arrivals counts the messages the server accepted per Message-ID.
func arrivals(srv *mailtest.Server) map[string]int {
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.Header.Get("Message-Id")]++
	}
	return got
}

// wantEachOnce checks that the server accepted exactly the notifications' messages, each
// once, and nothing else.
func wantEachOnce(t *testing.T, db *store.DB, a *app.Services, srv *mailtest.Server, ns []desk.Notification) {
	t.Helper()
	got := arrivals(srv)
	for _, n := range ns {
		id := messageID(t, db, a, n)
		if got[id] != 1 {
			t.Errorf("notification %d (%s) arrived %d times, want once", n.ID, n.Kind, got[id])
		}
		delete(got, id)
	}
	for id, k := range got {
		t.Errorf("%s arrived %d times but was not expected", id, k)
	}
}

// byID finds a notification in a list.
func byID(ns []desk.Notification, id int64) desk.Notification {
	for _, n := range ns {
		if n.ID == id {
			return n
		}
	}
	return desk.Notification{}
}

// logBuffer collects JSON log records from any goroutine.
type logBuffer = logtest.Buffer

// TestDeliveryOverSMTP: the messages a report queues go out over SMTP (STARTTLS, signed
// in), once each, threaded by incident, with a reply address, in each recipient's
// language.
func TestDeliveryOverSMTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		en := desk.LocaleEN
		w.colleague = noErr(w.a.Identity.UpdateUser(ctx, sys, w.colleague.ID, app.UserPatch{Locale: &en}))(t)
		srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("desk", "s3cret-pw"))
		sender := noErr(email.NewSMTP(email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: email.TLSStartTLS,
			Username: "desk", Password: "s3cret-pw", TLSConfig: srv.ClientTLS()}))(t)
		var logs logBuffer
		m := w.mailer(db, sender, "one", logs.Logger())

		incNL := w.submit(t, w.reporter, "Webshop ligt eruit")
		incEN := w.submit(t, w.colleague, "Checkout is down")
		queued := outbox(t, db)
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != len(queued) {
			t.Fatalf("sent %d of %d queued messages", n, len(queued))
		}
		wantEachOnce(t, db, m, srv, queued)

		for _, c := range []struct {
			u       desk.User
			inc     desk.Incident
			subject string
		}{
			{w.reporter, incNL, "[" + incNL.Number + "] Melding ontvangen: Webshop ligt eruit"},
			{w.colleague, incEN, "[" + incEN.Number + "] Report received: Checkout is down"},
		} {
			ns := w.notifications(t, c.u, desk.NotifyReportReceived)
			if len(ns) != 1 {
				t.Fatalf("%s has %d report_received notifications", c.u.Email, len(ns))
			}
			n := ns[0]
			if n.State != desk.DeliverySent || n.Attempts != 1 || n.SentAt == nil || !n.SentAt.Equal(w.now) ||
				n.Location != "smtp://"+srv.Addr() || n.LastError != "" {
				t.Errorf("%s: delivery %+v", c.u.Email, n)
			}
			var got mailtest.Received
			for _, r := range srv.Messages() {
				if r.Header.Get("Message-Id") == messageID(t, db, m, n) {
					got = r
				}
			}
			h := got.Header
			reply := noErr(m.Outbox.ReplyAddress(ctx, n.ID))(t)
			thread := "<" + c.inc.Number + "@desk.test>"
			if want := "<" + c.inc.Number + "." + strconv.FormatInt(n.ID, 10) + "@desk.test>"; h.Get("Message-Id") != want {
				t.Errorf("%s: Message-ID %q, want %q", c.u.Email, h.Get("Message-Id"), want)
			}
			if h.Get("In-Reply-To") != thread || h.Get("References") != thread {
				t.Errorf("%s: In-Reply-To %q, References %q; want both %q", c.u.Email, h.Get("In-Reply-To"), h.Get("References"), thread)
			}
			if a, err := netmail.ParseAddress(h.Get("Reply-To")); err != nil || a.Address != reply || !strings.HasPrefix(reply, "desk+"+strconv.FormatInt(n.ID, 10)+".") {
				t.Errorf("%s: Reply-To %q, want %s", c.u.Email, h.Get("Reply-To"), reply)
			}
			if a, err := netmail.ParseAddress(h.Get("From")); err != nil || a.Address != "desk@desk.test" || a.Name != "Servicedesk" {
				t.Errorf("%s: From %q", c.u.Email, h.Get("From"))
			}
			if a, err := netmail.ParseAddress(h.Get("To")); err != nil || a.Address != c.u.Email || len(got.To) != 1 || got.To[0] != c.u.Email {
				t.Errorf("%s: To %q, envelope %v", c.u.Email, h.Get("To"), got.To)
			}
			if got.Subject != c.subject {
				t.Errorf("%s: subject %q, want %q", c.u.Email, got.Subject, c.subject)
			}
			if h.Get("Auto-Submitted") != "auto-generated" || h.Get("X-Meldpunt-Incident") != c.inc.Number || h.Get("X-Meldpunt-Kind") != desk.NotifyReportReceived {
				t.Errorf("%s: Auto-Submitted %q, X-Meldpunt-Incident %q, X-Meldpunt-Kind %q", c.u.Email,
					h.Get("Auto-Submitted"), h.Get("X-Meldpunt-Incident"), h.Get("X-Meldpunt-Kind"))
			}
			if url := "http://desk.test/incidents/" + c.inc.Number; !strings.Contains(got.Text, url) || !strings.Contains(got.HTML, url) {
				t.Errorf("%s: the message does not link to %s:\n%s", c.u.Email, url, got.Text)
			}
		}

		// Nothing is sent twice.
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != 0 || len(srv.Messages()) != len(queued) {
			t.Errorf("a second run sent %d; the server has %d messages, want %d", n, len(srv.Messages()), len(queued))
		}
		if strings.Contains(logs.String(), "s3cret-pw") {
			t.Errorf("the SMTP password is in the logs:\n%s", logs.String())
		}
	})
}

// TestDeliverySurvivesAnSMTPOutage: while the server is down messages wait with a growing
// backoff, one that fails too often is set aside, and once the server is back every waiting
// message goes out exactly once; an admin's retry sends the one set aside.
func TestDeliverySurvivesAnSMTPOutage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		srv := mailtest.Start(t)
		var logs logBuffer
		m := w.mailer(db, smtpTo(t, srv), "one", logs.Logger())
		srv.Stop()
		t0 := w.now

		// At t0 the first report's messages (group A) fail once: due again in 30 seconds.
		w.submit(t, w.reporter, "First")
		groupA := outbox(t, db)
		if n, err := m.Outbox.RunDelivery(ctx); n != 0 || err != nil {
			t.Fatalf("with the server down: sent %d, err %v", n, err)
		}
		for _, n := range outbox(t, db) {
			if n.State != desk.DeliveryPending || n.Attempts != 1 || !n.NextAttemptAt.Equal(t0.Add(30*time.Second)) || n.LastError == "" {
				t.Errorf("after one failure: %+v", n)
			}
		}
		if recs := logs.Records(t, "message not sent; will try again"); len(recs) != len(groupA) || recs[0]["level"] != "WARN" {
			t.Errorf("failure records: %v", recs)
		}
		// Not due yet: nothing is tried.
		noErr(m.Outbox.RunDelivery(ctx))(t)
		for _, n := range outbox(t, db) {
			if n.Attempts != 1 {
				t.Errorf("tried before its time: %+v", n)
			}
		}

		// At t0+30s group A fails again (next in a minute); group B is new and fails once.
		w.now = t0.Add(30 * time.Second)
		w.submit(t, w.colleague, "Second")
		noErr(m.Outbox.RunDelivery(ctx))(t)
		var groupB []desk.Notification
		for _, n := range outbox(t, db) {
			if byID(groupA, n.ID).ID != 0 {
				if n.Attempts != 2 || !n.NextAttemptAt.Equal(t0.Add(90*time.Second)) {
					t.Errorf("A after two failures: %+v", n)
				}
				continue
			}
			groupB = append(groupB, n)
			if n.Attempts != 1 || !n.NextAttemptAt.Equal(t0.Add(60*time.Second)) {
				t.Errorf("B after one failure: %+v", n)
			}
		}

		// At t0+90s group A reaches 3 attempts and is set aside; B fails a second time.
		w.now = t0.Add(90 * time.Second)
		noErr(m.Outbox.RunDelivery(ctx))(t)
		for _, n := range outbox(t, db) {
			switch {
			case byID(groupA, n.ID).ID != 0:
				if n.State != desk.DeliveryFailed || n.Attempts != 3 || !strings.Contains(n.LastError, srv.Addr()) {
					t.Errorf("A after three failures: %+v", n)
				}
			case n.State != desk.DeliveryPending || n.Attempts != 2 || !n.NextAttemptAt.Equal(t0.Add(150*time.Second)):
				t.Errorf("B after two failures: %+v", n)
			}
		}
		if recs := logs.Records(t, "message set aside"); len(recs) != len(groupA) || recs[0]["level"] != "WARN" {
			t.Errorf("set-aside records: %v", recs)
		}

		// The server is back: when B is due, every message of B goes out once.
		srv.Restart(t)
		w.now = t0.Add(150 * time.Second)
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != len(groupB) {
			t.Errorf("sent %d after the outage, want %d", n, len(groupB))
		}
		wantEachOnce(t, db, m, srv, groupB)

		// A retry puts a set-aside message back in the queue; the next run sends it.
		retried := noErr(m.Outbox.Retry(ctx, sys, groupA[0].ID))(t)
		if retried.State != desk.DeliveryPending || retried.Attempts != 0 {
			t.Fatalf("retried: %+v", retried)
		}
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != 1 {
			t.Errorf("sent %d after the retry, want 1", n)
		}
		wantEachOnce(t, db, m, srv, append(groupB, groupA[0]))
		if n := notification(t, db, groupA[0].ID); n.State != desk.DeliverySent || n.Attempts != 1 {
			t.Errorf("retried and sent: %+v", n)
		}
	})
}

// TestDeliveryBackoffIsCapped: the wait doubles from 30 seconds up to an hour.
func TestDeliveryBackoffIsCapped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		srv := mailtest.Start(t, mailtest.WithReject(451))
		m := app.New(db, func() time.Time { return w.now }, nil, app.Config{Holidays: holidays.NL(),
			BaseURL: "http://desk.test", Outbox: app.OutboxConfig{Mailer: email.NewMailer(smtpTo(t, srv), renderer), From: deskAddress, MaxAttempts: 10},
		})
		inc := w.report(t, w.reporter, "Slow")
		n := queue(t, db, w.reporter, inc, desk.NotifyClosed, `{"number":"`+inc.Number+`","confirmed":true}`, w.now)
		want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
			16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
		for i, wait := range want {
			noErr(m.Outbox.RunDelivery(ctx))(t)
			got := notification(t, db, n.ID)
			if got.Attempts != i+1 || got.State != desk.DeliveryPending || !got.NextAttemptAt.Equal(w.now.Add(wait)) || !strings.Contains(got.LastError, "451") {
				t.Fatalf("after %d failures: next in %v (want %v), %+v", i+1, got.NextAttemptAt.Sub(w.now), wait, got)
			}
			w.now = got.NextAttemptAt
		}
		noErr(m.Outbox.RunDelivery(ctx))(t)
		if got := notification(t, db, n.ID); got.State != desk.DeliveryFailed || got.Attempts != 10 {
			t.Errorf("after 10 attempts: %+v", got)
		}
	})
}

// TestDeliveryExactlyOnceAcrossInstances: two instances on one database deliver from
// several goroutines each at once; every message arrives exactly once.
func TestDeliveryExactlyOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db1, db2 := storetest.OpenTwice(t, dialect)
			w := newWorld(t, db1)
			srv := mailtest.Start(t)
			instances := []*app.Services{w.mailer(db1, smtpTo(t, srv), "one", nil), w.mailer(db2, smtpTo(t, srv), "two", nil)}
			for i := range 8 {
				w.submit(t, []desk.User{w.reporter, w.colleague}[i%2], fmt.Sprint("Incident ", i))
			}
			queued := outbox(t, db1)

			var mu sync.Mutex
			var wg sync.WaitGroup
			total := 0
			for i := range 8 {
				a := instances[i%2]
				wg.Go(func() {
					for range 3 {
						n, err := a.Outbox.RunDelivery(context.Background())
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						total += n
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if total != len(queued) {
				t.Errorf("the instances sent %d, want %d", total, len(queued))
			}
			wantEachOnce(t, db1, instances[0], srv, queued)
			for _, n := range outbox(t, db1) {
				if n.State != desk.DeliverySent || n.Attempts != 1 {
					t.Errorf("after the runs: %+v", n)
				}
			}
		})
	}
}

// TestDeliverySkipsAndSetsAside: an optional kind the recipient switched off is skipped, a
// mandatory one still goes out; nothing goes to an inactive account; a message that cannot
// be composed is set aside at once.
func TestDeliverySkipsAndSetsAside(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		srv := mailtest.Start(t)
		var logs logBuffer
		m := w.mailer(db, smtpTo(t, srv), "one", logs.Logger())
		noErr(w.a.Outbox.SetPreferences(ctx, actor(w.reporter), []desk.Preference{{Kind: desk.NotifyUpdate, Enabled: false}}))(t)
		inactive := false
		noErr(w.a.Identity.UpdateUser(ctx, sys, w.colleague.ID, app.UserPatch{Active: &inactive}))(t)

		inc := w.report(t, w.reporter, "Printer")
		before := outbox(t, db) // what creating the incident queued, e.g. for the desk
		p := `{"number":"` + inc.Number + `","title":"Printer","by":"agnes","body":"Try again now."}`
		update := queue(t, db, w.reporter, inc, desk.NotifyUpdate, p, w.now)
		closed := queue(t, db, w.reporter, inc, desk.NotifyClosed, `{"number":"`+inc.Number+`","confirmed":false,"by":"agnes"}`, w.now)
		toInactive := queue(t, db, w.colleague, inc, desk.NotifyUpdate, p, w.now)
		broken := queue(t, db, w.reporter, inc, desk.NotifyWaiting, `{"number":`, w.now)

		noErr(m.Outbox.RunDelivery(ctx))(t)
		wantEachOnce(t, db, m, srv, append(before, closed))
		for _, c := range []struct {
			n       desk.Notification
			state   desk.DeliveryState
			attempt int
			err     string
		}{
			{update, desk.DeliverySkipped, 0, "the recipient switched incident_update messages off"},
			{closed, desk.DeliverySent, 1, ""},
			{toInactive, desk.DeliverySkipped, 0, "the recipient's account is not active"},
			{broken, desk.DeliveryFailed, 1, "read the payload"},
		} {
			got := notification(t, db, c.n.ID)
			if got.State != c.state || got.Attempts != c.attempt || !strings.Contains(got.LastError, c.err) || (c.err == "") != (got.LastError == "") {
				t.Errorf("%s to %d: %+v, want %s after %d attempts with %q", c.n.Kind, c.n.UserID, got, c.state, c.attempt, c.err)
			}
		}
		if recs := logs.Records(t, "message set aside: it cannot be composed"); len(recs) != 1 || recs[0]["notification"] != float64(broken.ID) {
			t.Errorf("set-aside records: %v", recs)
		}
		// The mandatory kind went out although the reporter switched an optional one off.
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != 0 {
			t.Errorf("a second run sent %d", n)
		}
	})
}

// TestDeliveryWithoutSenderDoesNothing: an instance without a Sender leaves the outbox as
// it is.
func TestDeliveryWithoutSenderDoesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.submit(t, w.reporter, "Quiet")
		if n, err := w.a.Outbox.RunDelivery(context.Background()); n != 0 || err != nil {
			t.Fatalf("sent %d, err %v", n, err)
		}
		for _, n := range outbox(t, db) {
			if n.State != desk.DeliveryPending || n.Attempts != 0 {
				t.Errorf("touched without a sender: %+v", n)
			}
		}
	})
}

// TestDeliveryToFiles: without SMTP each message is an .eml file, and the notification's
// location is its path.
func TestDeliveryToFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		dir := t.TempDir()
		m := w.mailer(db, email.NewDir(dir), "one", nil)
		inc := w.submit(t, w.reporter, "Webshop down")
		queued := outbox(t, db)
		if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != len(queued) {
			t.Fatalf("sent %d of %d", n, len(queued))
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(files) != len(queued) {
			t.Errorf("%d files for %d messages: %v", len(files), len(queued), files)
		}
		for _, n := range outbox(t, db) {
			if n.State != desk.DeliverySent || filepath.Dir(n.Location) != dir {
				t.Errorf("delivered to a file: %+v", n)
				continue
			}
			raw, err := os.ReadFile(n.Location)
			if err != nil {
				t.Fatal(err)
			}
			got := mailtest.Parse(raw)
			if got.ParseError != "" || got.Header.Get("Message-Id") != messageID(t, db, m, n) || got.Header.Get("X-Meldpunt-Incident") != inc.Number {
				t.Errorf("%s: %s, Message-ID %q", n.Location, got.ParseError, got.Header.Get("Message-Id"))
			}
		}
	})
}

// childEnv holds, for TestDeliveryChild, "<SQLite path>|<SMTP address>|<clock>".
const childEnv = "MELDPUNT_TEST_DELIVERY_CHILD"

// TestDeliveryChild is the process TestDeliveryKilledMidSend kills: it runs RunDelivery
// against a server that never answers the DATA. On its own it is skipped.
func TestDeliveryChild(t *testing.T) {
	t.Parallel()
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("runs only as the child process of TestDeliveryKilledMidSend")
	}
	parts := strings.Split(spec, "|")
	if len(parts) != 3 {
		t.Fatalf("%s=%q", childEnv, spec)
	}
	now := noErr(time.Parse(time.RFC3339Nano, parts[2]))(t)
	db := noErr(store.Open(context.Background(), parts[0], nil))(t)
	host, port, _ := net.SplitHostPort(parts[1])
	p, _ := strconv.Atoi(port)
	sender := noErr(email.NewSMTP(email.SMTPConfig{Host: host, Port: p, TLS: email.TLSNone, Timeout: time.Hour}))(t)
	a := app.New(db, func() time.Time { return now }, nil, app.Config{Holidays: holidays.NL(),
		BaseURL: "http://desk.test", Outbox: app.OutboxConfig{Mailer: email.NewMailer(sender, renderer), From: deskAddress, Instance: "child"},
	})
	n, err := a.Outbox.RunDelivery(context.Background())
	t.Fatalf("RunDelivery returned (%d, %v); the parent should have killed this process while the server held the message", n, err)
}

// TestDeliveryKilledMidSend: a process dies while the SMTP server has the message but has
// not answered. Nothing is lost: once the dead process's lease ends, another instance sends
// the message, with the same Message-ID (delivery is at least once).
//
// SQLite only: the child is a separate process that must open the same database, and a
// file both processes open is the simplest such database; the leasing itself is the same
// SQL on both dialects and is tested on both above.
func TestDeliveryKilledMidSend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meldpunt.db")
	db := noErr(store.Open(ctx, path, nil))(t)
	t.Cleanup(func() { db.Close() })
	noErr(db.Migrate(ctx))(t)
	w := newWorld(t, db)
	w.submit(t, w.reporter, "Webshop down")
	queued := outbox(t, db)

	held := mailtest.Start(t, mailtest.WithHold())
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeliveryChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path+"|"+held.Addr()+"|"+w.now.Format(time.RFC3339Nano))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var inFlight mailtest.Received
	select {
	case inFlight = <-held.Holding():
	case err := <-exited:
		t.Fatalf("the child ended (%v) before the server held a message:\n%s", err, out.String())
	case <-time.After(time.Minute): // a guard against a hang, not a timed assertion
		_ = cmd.Process.Kill()
		t.Fatalf("the server held no message within a minute:\n%s", out.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	// The message in flight is still pending, leased by the dead process.
	var leased desk.Notification
	for _, n := range queued {
		if messageID(t, db, w.a, n) == inFlight.Header.Get("Message-Id") {
			leased = notification(t, db, n.ID)
		}
	}
	if leased.ID == 0 || leased.State != desk.DeliveryPending || leased.Attempts != 0 {
		t.Fatalf("the message in flight (%s): %+v", inFlight.Header.Get("Message-Id"), leased)
	}

	// Until its lease ends, another instance sends everything else but not that one.
	srv := mailtest.Start(t)
	m := w.mailer(db, smtpTo(t, srv), "survivor", nil)
	noErr(m.Outbox.RunDelivery(ctx))(t)
	if got := arrivals(srv)[inFlight.Header.Get("Message-Id")]; got != 0 {
		t.Fatalf("the leased message was sent %d times before its lease ended", got)
	}
	w.now = w.now.Add(2 * time.Minute)
	if n := noErr(m.Outbox.RunDelivery(ctx))(t); n != 1 {
		t.Errorf("after the lease: sent %d, want the message in flight", n)
	}
	wantEachOnce(t, db, m, srv, queued)
	if n := notification(t, db, leased.ID); n.State != desk.DeliverySent || n.Attempts != 1 {
		t.Errorf("the message in flight after all: %+v", n)
	}
}

// renderer renders emails with the catalog compiled into the binary.
var renderer = func() *email.Renderer {
	texts, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return email.NewRenderer(texts)
}()

// TestDeliveryToAnAddressWithoutAccount: the outbox carries email to a person without an
// account (a status-page subscriber, say) in the language stored with the message, with
// no link to account settings, and records the attempt.
func TestDeliveryToAnAddressWithoutAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		srv := mailtest.Start(t)
		m := w.mailer(db, smtpTo(t, srv), "one", nil)
		n := desk.Notification{Kind: "generic", Via: desk.ViaEmail, ToEmail: "guest@example.org", ToName: "Gast",
			Locale: desk.LocaleEN, Payload: "{}", CreatedAt: w.now}
		if err := db.Write(ctx, func(tx app.Tx) error { return tx.Notify(ctx, &n) }); err != nil {
			t.Fatal(err)
		}
		if sent := noErr(m.Outbox.RunDelivery(ctx))(t); sent != 1 {
			t.Fatalf("sent %d, want 1", sent)
		}
		got := srv.Wait(t, 1)[0]
		if len(got.To) != 1 || got.To[0] != "guest@example.org" || !strings.Contains(got.Header.Get("To"), "Gast") {
			t.Errorf("to %v, header %q", got.To, got.Header.Get("To"))
		}
		if !strings.Contains(got.Subject, "Notification") || strings.Contains(got.Text, "/account/notifications") {
			t.Errorf("subject %q (want English), text %q (want no settings link)", got.Subject, got.Text)
		}
		var as []desk.Attempt
		if err := db.Read(ctx, func(tx app.Tx) (err error) { as, err = tx.Attempts(ctx, n.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Error != "" || as[0].Location != "smtp://"+srv.Addr() {
			t.Errorf("attempts %+v", as)
		}
	})
}

package inbound_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"meldpunt/internal/logtest"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/inbound"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

var sys = desk.SystemActor("test")

// syncBuffer is a log that the server goroutines write and the test reads.
type syncBuffer = logtest.Buffer

// world is a Meldpunt with a client, its reporter, an agent, one incident of the reporter,
// and the listener on a loopback port.
type world struct {
	a        *app.Services
	addr     string
	log      *syncBuffer
	reporter desk.User
	agent    desk.User
	inc      desk.Incident
}

func start(t *testing.T, r inbound.Receiver, cfg inbound.Config, log *slog.Logger) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := inbound.New(r, cfg, log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w := &world{log: &syncBuffer{}}
	log := slog.New(slog.NewJSONHandler(w.log, nil))
	w.a = app.New(db, func() time.Time { return now }, log,
		app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if _, err := w.a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	org, err := w.a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	user := func(org int64, email string, role desk.Role) desk.User {
		u, err := w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.reporter = user(org.ID, "rita@acme.example", desk.RoleClientUser)
	w.agent = user(0, "agnes@desk.example", desk.RoleAgent)
	w.inc, err = w.a.Incidents.Create(ctx, desk.Actor{UserID: w.reporter.ID, Name: "rita", Role: w.reporter.Role, OrgID: org.ID},
		app.IncidentInput{Title: "Checkout fails", Urgency: desk.High, Impact: desk.Normal})
	if err != nil {
		t.Fatal(err)
	}
	w.addr = start(t, w.a.Inbox, inbound.Config{Domain: "desk.test", MaxBytes: 256 << 10}, log)
	return w
}

// send speaks SMTP to addr with net/smtp and returns the first refusal, or nil when the
// message was accepted.
func send(t *testing.T, addr, from string, to []string, msg string) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.acme.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(wc, msg); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// code is the SMTP reply code of a refusal, 0 for none.
func code(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func (w *world) replies(t *testing.T) []desk.TimelineEntry {
	t.Helper()
	tl, err := w.a.Incidents.Timeline(context.Background(), sys, w.inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []desk.TimelineEntry
	for _, e := range tl {
		if e.Kind == desk.EntryReply {
			out = append(out, e)
		}
	}
	return out
}

func TestListener(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		from := w.reporter.Email

		// A plain reply, found by the subject's tag, lands without its quote.
		reply := "From: Rita <rita@acme.example>\nTo: Meldpunt <meldpunt@desk.test>\nSubject: Re: [" + w.inc.Number + "] Checkout fails\n" +
			"Message-ID: <r1@acme.example>\nDate: Mon, 2 Mar 2026 10:00:00 +0100\n\n" +
			"The secret word is pelican.\n\nOn Mon, 2 Mar 2026 at 09:00, Meldpunt <meldpunt@desk.test> wrote:\n> We received your report.\n"
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, reply); err != nil {
			t.Fatalf("reply: %v", err)
		}
		rs := w.replies(t)
		if len(rs) != 1 || rs[0].Body != "The secret word is pelican." || *rs[0].AuthorID != w.reporter.ID {
			t.Fatalf("replies %+v", rs)
		}
		// The same message again (a retry) is accepted and lands once.
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, reply); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if rs := w.replies(t); len(rs) != 1 {
			t.Errorf("%d replies after a retry", len(rs))
		}
		logs := w.log.String()
		if !strings.Contains(logs, `"msg":"mail received"`) || !strings.Contains(logs, `"incident":"`+w.inc.Number+`"`) ||
			!strings.Contains(logs, `"message_id":"<r1@acme.example>"`) || strings.Contains(logs, "pelican") {
			t.Errorf("logs (a receipt with the incident, never the body):\n%s", logs)
		}

		// Refusals: at MAIL FROM for an unknown sender, at RCPT TO for another domain.
		err := send(t, w.addr, "nobody@acme.example", []string{"meldpunt@desk.test"}, reply)
		if code(err) != 550 || !strings.Contains(err.Error(), "unknown sender") {
			t.Errorf("unknown sender: %v", err)
		}
		err = send(t, w.addr, from, []string{"someone@elsewhere.example"}, reply)
		if code(err) != 550 || !strings.Contains(err.Error(), "relaying denied") {
			t.Errorf("foreign recipient: %v", err)
		}
		// Too large: 552, and nothing lands.
		big := strings.Replace(reply, "<r1@", "<big@", 1) + strings.Repeat(strings.Repeat("x", 70)+"\n", 300<<10/71)
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, big); code(err) != 552 {
			t.Errorf("too large: %v", err)
		}
		// A From header that is not the sender's: 550.
		forged := strings.Replace(strings.Replace(reply, "<r1@", "<forged@", 1), "From: Rita <rita@acme.example>", "From: ceo@acme.example", 1)
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, forged); code(err) != 550 {
			t.Errorf("forged From: %v", err)
		}
		// An out-of-office is accepted and dropped.
		ooo := "From: rita@acme.example\nSubject: Out of office: [" + w.inc.Number + "]\nAuto-Submitted: auto-replied\nMessage-ID: <ooo@acme.example>\n\nI am away.\n"
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, ooo); err != nil {
			t.Errorf("out of office: %v", err)
		}
		// An empty reply is refused with the reason.
		empty := "From: rita@acme.example\nSubject: Re: [" + w.inc.Number + "]\nMessage-ID: <e@acme.example>\n\n> quoted only\n"
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, empty); code(err) != 550 || !strings.Contains(err.Error(), "the message is empty") {
			t.Errorf("empty: %v", err)
		}
		if rs := w.replies(t); len(rs) != 1 {
			t.Errorf("refused mail landed: %+v", rs)
		}

		// A multipart reply from Outlook: text in ISO-8859-1, quoted-printable, an HTML
		// alternative, a screenshot in base64, to the reply address of a notification.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0x42}, 200)...)
		n := notification(t, w)
		replyTo, err := w.a.Outbox.ReplyAddress(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		multi := "From: =?ISO-8859-1?Q?Rita_J=E4nsen?= <rita@acme.example>\nTo: " + replyTo + "\n" +
			"Subject: =?ISO-8859-1?Q?Re:_Caf=E9?=\nMessage-ID: <m1@acme.example>\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/mixed; boundary=\"outer\"\n\n" +
			"--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n" +
			"--inner\nContent-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
			"Caf=E9 werkt niet meer, zie de =\nschermafdruk.\n\n" +
			"________________________________\nVan: Meldpunt <meldpunt@desk.test>\nVerzonden: maandag 2 maart 2026 09:00\nOnderwerp: Melding ontvangen\n\noud\n" +
			"--inner\nContent-Type: text/html; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
			"<p>Caf=E9 werkt niet meer</p>\n" +
			"--inner--\n" +
			"--outer\nContent-Type: image/png; name=\"screenshot.png\"\nContent-Disposition: attachment; filename=\"screenshot.png\"\nContent-Transfer-Encoding: base64\n\n" +
			wrap(base64.StdEncoding.EncodeToString(png)) + "\n" +
			"--outer--\n"
		if err := send(t, w.addr, from, []string{replyTo}, multi); err != nil {
			t.Fatalf("multipart: %v", err)
		}
		rs = w.replies(t)
		if len(rs) != 3 || rs[2].Body != "Café werkt niet meer, zie de schermafdruk." { // after the agent's
			t.Fatalf("replies %+v", rs)
		}
		files, err := w.a.Incidents.Attachments(ctx, sys, w.inc.ID)
		if err != nil || len(files) != 1 || files[0].Name != "screenshot.png" || files[0].ContentType != "image/png" || files[0].Size != int64(len(png)) {
			t.Errorf("files %+v %v", files, err)
		}

		// An HTML-only reply: tags go, the blockquote goes.
		html := "From: rita@acme.example\nSubject: Re: [" + w.inc.Number + "]\nMessage-ID: <h1@acme.example>\nMIME-Version: 1.0\n" +
			"Content-Type: text/html; charset=utf-8\n\n" +
			"<html><head><style>p{color:red}</style></head><body><div>Now it works &amp; loads fast.</div><div><br></div>" +
			"<div class=\"gmail_quote\"><div>On Mon, 2 Mar 2026 at 09:00, Meldpunt &lt;meldpunt@desk.test&gt; wrote:</div>" +
			"<blockquote><p>We restarted it.</p></blockquote></div></body></html>\n"
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, html); err != nil {
			t.Fatalf("html: %v", err)
		}
		if rs := w.replies(t); len(rs) != 4 || rs[3].Body != "Now it works & loads fast." {
			t.Errorf("replies %+v", rs)
		}

		// New mail to the desk's address opens a report.
		report := "From: rita@acme.example\nTo: meldpunt@desk.test\nSubject: Scanner offline\nMessage-ID: <n1@acme.example>\n\nThe scanner on floor 2 is offline.\n"
		if err := send(t, w.addr, from, []string{"meldpunt@desk.test"}, report); err != nil {
			t.Fatalf("new report: %v", err)
		}
		p, err := w.a.Incidents.List(ctx, sys, desk.IncidentFilter{Channel: desk.ChannelEmail})
		if err != nil || len(p.Items) != 1 || p.Items[0].Title != "Scanner offline" || p.Items[0].Description != "The scanner on floor 2 is offline." {
			t.Errorf("email reports %+v %v", p.Items, err)
		}
	})
}

// notification returns the id of a notification of the reporter about the incident: the
// update an agent's reply queues.
func notification(t *testing.T, w *world) int64 {
	t.Helper()
	ctx := context.Background()
	agent := desk.Actor{UserID: w.agent.ID, Name: w.agent.Name, Role: w.agent.Role}
	if _, err := w.a.Incidents.AddEntry(ctx, agent, w.inc.ID, app.EntryInput{Body: "We are looking into it."}); err != nil {
		t.Fatal(err)
	}
	ns, err := w.a.Outbox.Notifications(ctx, desk.Actor{UserID: w.reporter.ID, Role: w.reporter.Role, OrgID: w.reporter.OrgID})
	if err != nil || len(ns) == 0 {
		t.Fatalf("no notification for the reporter: %v", err)
	}
	return ns[len(ns)-1].ID
}

// wrap breaks base64 into lines of 76 characters, as mail programs do.
func wrap(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// failing is a receiver whose database is down.
type failing struct{}

func (failing) AcceptRecipient(context.Context, string) error { return nil }
func (failing) AcceptSender(context.Context, string) error    { return nil }
func (failing) Receive(context.Context, app.InboundMail) (app.InboundResult, error) {
	return app.InboundResult{}, errors.New("database is down")
}

// TestListenerTemporaryFailure: when Meldpunt fails (not the rules), the answer is 451, so
// the sending server keeps the message and tries again; the cause stays in the log.
func TestListenerTemporaryFailure(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	addr := start(t, failing{}, inbound.Config{}, slog.New(slog.NewJSONHandler(logs, nil)))
	err := send(t, addr, "rita@acme.example", []string{"meldpunt@desk.test"}, "From: rita@acme.example\nSubject: hi\n\nhello\n")
	if code(err) != 451 || strings.Contains(err.Error(), "database") {
		t.Errorf("answer %v", err)
	}
	if !strings.Contains(logs.String(), "database is down") || !strings.Contains(logs.String(), `"rule":"temporary_failure"`) {
		t.Errorf("the cause is not logged:\n%s", logs)
	}
}

package app_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// deskAddr is the desk's address in newWorld: Meldpunt at the base URL's host.
const deskAddr = "meldpunt@desk.test"

// mailed opens a report by mail from the reporter and returns it with the report_received
// notification it queued.
func (w *world) mailed(t *testing.T, title string) (desk.Incident, desk.Notification) {
	t.Helper()
	ctx := context.Background()
	res := noErr(w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr},
		Subject: title, Text: "It fails.", MessageID: "<" + title + "@acme.example>"}))(t)
	if !res.Created {
		t.Fatalf("no report opened: %+v", res)
	}
	inc := noErr(w.a.Incidents.Get(ctx, actor(w.reporter), res.IncidentID))(t)
	for _, n := range w.notifications(t, w.reporter, desk.NotifyReportReceived) {
		if *n.IncidentID == inc.ID {
			return inc, n
		}
	}
	t.Fatalf("no report_received for %s", inc.Number)
	return inc, desk.Notification{}
}

// lastEntry returns the newest timeline entry of a kind.
func lastEntry(t *testing.T, w *world, id int64, kind desk.EntryKind) desk.TimelineEntry {
	t.Helper()
	tl := noErr(w.a.Incidents.Timeline(context.Background(), actor(w.agent), id))(t)
	for i := len(tl) - 1; i >= 0; i-- {
		if tl[i].Kind == kind {
			return tl[i]
		}
	}
	t.Fatalf("no %s entry on incident %d", kind, id)
	return desk.TimelineEntry{}
}

// TestMailOpensReport: new mail from a client to the desk's address opens a regular report
// (channel email, the lowest urgency and impact) with its files, and tells the client and
// the desk; the same message again lands once.
func TestMailOpensReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		m := app.InboundMail{From: "Rita@Acme.example", To: []string{"Meldpunt@desk.test"},
			Subject: "Fwd: Printer on floor 3 jams", Text: "It jams on every job.\r\n\r\n-- \r\nRita Jansen\r\nAcme\r\n",
			MessageID: "<first@acme.example>",
			Files:     []app.File{{Name: "jam.log", Data: []byte("10:02 paper jam\n")}, {Name: "tool.bin", Data: []byte{0, 1, 2, 3}}}}
		res, err := w.a.Inbox.Receive(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Duplicate || res.Number == "" || !slices.Equal(res.Skipped, []string{"tool.bin"}) {
			t.Fatalf("result %+v", res)
		}
		inc := noErr(w.a.Incidents.Get(ctx, actor(w.reporter), res.IncidentID))(t)
		if inc.Channel != desk.ChannelEmail || inc.Kind != desk.KindRegular || inc.Urgency != desk.Low || inc.Impact != desk.Low ||
			inc.Assessment != "" || inc.Title != "Printer on floor 3 jams" || inc.Description != "It jams on every job." ||
			inc.ReporterID == nil || *inc.ReporterID != w.reporter.ID || inc.OrgID != w.client.ID || inc.State != desk.StateNew {
			t.Fatalf("incident %+v", inc)
		}
		tl := noErr(w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID))(t)
		if tl[0].Event != desk.EventRegistered || strings.Join(tl[0].Args, " ") != "channel:email priority:"+inc.Priority.String() {
			t.Errorf("first entry %+v", tl[0])
		}
		files := noErr(w.a.Incidents.Attachments(ctx, actor(w.reporter), inc.ID))(t)
		if len(files) != 1 || files[0].Name != "jam.log" {
			t.Errorf("files %+v", files)
		}
		ns := w.notifications(t, w.reporter, desk.NotifyReportReceived)
		if len(ns) != 1 || *ns[0].IncidentID != inc.ID || !strings.Contains(ns[0].Payload, `"verdict":"regular"`) {
			t.Errorf("report_received %+v", ns)
		}
		if ns := w.notifications(t, w.agent, desk.NotifyNewReport); len(ns) != 1 || *ns[0].IncidentID != inc.ID {
			t.Errorf("the desk's new_report %+v", ns)
		}

		// The sending server tries again (our "250" was lost): nothing new.
		again, err := w.a.Inbox.Receive(ctx, m)
		if err != nil || !again.Duplicate || again.Created {
			t.Fatalf("again: %+v %v", again, err)
		}
		if n := noErr(w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{}))(t); n != 1 {
			t.Errorf("%d incidents after the same message twice", n)
		}
		if ns := w.notifications(t, w.reporter, desk.NotifyReportReceived); len(ns) != 1 {
			t.Errorf("%d report_received after the same message twice", len(ns))
		}

		// Without a subject the first line is the title.
		res = noErr(w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr},
			Text: "\nThe scanner is offline.\nSince 9:00.", MessageID: "<second@acme.example>"}))(t)
		if inc := noErr(w.a.Incidents.Get(ctx, actor(w.reporter), res.IncidentID))(t); inc.Title != "The scanner is offline." {
			t.Errorf("title %q", inc.Title)
		}
	})
}

// TestMailReplies: a reply lands on the incident as the client's public reply, found by the
// reply address, by In-Reply-To or References, or by the subject's tag, without its quoted
// history.
func TestMailReplies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc, n := w.mailed(t, "Printer jams")
		replyTo := noErr(w.a.Outbox.ReplyAddress(ctx, n.ID))(t)
		cases := []struct {
			name string
			m    app.InboundMail
		}{
			{"reply address", app.InboundMail{To: []string{strings.ToUpper(replyTo)}, Subject: "Re: your report"}},
			{"in-reply-to", app.InboundMail{To: []string{deskAddr}, Subject: "Re: something", InReplyTo: w.a.Outbox.MessageID(n, inc.Number)}},
			{"references", app.InboundMail{To: []string{deskAddr}, Subject: "Re: something",
				References: []string{w.a.Outbox.ThreadID(inc.Number), "<unrelated@acme.example>"}}},
			{"subject tag", app.InboundMail{To: []string{deskAddr}, Subject: "RE: [" + inc.Number + "] Printer jams"}},
		}
		for i, c := range cases {
			c.m.From, c.m.MessageID = w.reporter.Email, "<reply"+strconv.Itoa(i)+"@acme.example>"
			c.m.Text = "Answer " + c.name + ".\n\nOn Mon, 2 Mar 2026 at 10:00, Meldpunt <" + deskAddr + "> wrote:\n> We received your report.\n"
			res, err := w.a.Inbox.Receive(ctx, c.m)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if res.IncidentID != inc.ID || res.Number != inc.Number || res.Created || res.Duplicate {
				t.Errorf("%s: result %+v", c.name, res)
			}
			e := lastEntry(t, w, inc.ID, desk.EntryReply)
			if e.Body != "Answer "+c.name+"." || e.Visibility != desk.Public || e.AuthorID == nil || *e.AuthorID != w.reporter.ID {
				t.Errorf("%s: entry %+v", c.name, e)
			}
		}
		if n := noErr(w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{}))(t); n != 1 {
			t.Errorf("replies opened reports: %d incidents", n)
		}
		// A client admin of the organisation may answer too; a colleague who does not see
		// the incident may not.
		if _, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.clientAdmin.Email, To: []string{replyTo}, Text: "Admin here.", MessageID: "<admin@acme.example>"}); err != nil {
			t.Errorf("client admin: %v", err)
		}
		if _, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.colleague.Email, To: []string{replyTo}, Text: "Me too.", MessageID: "<carl@acme.example>"}); !desk.IsNotFound(err) {
			t.Errorf("colleague: %v", err)
		}
	})
}

// TestMailReplyReopens: a client's reply by mail to a resolved incident is a reaction: it
// reopens the incident and the owner hears of it.
func TestMailReplyReopens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.resolved(t, "Checkout fails")
		_, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr},
			Subject: "Re: [" + inc.Number + "] Solution", Text: "It still fails for iDEAL.", MessageID: "<reopen@acme.example>"})
		if err != nil {
			t.Fatal(err)
		}
		in := noErr(w.a.Incidents.Get(ctx, actor(w.agent), inc.ID))(t)
		if in.State != desk.StateInProgress || in.AutoCloseAt != nil || in.ResolvedAt != nil {
			t.Fatalf("after the reply: %s, auto-close %v", in.State, in.AutoCloseAt)
		}
		if e := lastEntry(t, w, inc.ID, desk.EntryState); e.Event != desk.EventReopened {
			t.Errorf("last state entry %+v", e)
		}
		if ns := w.notifications(t, w.agent, desk.NotifySolutionRejected); len(ns) != 1 || *ns[0].IncidentID != inc.ID {
			t.Errorf("owner's notifications %+v", ns)
		}
		// Once closed, a reply is refused: the client reports anew.
		noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Fixed.", SolutionKind: desk.SolutionStructural}))(t)
		noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), inc.ID, desk.Transition{To: desk.StateClosed}))(t)
		_, err = w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr},
			Subject: "Re: [" + inc.Number + "] Closed", Text: "Thanks!", MessageID: "<thanks@acme.example>"})
		if desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("reply to a closed incident: %v", err)
		}
	})
}

// TestMailRefused: unknown senders, foreign addresses, other clients' incidents, staff
// reports and empty messages are refused, and a refused message writes nothing.
func TestMailRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc, n := w.mailed(t, "Printer jams")
		replyTo := noErr(w.a.Outbox.ReplyAddress(ctx, n.ID))(t)

		// Senders: active users only, and the answer never says more.
		if err := w.a.Inbox.AcceptSender(ctx, "<RITA@acme.example>"); err != nil {
			t.Errorf("reporter refused: %v", err)
		}
		for _, from := range []string{"nobody@acme.example", "", strings.Repeat("x", 300) + "@acme.example"} {
			if err := w.a.Inbox.AcceptSender(ctx, from); desk.ErrorCode(err) != desk.EUNAUTHORIZED || err.Error() != "unauthorized: unknown sender" {
				t.Errorf("sender %q: %v", from, err)
			}
		}
		noErr(w.a.Identity.UpdateUser(ctx, sys, w.colleague.ID, app.UserPatch{Active: ptrTo(false)}))(t)
		if err := w.a.Inbox.AcceptSender(ctx, w.colleague.Email); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("deactivated sender: %v", err)
		}
		if _, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: "nobody@acme.example", To: []string{replyTo}, Text: "hi", MessageID: "<x@y>"}); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("unknown sender's mail: %v", err)
		}

		// Recipients: the desk's address and genuine reply addresses only.
		for _, to := range []string{deskAddr, "<MELDPUNT@DESK.TEST>", replyTo} {
			if err := w.a.Inbox.AcceptRecipient(ctx, to); err != nil {
				t.Errorf("recipient %q: %v", to, err)
			}
		}
		forged := strings.Replace(replyTo, "+"+strconv.FormatInt(n.ID, 10)+".", "+"+strconv.FormatInt(n.ID+1, 10)+".", 1)
		for _, to := range []string{"someone@elsewhere.example", "meldpunt@elsewhere.example", "other@desk.test", forged, "meldpunt+1@desk.test"} {
			if err := w.a.Inbox.AcceptRecipient(ctx, to); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("recipient %q: %v", to, err)
			}
		}

		// A client of another organisation refers to Acme's incident every way it can.
		otto := noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "otto@other.example", Name: "Otto", Role: desk.RoleClientAdmin, Password: "long enough password"}))(t)
		before := len(noErr(w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID))(t))
		foreign := []app.InboundMail{
			{To: []string{replyTo}},
			{To: []string{deskAddr}, InReplyTo: w.a.Outbox.MessageID(n, inc.Number)},
			{To: []string{deskAddr}, References: []string{w.a.Outbox.ThreadID(inc.Number)}},
			{To: []string{deskAddr}, Subject: "Re: [" + inc.Number + "]"},
		}
		for i, m := range foreign {
			m.From, m.Text, m.MessageID = otto.Email, "Let me in.", "<foreign@other.example>"
			if _, err := w.a.Inbox.Receive(ctx, m); !desk.IsNotFound(err) {
				t.Errorf("foreign %d: %v", i, err)
			}
		}
		if after := len(noErr(w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID))(t)); after != before {
			t.Errorf("the timeline grew from %d to %d entries", before, after)
		}
		if n := noErr(w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{}))(t); n != 1 {
			t.Errorf("%d incidents", n)
		}
		// Nothing was recorded either: the same Message-ID from someone entitled lands.
		res, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{replyTo}, Text: "Mine.", MessageID: "<foreign@other.example>"})
		if err != nil || res.Duplicate || res.IncidentID != inc.ID {
			t.Errorf("after the refusals: %+v %v", res, err)
		}

		// A Message-ID of another domain is no reference: the mail opens a report.
		res, err = w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr}, Subject: "New problem",
			InReplyTo: "<" + inc.Number + ".1@elsewhere.example>", Text: "Another thing.", MessageID: "<new@acme.example>"})
		if err != nil || !res.Created || res.IncidentID == inc.ID {
			t.Errorf("foreign reference: %+v %v", res, err)
		}

		// Staff use the console for new incidents; a reply of theirs is taken.
		_, err = w.a.Inbox.Receive(ctx, app.InboundMail{From: w.agent.Email, To: []string{deskAddr}, Subject: "Outage", Text: "All down.", MessageID: "<agent@desk.example>"})
		if desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("staff report by mail: %v", err)
		}
		if _, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.agent.Email, To: []string{replyTo}, Text: "We are on it.", MessageID: "<agent2@desk.example>"}); err != nil {
			t.Errorf("staff reply: %v", err)
		}

		// A message that is only quoted history says nothing.
		_, err = w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{replyTo}, Text: "\n> We received your report.\n", MessageID: "<empty@acme.example>"})
		if desk.ErrorCode(err) != desk.EINVALID || !strings.Contains(err.Error(), "the message is empty") {
			t.Errorf("empty: %v", err)
		}
		// Mail to a reply address about nothing known, without a reference: not found.
		if _, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{"other@desk.test"}, Text: "Hello?", MessageID: "<lost@acme.example>"}); !desk.IsNotFound(err) {
			t.Errorf("to no address of the desk: %v", err)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

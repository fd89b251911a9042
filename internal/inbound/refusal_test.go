package inbound_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/inbound"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// refusals returns the log lines of refusals of a JSON log ("sender refused", "mail
// refused", …), decoded.
func refusals(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if msg, _ := rec["msg"].(string); strings.HasSuffix(msg, " refused") {
			out = append(out, rec)
		}
	}
	return out
}

// TestListenerRefusesMalformedMail: input that can never be taken gets a permanent answer
// (5xx: the sending server bounces it instead of trying again for days), a log line naming
// the remote address, the rule and the envelope sender, and nothing reaches the database.
// Issue 10, findings 1 (the SMTP half) and 9.
func TestListenerRefusesMalformedMail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		from := w.reporter.Email
		// A listener with the default limits (10 MiB), as `meldpunt serve` starts it.
		logs := &syncBuffer{}
		addr := start(t, w.a.Inbox, inbound.Config{Domain: "desk.test"}, slog.New(slog.NewJSONHandler(logs, nil)))

		head := func(id string) string {
			return "From: Rita <rita@acme.example>\r\nTo: meldpunt@desk.test\r\nSubject: Re: [" + w.inc.Number + "] Checkout fails\r\n" +
				"Message-ID: <" + id + "@acme.example>\r\n"
		}
		filler := strings.Repeat("X-Filler: "+strings.Repeat("f", 990)+"\r\n", 1100) // 1 MiB in lines of 1,000
		cases := []struct {
			name, from, to, msg string
			code                int    // the answer expected: 5xx
			rule                string // the rule in the log line
		}{
			{name: "NUL in MAIL FROM", from: "rita@acme.example\x00", msg: head("nul-from") + "\r\nhello\r\n", code: 553, rule: "sender_syntax"},
			{name: "control character in MAIL FROM", from: "rita\x01@acme.example", msg: head("ctl-from") + "\r\nhello\r\n", code: 553, rule: "sender_syntax"},
			{name: "NUL in RCPT TO", to: "meldpunt@desk.test\x00", msg: head("nul-to") + "\r\nhello\r\n", code: 553, rule: "recipient_syntax"},
			{name: "NUL in Message-ID", msg: strings.Replace(head("nul-id"), "nul-id@", "nul\x00id@", 1) + "\r\nhello\r\n", code: 554, rule: "header_characters"},
			{name: "NUL in a header", msg: head("nul-header") + "X-Mailer: a\x00b\r\n\r\nhello\r\n", code: 554, rule: "header_characters"},
			{name: "control character in Message-ID", msg: strings.Replace(head("ctl-id"), "ctl-id@", "ctl\x1bid@", 1) + "\r\nhello\r\n", code: 554, rule: "header_characters"},
			{name: "Message-ID without brackets", msg: strings.Replace(head("bare-id"), "<bare-id@acme.example>", "bare-id@acme.example", 1) + "\r\nhello\r\n", code: 554, rule: "message_id"},
			{name: "a line over 2,000 characters", msg: head("long-line") + "\r\n" + strings.Repeat("x", 2001) + "\r\n", code: 554, rule: "line_too_long"},
			{name: "a header line of 1 MiB", msg: head("long-header") + "X-Filler: " + strings.Repeat("f", 1<<20) + "\r\n\r\nhello\r\n", code: 552, rule: "header_too_large"},
			{name: "a header of 1 MiB in short lines", msg: head("big-header") + filler + "\r\nhello\r\n", code: 552, rule: "header_too_large"},
			{name: "no From header", msg: strings.Replace(head("no-from"), "From: Rita <rita@acme.example>\r\n", "", 1) + "\r\nhello\r\n", code: 554, rule: "from_required"},
			{name: "two From headers", msg: head("two-from") + "From: rita@acme.example\r\n\r\nhello\r\n", code: 554, rule: "from_required"},
			{name: "From not an address", msg: strings.Replace(head("bad-from"), "Rita <rita@acme.example>", "Rita", 1) + "\r\nhello\r\n", code: 554, rule: "from_address"},
		}
		for _, c := range cases {
			if c.from == "" {
				c.from = from
			}
			if c.to == "" {
				c.to = "meldpunt@desk.test"
			}
			before := len(refusals(t, logs.String()))
			err := send(t, addr, c.from, []string{c.to}, c.msg)
			var te *textproto.Error
			if !errors.As(err, &te) || te.Code != c.code {
				t.Errorf("%s: answer %v, want %d", c.name, err, c.code)
				continue
			}
			recs := refusals(t, logs.String())
			if len(recs) != before+1 {
				t.Errorf("%s: %d log lines of the refusal:\n%s", c.name, len(recs)-before, logs)
				continue
			}
			rec := recs[len(recs)-1]
			if rec["rule"] != c.rule || !strings.HasPrefix(rec["remote"].(string), "127.0.0.1:") || rec["from"] != strings.ToValidUTF8(c.from, "\uFFFD") {
				t.Errorf("%s: log line %v", c.name, rec)
			}
		}
		if strings.Contains(logs.String(), "hello") || strings.Contains(logs.String(), "fffff") {
			t.Errorf("a message's content is in the log:\n%.2000s", logs)
		}
		if rs := w.replies(t); len(rs) != 0 {
			t.Errorf("refused mail landed: %+v", rs)
		}

		// At the limits: a line of 2,000 characters and a From header with a name are taken,
		// and the connection still works after a refusal.
		ok := head("at-limit") + "\r\n" + strings.Repeat("y", 2000) + "\r\n"
		if err := send(t, addr, from, []string{"meldpunt@desk.test"}, ok); err != nil {
			t.Fatalf("a line of 2,000 characters: %v", err)
		}
		if rs := w.replies(t); len(rs) != 1 || len(rs[0].Body) != 2000 {
			t.Errorf("replies %+v", rs)
		}

		// NUL that only decoding reveals (an encoded word, a body) is dropped, not stored and
		// no failure: the report opens.
		encoded := "From: rita@acme.example\r\nTo: meldpunt@desk.test\r\nSubject: =?utf-8?q?Scanner=00_offline?=\r\n" +
			"Message-ID: <encoded-nul@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte("It is\x00 offline.")) + "\r\n"
		if err := send(t, addr, from, []string{"meldpunt@desk.test"}, encoded); err != nil {
			t.Fatalf("encoded NUL: %v", err)
		}
		p, err := w.a.Incidents.List(context.Background(), sys, desk.IncidentFilter{Channel: desk.ChannelEmail})
		if err != nil || len(p.Items) != 1 || p.Items[0].Title != "Scanner offline" || p.Items[0].Description != "It is offline." {
			t.Errorf("email reports %+v %v", p.Items, err)
		}
	})
}

// TestListenerAnswersAfterRefusal: after a refused message the same connection takes the
// next one, so a sending server that keeps its connection open is not confused.
func TestListenerAnswersAfterRefusal(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	addr := start(t, accepting{}, inbound.Config{}, slog.New(slog.NewJSONHandler(logs, nil)))
	c, err := textproto.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	expect := func(cmd string, want int) {
		t.Helper()
		if cmd != "" {
			if err := c.PrintfLine("%s", cmd); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := c.ReadResponse(want); err != nil {
			t.Fatalf("%.40q: %v", cmd, err)
		}
	}
	expect("", 220)
	expect("EHLO mx.acme.example", 250)
	for i, body := range []string{strings.Repeat("z", 5000), "fine"} {
		expect("MAIL FROM:<rita@acme.example>", 250)
		expect("RCPT TO:<meldpunt@desk.test>", 250)
		expect("DATA", 354)
		want := []int{554, 250}[i]
		expect("From: rita@acme.example\r\nMessage-ID: <a"+string(rune('0'+i))+"@acme.example>\r\n\r\n"+body+"\r\n.", want)
	}
	// The same over BDAT (CHUNKING): a long line in a chunk is message data, not a command.
	msg := "From: rita@acme.example\r\nMessage-ID: <b0@acme.example>\r\n\r\n" + strings.Repeat("z", 5000) + "\r\n"
	expect("MAIL FROM:<rita@acme.example>", 250)
	expect("RCPT TO:<meldpunt@desk.test>", 250)
	if _, err := c.W.WriteString("BDAT " + strconv.Itoa(len(msg)) + " LAST\r\n" + msg); err != nil || c.W.Flush() != nil {
		t.Fatal(err)
	}
	expect("", 554)
	// go-smtp's own refusals are logged too: RCPT before MAIL.
	expect("RCPT TO:<meldpunt@desk.test>", 502)
	// A command line over 2,000 characters: 500, and the connection ends.
	expect("NOOP "+strings.Repeat("n", 2001), 500)
	if _, err := c.ReadLine(); err == nil {
		t.Error("the connection is still open after a command line over the limit")
	}
	recs := refusals(t, logs.String())
	var rules []string
	for _, r := range recs {
		rules = append(rules, r["msg"].(string)+" "+r["rule"].(string))
	}
	if want := "mail refused line_too_long,mail refused line_too_long,command refused protocol,command refused line_too_long"; strings.Join(rules, ",") != want {
		t.Errorf("refusals logged: %q, want %q\n%s", rules, want, logs)
	}
}

// accepting is a receiver that takes every message.
type accepting struct{}

func (accepting) AcceptRecipient(context.Context, string) error { return nil }
func (accepting) AcceptSender(context.Context, string) error    { return nil }
func (accepting) Receive(context.Context, app.InboundMail) (app.InboundResult, error) {
	return app.InboundResult{Number: "INC-000001"}, nil
}

package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestInboxRefusesForbiddenCharacters: a sender, recipient or Message-ID with NUL or other
// control characters, or not UTF-8, is refused as invalid input (EINVALID, naming the field:
// the listener answers 5xx) before it reaches either database, where PostgreSQL would fail
// on it (EINTERNAL: 451, and the sending server tries again for days). Issue 10, finding 1.
func TestInboxRefusesForbiddenCharacters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		good := app.InboundMail{From: w.reporter.Email, To: []string{deskAddr}, Subject: "Printer jams", Text: "It jams."}
		for _, c := range []struct {
			name, field string
			call        func() error
		}{
			{"sender with NUL", "from", func() error { return w.a.Inbox.AcceptSender(ctx, w.reporter.Email+"\x00") }},
			{"sender not UTF-8", "from", func() error { return w.a.Inbox.AcceptSender(ctx, "rita\xff@acme.example") }},
			{"recipient with NUL", "to", func() error { return w.a.Inbox.AcceptRecipient(ctx, deskAddr+"\x00") }},
			{"mail from NUL", "from", func() error {
				m := good
				m.From += "\x00"
				_, err := w.a.Inbox.Receive(ctx, m)
				return err
			}},
			{"Message-ID with NUL", "message_id", func() error {
				m := good
				m.MessageID = "<a\x00b@acme.example>"
				_, err := w.a.Inbox.Receive(ctx, m)
				return err
			}},
			{"Message-ID with an escape", "message_id", func() error {
				m := good
				m.MessageID = "<a\x1bb@acme.example>"
				_, err := w.a.Inbox.Receive(ctx, m)
				return err
			}},
			{"Message-ID too long for an index", "message_id", func() error {
				m := good
				m.MessageID = "<" + strings.Repeat("m", 3000) + "@acme.example>"
				_, err := w.a.Inbox.Receive(ctx, m)
				return err
			}},
		} {
			err := c.call()
			var e *desk.Error
			if desk.ErrorCode(err) != desk.EINVALID || !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
				t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
			}
		}
		p := noErr(w.a.Incidents.List(ctx, actor(w.agent), desk.IncidentFilter{Channel: desk.ChannelEmail}))(t)
		if len(p.Items) != 0 {
			t.Errorf("refused mail opened reports: %+v", p.Items)
		}
	})
}

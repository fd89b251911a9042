package app_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestFilterTextRefused: words a list cannot be searched for (a NUL, which PostgreSQL
// cannot hold, or invalid UTF-8) and unknown values of a filter are refused by the
// service, naming the field, before they reach either database (issue 10, finding 1).
func TestFilterTextRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		for _, tc := range []struct {
			name  string
			f     desk.IncidentFilter
			field string
		}{
			{"NUL", desk.IncidentFilter{Query: "\x00"}, "q"},
			{"invalid UTF-8", desk.IncidentFilter{Query: "caf\xc3"}, "q"},
			{"too many words", desk.IncidentFilter{Query: strings.Repeat("x ", desk.MaxQuery)}, "q"},
			{"an unknown state", desk.IncidentFilter{States: []desk.State{"lost\x00"}}, "state"},
			{"an unknown kind", desk.IncidentFilter{Kind: "\xff"}, "kind"},
			{"an unknown channel", desk.IncidentFilter{Channel: "fax"}, "channel"},
			{"an unknown assessment", desk.IncidentFilter{Assessment: "maybe"}, "assessment"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := w.a.Incidents.List(ctx, actor(w.agent), tc.f)
				checkField(t, "List", err, tc.field)
				_, err = w.a.Incidents.Count(ctx, actor(w.reporter), tc.f)
				checkField(t, "Count", err, tc.field)
				_, err = w.a.Incidents.Queue(ctx, actor(w.agent), tc.f)
				checkField(t, "Queue", err, tc.field)
			})
		}
		admin := noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "root@desk.example", Name: "Root",
			Role: desk.RoleAdmin, Password: "long enough password"}))(t)
		_, err := w.a.Audit.List(ctx, actor(admin), desk.AuditFilter{Entity: "incident\x00"})
		checkField(t, "Audit.List", err, "entity")
	})
}

func checkField(t *testing.T, what string, err error, field string) {
	t.Helper()
	e, ok := err.(*desk.Error)
	if !ok || e.Code != desk.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != field {
		t.Errorf("%s: %v, want invalid %s", what, err, field)
	}
}

// TestMailDisguisedText: a subject of zero-width characters only does not become an
// invisible title (the text's first line does), a right-to-left override in a subject is
// dropped, and one left open in the text is dropped from its line, so mail is taken rather
// than refused by the rules of desk.Validator.Text (issue 10, finding 11).
func TestMailDisguisedText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		for _, tc := range []struct {
			name, subject, text string
			title, description  string
		}{
			{"zero-width subject", "\u200b\u200d\ufeff", "Printer down\nsince 9:00", "Printer down", "Printer down\nsince 9:00"},
			{"override in the subject", "Re: invoice \u202egnp.exe", "See the attachment.", "invoice gnp.exe", "See the attachment."},
			{"override left open in the text", "Invoice", "open \u202egnp.exe\nquote: \u2067abc\u2069", "Invoice", "open gnp.exe\nquote: \u2067abc\u2069"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := w.a.Inbox.Receive(ctx, app.InboundMail{From: w.reporter.Email, To: []string{deskAddr},
					Subject: tc.subject, Text: tc.text, MessageID: "<" + strings.ReplaceAll(tc.name, " ", "-") + "@acme.example>"})
				if err != nil || !res.Created {
					t.Fatalf("not taken: %+v %v", res, err)
				}
				inc := noErr(w.a.Incidents.Get(ctx, actor(w.reporter), res.IncidentID))(t)
				if inc.Title != tc.title || inc.Description != tc.description {
					t.Errorf("title %+q, description %+q", inc.Title, inc.Description)
				}
			})
		}
	})
}

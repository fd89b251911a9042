package email_test

import (
	"context"
	"mime"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email"
)

// TestPreviewIsWhatIsSent: the outbox page's preview of an email has the headers of the
// .eml file the same Mailer writes, in order, decoded (an accented subject, a name), and
// its two bodies; only the MIME boundary differs between two builds.
func TestPreviewIsWhatIsSent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := email.NewMailer(email.NewDir(dir), newRenderer(t))
	e := app.Email{
		From: app.Address{Name: "Servicedesk", Email: "desk@example.com"}, To: app.Address{Name: "Zoë Jansen", Email: "zoe@example.com"},
		ReplyTo: "desk+7.abc@example.com", Locale: desk.LocaleNL, Kind: desk.NotifyUpdate, Product: "Meldpunt",
		Payload: map[string]any{"body": "Wij kijken ernaar."}, Number: "INC-000012", Title: "Kassa’s starten niet",
		IncidentURL: "https://desk.example.com/incidents/INC-000012", MessageID: "<INC-000012.7@example.com>",
		InReplyTo: "<INC-000012@example.com>", References: []string{"<INC-000012@example.com>"},
		Date: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), Headers: map[string]string{"X-Meldpunt-Kind": desk.NotifyUpdate},
	}
	p, err := m.Preview(e)
	if err != nil {
		t.Fatal(err)
	}
	path, err := m.Send(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sent, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if len(p.Headers) != len(sent.Header) {
		t.Errorf("%d headers in the preview, %d in the file", len(p.Headers), len(sent.Header))
	}
	for _, h := range p.Headers {
		want, _ := dec.DecodeHeader(sent.Header.Get(h.Name))
		if h.Name == "Content-Type" {
			want, h.Value = strings.Split(want, ";")[0], strings.Split(h.Value, ";")[0]
		}
		if h.Value != want {
			t.Errorf("%s: preview %q, sent %q", h.Name, h.Value, want)
		}
	}
	if !strings.Contains(p.Subject, "Kassa’s starten niet") || !strings.HasPrefix(p.Subject, "[INC-000012]") {
		t.Errorf("subject %q", p.Subject)
	}
	if !strings.Contains(p.Text, "Zoë Jansen") || !strings.Contains(p.HTML, "Zoë Jansen") || !strings.Contains(p.HTML, "<html") {
		t.Errorf("bodies:\n%s\n%s", p.Text, p.HTML)
	}
	var to string
	for _, h := range p.Headers {
		if h.Name == "To" {
			to = h.Value
		}
	}
	if !strings.Contains(to, "Zoë Jansen") || !strings.Contains(to, "<zoe@example.com>") {
		t.Errorf("To %q", to)
	}
}

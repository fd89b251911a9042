package mailtest_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/email/mailtest"
)

func msg(id string) email.Message {
	return email.Message{
		From: email.Address{Email: "desk@example.com"}, To: email.Address{Name: "Jan", Email: "jan@example.com"},
		Subject: "Hi", Text: "Hello\n", HTML: "<p>Hello</p>", MessageID: "<" + id + "@example.com>",
	}
}

// Stop drops a held connection, so the sender learns of it; a message held is never
// recorded, and a restarted server on the same address accepts again.
func TestStopEndsAHeldDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []mailtest.Option
		tls  string
	}{
		{"plain", nil, "none"},
		{"implicit TLS", []mailtest.Option{mailtest.WithImplicitTLS()}, "tls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, append(tc.opts, mailtest.WithHold())...)
			s, err := email.NewSMTP(email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: tc.tls, TLSConfig: srv.ClientTLS()})
			if err != nil {
				t.Fatal(err)
			}
			errc := make(chan error, 1)
			go func() {
				_, err := s.Send(context.Background(), msg("held"))
				errc <- err
			}()
			held := <-srv.Holding()
			if held.Subject != "Hi" || held.Text != "Hello\r\n" && held.Text != "Hello\n" {
				t.Errorf("held %+v", held)
			}
			srv.Stop()
			if err := <-errc; err == nil {
				t.Fatal("a held delivery succeeded")
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("%d messages recorded", n)
			}
			srv.SetHold(false)
			srv.Restart(t)
			for i, id := range []string{"a", "b"} {
				if _, err := s.Send(context.Background(), msg(id)); err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			got := srv.Wait(t, 2)
			if len(got) != 2 || !strings.HasPrefix(got[1].Header.Get("Message-ID"), "<b@") || got[0].HTML != "<p>Hello</p>" {
				t.Errorf("got %d messages: %+v", len(got), got)
			}
			if srv.Attempts() != 3 {
				t.Errorf("%d attempts, want 3", srv.Attempts())
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	raw := "Subject: =?UTF-8?q?Storing_=E2=80=93_=C3=A9?=\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"w6k=\r\n" +
		"--b\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>=C3=A9</p>\r\n--b--\r\n"
	got := mailtest.Parse([]byte(raw))
	if got.ParseError != "" || got.Subject != "Storing – é" || got.Text != "é" || got.HTML != "<p>é</p>" {
		t.Errorf("Parse: %+v", got)
	}
	if bad := mailtest.Parse([]byte("no header at all")); bad.ParseError == "" {
		t.Error("no parse error for a message without header")
	}
}

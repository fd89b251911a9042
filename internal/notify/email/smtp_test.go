package email_test

import (
	"context"
	"errors"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/email/mailtest"
)

// message is a notification as the outbox sends it, with non-ASCII in the subject, names
// and bodies.
func message() email.Message {
	return email.Message{
		From:       email.Address{Name: "Servicedesk Zoë", Email: "desk@desk.example.com"},
		To:         email.Address{Name: "Jan \"JJ\" de Vries", Email: "jan@example.com"},
		ReplyTo:    "desk+45.k3jxabcdefghijkl@desk.example.com",
		Subject:    "[INC-000123] Nieuwe update: Storing – é",
		Text:       "Beste Jan,\n\nDe storing – é – is verholpen. " + strings.Repeat("lang ", 40) + "\n\n-- \nAcme\n",
		HTML:       "<p>Beste Jan,</p>\n<p>De storing – é – is verholpen.</p>\n",
		MessageID:  "<INC-000123.45@desk.example.com>",
		InReplyTo:  "<INC-000123@desk.example.com>",
		References: []string{"<INC-000123@desk.example.com>"},
		Date:       time.Date(2026, 1, 12, 13, 30, 0, 0, time.UTC),
		Headers:    map[string]string{"Auto-Submitted": "auto-generated", "X-Meldpunt-Kind": "incident_update"},
	}
}

func sender(t *testing.T, c email.SMTPConfig) email.Sender {
	t.Helper()
	s, err := email.NewSMTP(c)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

// checkReceived compares what arrived with what was sent.
func checkReceived(t *testing.T, got mailtest.Received, m email.Message) {
	t.Helper()
	if got.ParseError != "" {
		t.Fatalf("the message does not parse: %s\n%s", got.ParseError, got.Raw)
	}
	h := got.Header
	for name, want := range map[string]string{
		"Message-ID":      m.MessageID,
		"In-Reply-To":     m.InReplyTo,
		"References":      strings.Join(m.References, " "),
		"Auto-Submitted":  "auto-generated",
		"X-Meldpunt-Kind": "incident_update",
		"MIME-Version":    "1.0",
	} {
		if h.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, h.Get(name), want)
		}
	}
	if got.Subject != m.Subject {
		t.Errorf("subject %q, want %q", got.Subject, m.Subject)
	}
	if d, err := h.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("Date %q (%v), want %v", h.Get("Date"), err, m.Date)
	}
	for name, want := range map[string]email.Address{"From": m.From, "To": m.To, "Reply-To": {Email: m.ReplyTo}} {
		as, err := h.AddressList(name)
		if err != nil || len(as) != 1 || as[0].Address != want.Email || as[0].Name != want.Name {
			t.Errorf("%s = %q (%v), want %q <%s>", name, h.Get(name), err, want.Name, want.Email)
		}
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type %q, want multipart/alternative", ct)
	}
	crlf := strings.NewReplacer("\r\n", "\n")
	if crlf.Replace(got.Text) != m.Text {
		t.Errorf("text part:\n%q\nwant\n%q", got.Text, m.Text)
	}
	if crlf.Replace(got.HTML) != m.HTML {
		t.Errorf("HTML part:\n%q\nwant\n%q", got.HTML, m.HTML)
	}
	if strings.Contains(string(got.Raw), "<<") {
		t.Errorf("doubled angle brackets:\n%s", got.Raw)
	}
	for _, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("a line of %d characters", len(line))
		}
	}
}

func TestSMTPSendsAndThreads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []mailtest.Option
		cfg  func(s *mailtest.Server) email.SMTPConfig
	}{
		{"no TLS", nil, func(s *mailtest.Server) email.SMTPConfig {
			return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: "none"}
		}},
		{"STARTTLS", []mailtest.Option{mailtest.WithTLS()}, func(s *mailtest.Server) email.SMTPConfig {
			return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLSConfig: s.ClientTLS()} // "" is starttls
		}},
		{"implicit TLS", []mailtest.Option{mailtest.WithImplicitTLS()}, func(s *mailtest.Server) email.SMTPConfig {
			return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: "tls", TLSConfig: s.ClientTLS()}
		}},
		{"STARTTLS with authentication", []mailtest.Option{mailtest.WithTLS(), mailtest.WithAuth("desk", "s3cret")},
			func(s *mailtest.Server) email.SMTPConfig {
				return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: "starttls", TLSConfig: s.ClientTLS(),
					Username: "desk", Password: "s3cret", LocalName: "meldpunt.test"}
			}},
		{"implicit TLS with authentication", []mailtest.Option{mailtest.WithImplicitTLS(), mailtest.WithAuth("desk", "s3cret")},
			func(s *mailtest.Server) email.SMTPConfig {
				return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: "tls", TLSConfig: s.ClientTLS(),
					Username: "desk", Password: "s3cret"}
			}},
		{"authentication to localhost without TLS", []mailtest.Option{mailtest.WithAuth("desk", "s3cret")},
			func(s *mailtest.Server) email.SMTPConfig {
				return email.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: "none", Username: "desk", Password: "s3cret"}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := mailtest.Start(t, c.opts...)
			m := message()
			loc, err := sender(t, c.cfg(srv)).Send(context.Background(), m)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if want := "smtp://" + srv.Addr(); loc != want {
				t.Errorf("location %q, want %q", loc, want)
			}
			got := srv.Wait(t, 1)
			if len(got) != 1 {
				t.Fatalf("%d messages arrived, want 1", len(got))
			}
			if got[0].From != m.From.Email || len(got[0].To) != 1 || got[0].To[0] != m.To.Email {
				t.Errorf("envelope %s → %v, want %s → %s", got[0].From, got[0].To, m.From.Email, m.To.Email)
			}
			checkReceived(t, got[0], m)
		})
	}
}

func TestSMTPTextOnly(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	m := message()
	m.HTML, m.InReplyTo, m.References, m.ReplyTo = "", "", nil, ""
	if _, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "UTF-8") {
		t.Errorf("Content-Type %q, want text/plain in UTF-8", ct)
	}
	for _, h := range []string{"In-Reply-To", "References", "Reply-To"} {
		if v, ok := got.Header[h]; ok {
			t.Errorf("%s: %q, want none", h, v)
		}
	}
	if strings.ReplaceAll(got.Text, "\r\n", "\n") != m.Text {
		t.Errorf("text %q", got.Text)
	}
}

func TestSMTPFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("STARTTLS is required", func(t *testing.T) {
		srv := mailtest.Start(t) // offers no STARTTLS
		_, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "starttls"}).Send(ctx, message())
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("Send to a server without STARTTLS: %v, want an error about STARTTLS", err)
		}
		if n := srv.Attempts(); n != 0 {
			t.Errorf("the server got %d messages", n)
		}
	})
	t.Run("the certificate is checked", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithTLS())
		_, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port()}).Send(ctx, message())
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("Send with an untrusted certificate: %v", err)
		}
		if n := srv.Attempts(); n != 0 {
			t.Errorf("the server got %d messages", n)
		}
	})
	t.Run("a wrong password", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("desk", "s3cret"))
		_, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLSConfig: srv.ClientTLS(),
			Username: "desk", Password: "wrong-password"}).Send(ctx, message())
		if err == nil {
			t.Fatal("Send with a wrong password succeeded")
		}
		if strings.Contains(err.Error(), "wrong-password") {
			t.Errorf("the error shows the password: %v", err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("a message arrived")
		}
	})
	t.Run("no credentials where the server requires them", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("desk", "s3cret"))
		_, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLSConfig: srv.ClientTLS()}).Send(ctx, message())
		if err == nil {
			t.Fatal("Send without credentials succeeded")
		}
	})
	t.Run("rejected, then accepted", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithReject(451))
		s := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none"})
		if _, err := s.Send(ctx, message()); err == nil || !strings.Contains(err.Error(), "451") {
			t.Fatalf("Send to a server answering 451: %v", err)
		}
		srv.SetReject(550)
		if _, err := s.Send(ctx, message()); err == nil || !strings.Contains(err.Error(), "550") {
			t.Fatalf("Send to a server answering 550: %v", err)
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("a rejected message was recorded")
		}
		srv.SetReject(0)
		if _, err := s.Send(ctx, message()); err != nil {
			t.Fatal(err)
		}
		if got := srv.Wait(t, 1); len(got) != 1 || srv.Attempts() != 3 {
			t.Errorf("%d recorded after %d attempts, want 1 after 3", len(got), srv.Attempts())
		}
	})
	t.Run("down, then back on the same address", func(t *testing.T) {
		srv := mailtest.Start(t)
		port := srv.Port()
		s := sender(t, email.SMTPConfig{Host: srv.Host(), Port: port, TLS: "none"})
		srv.Stop()
		if _, err := s.Send(ctx, message()); err == nil {
			t.Fatal("Send to a stopped server succeeded")
		}
		srv.Restart(t)
		if srv.Port() != port {
			t.Fatalf("restarted on port %d, want %d", srv.Port(), port)
		}
		if _, err := s.Send(ctx, message()); err != nil {
			t.Fatalf("Send after the restart: %v", err)
		}
		srv.Wait(t, 1)
	})
	t.Run("a bad message never reaches the server", func(t *testing.T) {
		srv := mailtest.Start(t)
		s := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none"})
		bad := map[string]func(*email.Message){
			"no recipient":          func(m *email.Message) { m.To.Email = "" },
			"no sender":             func(m *email.Message) { m.From.Email = "" },
			"recipient no address":  func(m *email.Message) { m.To.Email = "jan at example.com" },
			"a reserved header":     func(m *email.Message) { m.Headers["Bcc"] = "spy@example.com" },
			"a bad header name":     func(m *email.Message) { m.Headers["X-Bad: injected\r\nBcc"] = "x" },
			"a Message-ID with CRs": func(m *email.Message) { m.MessageID = "<a\r\nBcc: spy@example.com>" },
		}
		for name, spoil := range bad {
			m := message()
			spoil(&m)
			if _, err := s.Send(ctx, m); err == nil {
				t.Errorf("%s: Send succeeded", name)
			}
		}
		if n := srv.Attempts(); n != 0 {
			t.Errorf("%d bad messages reached the server", n)
		}
	})
}

// Line breaks in a subject or header value never make new headers.
func TestSMTPNoHeaderInjection(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	m := message()
	m.Subject = "Hello\r\nBcc: spy@example.com"
	m.Headers["X-Meldpunt-Kind"] = "x\r\nBcc: spy@example.com"
	m.To.Name = "Jan\r\nBcc: spy@example.com"
	if _, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	if _, ok := got.Header["Bcc"]; ok || len(got.To) != 1 {
		t.Fatalf("a Bcc header was injected:\n%s", got.Raw)
	}
	if got.Subject != "Hello Bcc: spy@example.com" {
		t.Errorf("subject %q", got.Subject)
	}
}

// A Send gives up as soon as its context ends, even while the server keeps it waiting for
// the answer to DATA; the held message is not recorded, and sending it again delivers it
// with the same Message-ID.
func TestSMTPHonoursContext(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithHold())
	s := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none", Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := s.Send(ctx, message())
		errc <- err
	}()
	var held mailtest.Received
	select {
	case held = <-srv.Holding():
	case <-time.After(mailtest.WaitTimeout): // a guard against a hang, not a timed assertion
		t.Fatal("the server never got the message")
	}
	if held.Header.Get("Message-ID") != message().MessageID {
		t.Errorf("held %q", held.Header.Get("Message-ID"))
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(mailtest.WaitTimeout):
		t.Fatal("Send did not return after its context was cancelled")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("a held message was recorded (%d)", n)
	}

	srv.SetHold(false)
	if _, err := s.Send(context.Background(), message()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Wait(t, 1); got[0].Header.Get("Message-ID") != message().MessageID || srv.Attempts() != 2 {
		t.Errorf("resent %q after %d attempts", got[0].Header.Get("Message-ID"), srv.Attempts())
	}

	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := s.Send(cancelled, message()); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context: %v", err)
	}
}

func TestNewSMTPValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		c    email.SMTPConfig
		want string // "" when valid
	}{
		{"valid", email.SMTPConfig{Host: "smtp.example.com", Port: 587}, ""},
		{"valid implicit", email.SMTPConfig{Host: "smtp.example.com", Port: 465, TLS: "TLS"}, ""},
		{"valid IPv6", email.SMTPConfig{Host: "::1", Port: 25, TLS: "none"}, ""},
		{"no host", email.SMTPConfig{Port: 587}, "host: required"},
		{"host with port", email.SMTPConfig{Host: "smtp.example.com:587", Port: 587}, "host: must be"},
		{"port zero", email.SMTPConfig{Host: "smtp.example.com"}, "port: must be between 1 and 65535"},
		{"port too high", email.SMTPConfig{Host: "smtp.example.com", Port: 65536}, "port: must be between 1 and 65535"},
		{"unknown TLS", email.SMTPConfig{Host: "smtp.example.com", Port: 587, TLS: "ssl"}, `tls: must be one of starttls, tls, none, not "ssl"`},
		{"negative timeout", email.SMTPConfig{Host: "smtp.example.com", Port: 587, Timeout: -time.Second}, "timeout: must not be negative"},
		{"password without user", email.SMTPConfig{Host: "smtp.example.com", Port: 587, Password: "x"}, "username: required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := email.NewSMTP(c.c)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("NewSMTP: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("NewSMTP: %v, want an error with %q", err, c.want)
			}
			if err == nil && s == nil {
				t.Fatal("no sender")
			}
		})
	}
	s := sender(t, email.SMTPConfig{Host: "smtp.example.com", Port: 587, Username: "desk", Password: "hunter2"})
	if d := s.Describe(); d != "SMTP smtp.example.com:587 (starttls)" {
		t.Errorf("Describe() = %q", d)
	}
	s = sender(t, email.SMTPConfig{Host: "::1", Port: 465, TLS: "tls", Password: "hunter2", Username: "u"})
	if d := s.Describe(); d != "SMTP [::1]:465 (tls)" || strings.Contains(d, "hunter2") {
		t.Errorf("Describe() = %q", d)
	}
}

// The sender parses addresses the way net/mail does: the test's own check of the header
// values above relies on it.
func TestAddressesRoundTrip(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	m := message()
	m.From.Name = "Ünïcode, \"quoted\" <name>"
	if _, err := sender(t, email.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: "none"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	a, err := netmail.ParseAddress(got.Header.Get("From"))
	if err != nil || a.Name != m.From.Name || a.Address != m.From.Email {
		t.Errorf("From %q → %v, %v", got.Header.Get("From"), a, err)
	}
}

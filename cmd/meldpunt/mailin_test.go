package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
)

// mailAddr returns the address of the JSON log record "listening for mail", if any.
func mailAddr(logs string) string {
	for line := range strings.Lines(logs) {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening for mail" {
			return rec.Addr
		}
	}
	return ""
}

// TestServeListensForMail: with --smtp-listen, serve takes mail from its users (a demo
// client's new mail opens a report), refuses strangers, and stops listening when it stops.
func TestServeListensForMail(t *testing.T) {
	t.Parallel()
	in := serveInstance(t, env{"MELDPUNT_DATA": t.TempDir(), "MELDPUNT_DEMO": "true"}, "--addr", "127.0.0.1:0", "--smtp-listen", "127.0.0.1:0")
	addr := mailAddr(in.stderr.String())
	if addr == "" {
		t.Fatalf("no \"listening for mail\" in the log:\n%s", in.stderr)
	}
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var te *textproto.Error
	if err := c.Mail("stranger@example.com"); !errors.As(err, &te) || te.Code != 550 {
		t.Errorf("a stranger: %v", err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("user@acme.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("meldpunt@localhost"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("From: user@acme.example\r\nSubject: Printer jams\r\nMessage-ID: <p1@acme.example>\r\n\r\nThe printer jams.\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("a client's new report: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if logs := in.stderr.String(); !strings.Contains(logs, `"msg":"mail received"`) || !strings.Contains(logs, `"created":true`) {
		t.Errorf("no receipt in the log:\n%s", logs)
	}
	if err := in.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("still listening for mail on %s after serve returned", addr)
	}
}

func TestServeRefusesAMailAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, _, err = run(t, env{}, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--smtp-listen", addr)
	if err == nil || !strings.Contains(err.Error(), "listen for incoming mail on "+addr+" (--smtp-listen)") {
		t.Errorf("serve with --smtp-listen %s taken: %v", addr, err)
	}
}

func TestSMTPListenSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  env
		args []string
		want string
	}{
		{args: []string{"--smtp-listen", "127.0.0.1:2525"}, want: "127.0.0.1:2525"},
		{env: env{"MELDPUNT_SMTP_LISTEN": ":2525"}, want: ":2525"},
		{env: env{"MELDPUNT_SMTP_LISTEN": ":2525"}, args: []string{"--smtp-listen="}, want: ""},
		{want: ""},
	} {
		inv, err := parse(tc.args, func(k string) string { return tc.env[k] })
		if err != nil || inv.cfg.SMTPListen != tc.want {
			t.Errorf("%v %v: %q %v, want %q", tc.env, tc.args, inv.cfg.SMTPListen, err, tc.want)
		}
	}
	_, err := parse([]string{"--smtp-listen", "2525"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "-smtp-listen: must be host:port") {
		t.Errorf("a bad address: %v", err)
	}
	if _, err := parse([]string{"migrate", "--smtp-listen", ":2525"}, func(string) string { return "" }); err == nil {
		t.Error("migrate takes --smtp-listen")
	}
}

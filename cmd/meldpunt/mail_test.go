package main

import (
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/notify/email/mailtest"
)

// TestServeSendsMailOverSMTP: with --smtp-host the deliver job sends the demo's messages to
// the server, from --mail-from, signed in with the password from the environment, which
// never shows in the logs.
func TestServeSendsMailOverSMTP(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithAuth("desk", "pw-from-env"))
	in := serveInstance(t, env{"MELDPUNT_SMTP_PASSWORD": "pw-from-env"}, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--demo",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(srv.Port()), "--smtp-tls", "none", "--smtp-user", "desk",
		"--mail-from", "Servicedesk <desk@example.test>")
	got := srv.Wait(t, 1)[0]
	if a, err := mail.ParseAddress(got.Header.Get("From")); err != nil || a.Address != "desk@example.test" || got.From != "desk@example.test" {
		t.Errorf("From %q, envelope %q", got.Header.Get("From"), got.From)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	logs := in.stderr.String()
	if strings.Contains(logs, "pw-from-env") {
		t.Errorf("the SMTP password is in the logs:\n%s", logs)
	}
	if rec := logRecord(t, logs, "sending mail"); rec["via"] != "SMTP "+srv.Addr()+" (none)" || rec["from"] != "desk@example.test" {
		t.Errorf("the start log says %v", rec)
	}
}

// TestServeWritesMailFiles: without --smtp-host the messages become .eml files in
// <data>/outbox.
func TestServeWritesMailFiles(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	in := serveInstance(t, env{}, "--addr", "127.0.0.1:0", "--data", data, "--demo")
	outbox := filepath.Join(data, "outbox")
	var files []string
	for deadline := time.Now().Add(time.Minute); len(files) == 0; { // a guard, not a timed assertion
		if time.Now().After(deadline) {
			t.Fatalf("no .eml file in %s within a minute", outbox)
		}
		time.Sleep(20 * time.Millisecond)
		files, _ = filepath.Glob(filepath.Join(outbox, "*.eml"))
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if m := mailtest.Parse(raw); m.ParseError != "" || !strings.HasSuffix(m.Header.Get("Message-Id"), "@localhost>") {
		t.Errorf("%s: %s, Message-ID %q", files[0], m.ParseError, m.Header.Get("Message-Id"))
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if rec := logRecord(t, in.stderr.String(), "sending mail"); rec["via"] != ".eml files in "+outbox {
		t.Errorf("the start log says %v", rec)
	}
}

// logRecord returns the first JSON log record whose msg is msg.
func logRecord(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	t.Errorf("no %q record in the logs:\n%s", msg, logs)
	return nil
}

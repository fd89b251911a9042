package email_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/email/mailtest"
)

func TestDirWritesEmlFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox", "new") // created when missing
	s := email.NewDir(dir)
	if d := s.Describe(); d != ".eml files in "+dir {
		t.Errorf("Describe() = %q", d)
	}
	m := message()
	path, err := s.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "20260112-133000-INC-000123-45.eml"); path != want {
		t.Errorf("path %q, want %q", path, want)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&^0o750 != 0 {
		t.Errorf("directory mode %v (%v), want at most 0750", fi.Mode(), err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkReceived(t, mailtest.Parse(raw), m)

	// The same message again (a retry) replaces the file; no temporary file stays behind.
	m.Text = "Second attempt.\n"
	again, err := s.Send(context.Background(), m)
	if err != nil || again != path {
		t.Fatalf("rewrite: %q, %v; want %q", again, err, path)
	}
	raw, _ = os.ReadFile(path)
	if got := mailtest.Parse(raw); strings.ReplaceAll(got.Text, "\r\n", "\n") != m.Text {
		t.Errorf("rewritten text %q", got.Text)
	}

	// A message about no incident, and one with odd characters in its id.
	other := message()
	other.MessageID = "<n46@desk.example.com>"
	odd := message()
	odd.MessageID = "<INC-7/../..%.9_x@desk.example.com>"
	for _, mm := range []email.Message{other, odd} {
		if _, err := s.Send(context.Background(), mm); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"20260112-133000-INC-000123-45.eml", "20260112-133000-INC-7-9-x.eml", "20260112-133000-n-46.eml"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v (no temporary files)", names, want)
	}
}

func TestDirRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := email.NewDir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Send(ctx, message()); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context: %v", err)
	}
	bad := message()
	bad.To.Email = ""
	if _, err := s.Send(context.Background(), bad); err == nil {
		t.Error("a message without recipient was written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	// A directory that cannot be made: a file is in the way.
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := email.NewDir(filepath.Join(blocked, "outbox")).Send(context.Background(), message()); err == nil {
		t.Error("Send into a directory that cannot exist succeeded")
	}
}

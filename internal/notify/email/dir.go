package email

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// NewDir returns a Sender that writes each message as an .eml file into dir, created
// (0750) when missing: the zero-configuration transport, whose files any mail program
// opens. A file is named <yyyymmdd-hhmmss>-<number>-<id>.eml after the message's Date (UTC)
// and Message-ID ("<INC-000123.45@desk>" gives 20261122-101500-INC-000123-45.eml; a message
// about no incident, "<n45@desk>", gives …-n-45.eml). Writing the same message again
// replaces its file. A file appears whole or not at all: it is written under a temporary
// name in dir and then renamed.
func NewDir(dir string) Sender { return dirSender{dir: dir} }

type dirSender struct{ dir string }

// Describe says ".eml files in <dir>".
func (s dirSender) Describe() string { return ".eml files in " + s.dir }

// Send writes m and returns the file's path.
func (s dirSender) Send(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	msg, err := build(m)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return "", fmt.Errorf("mail: create the outbox directory: %w", err)
	}
	path := filepath.Join(s.dir, fileName(m))
	tmp, err := os.CreateTemp(s.dir, ".writing-*.eml.tmp")
	if err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := msg.WriteTo(tmp); err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o640); err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("mail: write %s: %w", path, err)
	}
	done = true
	return path, nil
}

// fileName is <yyyymmdd-hhmmss>-<number or n>-<id>.eml, from the Date and the Message-ID's
// part before the "@": "INC-000123.45" → "INC-000123-45", "n45" → "n-45". Only
// [A-Za-z0-9.-] remain. Without a Message-ID the id is a hash of the recipient, subject
// and text, so the same message still gets the same name.
func fileName(m Message) string {
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	local, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(m.MessageID), "<"), "@")
	number, id := "n", ""
	if i := strings.LastIndexByte(local, '.'); i > 0 && i < len(local)-1 {
		number, id = local[:i], local[i+1:]
	} else if len(local) > 1 && local[0] == 'n' && strings.Trim(local[1:], "0123456789") == "" {
		id = local[1:]
	} else {
		id = local
	}
	if id = sanitise(id); id == "" {
		h := sha256.Sum256([]byte(m.To.Email + "\x00" + m.Subject + "\x00" + m.Text))
		id = hex.EncodeToString(h[:6])
	}
	if number = sanitise(number); number == "" {
		number = "n"
	}
	return date.UTC().Format("20060102-150405") + "-" + number + "-" + id + ".eml"
}

// sanitise keeps [A-Za-z0-9.-] and replaces anything else with "-"; no name starts with a
// dot or gets longer than 100 characters.
func sanitise(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
		if !ok {
			b[i] = '-'
		}
	}
	s = strings.Trim(string(b), ".-")
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

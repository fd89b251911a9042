package inbound

import (
	"strings"
	"testing"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// The fuzz targets of the inbound mail parsers (issue 10). Their seeds are in
// testdata/fuzz/<target>/ and run with every `go test`; `go test -fuzz=FuzzParse` (or
// scripts/fuzz) searches further.

// clean tells whether s may be handed on: valid UTF-8 without NUL.
func clean(s string) bool { return utf8.ValidString(s) && !strings.Contains(s, "\x00") }

// FuzzParse: any message either is refused or reads as a sender, a valid Message-ID and text,
// subject, references and files that are valid UTF-8 without NUL, within their limits.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parse(raw)
		if err != nil {
			return
		}
		if m.from == "" || !clean(m.from) {
			t.Errorf("from %q", m.from)
		}
		if !validMessageID(m.messageID) {
			t.Errorf("Message-ID %q", m.messageID)
		}
		for name, s := range map[string]string{"subject": m.subject, "text": m.text, "in-reply-to": m.inReplyTo,
			"references": strings.Join(m.references, " ")} {
			if !clean(s) {
				t.Errorf("%s %q is not clean", name, s)
			}
		}
		if len(m.text) > maxTextBytes || len(m.subject) > 3*len(raw) {
			t.Errorf("text of %d bytes, subject of %d, from %d", len(m.text), len(m.subject), len(raw))
		}
		if len(m.files) > desk.MaxAttachments {
			t.Errorf("%d files", len(m.files))
		}
		for _, file := range m.files {
			if !clean(file.Name) || file.Name == "" || len(file.Data) == 0 || len(file.Data) > desk.MaxAttachment {
				t.Errorf("file %q of %d bytes", file.Name, len(file.Data))
			}
		}
	})
}

// FuzzHTMLText: HTML made text is valid UTF-8 when the HTML is, has no NUL when it had none,
// and grows at most linearly (however deeply block quotes nest).
func FuzzHTMLText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlText(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("not UTF-8: %q", out)
		}
		if !strings.Contains(s, "\x00") && strings.Contains(out, "\x00") {
			t.Errorf("NUL: %q", out)
		}
		if len(out) > (2*maxQuoteDepth+8)*len(s)+1 {
			t.Errorf("%d bytes of text from %d of HTML", len(out), len(s))
		}
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, strings.Repeat("> ", maxQuoteDepth+1)) {
				t.Errorf("quoted deeper than %d: %.80q", maxQuoteDepth, line)
			}
		}
	})
}

// FuzzDecodeHeader: a header's encoded words decode to valid UTF-8 without NUL, at most four
// times as long (a byte of a single-byte charset is up to three in UTF-8).
func FuzzDecodeHeader(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		out := decodeHeader(s)
		if !clean(out) {
			t.Errorf("not clean: %q", out)
		}
		if len(out) > 4*len(s) {
			t.Errorf("%d bytes from %d", len(out), len(s))
		}
		if clean(s) && !strings.Contains(s, "=?") && out != s {
			t.Errorf("plain %q became %q", s, out)
		}
	})
}

// FuzzDecodeCharset: text in any charset, known or not, becomes valid UTF-8 without NUL, at
// most four times as long.
func FuzzDecodeCharset(f *testing.F) {
	f.Fuzz(func(t *testing.T, charset string, data []byte) {
		out := decodeCharset(charset, data)
		if !clean(out) {
			t.Errorf("not clean: %q", out)
		}
		if len(out) > 4*len(data) {
			t.Errorf("%d bytes from %d in %q", len(out), len(data), charset)
		}
	})
}

// TestParseBounded: what a message can make the parser build is bounded by the message,
// not by the square of it: deeply nested HTML quotes get at most maxQuoteDepth "> " per
// line, and the text of many text parts is cut at maxTextBytes.
func TestParseBounded(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<blockquote>", 3000) + strings.Repeat("x<br>", 3000)
	if out := htmlText(deep); len(out) > 3000*(2*maxQuoteDepth+2) {
		t.Errorf("%d bytes of text from %d of HTML", len(out), len(deep))
	}
	var b strings.Builder
	b.WriteString("From: rita@acme.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for range maxParts - 1 {
		b.WriteString("--b\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat(strings.Repeat("t", 999)+"\r\n", 10) + "\r\n")
	}
	b.WriteString("--b--\r\n")
	m, err := parse([]byte(b.String()))
	if err != nil || len(m.text) > maxTextBytes || len(m.text) < maxTextBytes/2 {
		t.Errorf("text of %d bytes (at most %d): %v", len(m.text), maxTextBytes, err)
	}
}

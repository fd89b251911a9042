package email

import (
	"bufio"
	"bytes"
	"fmt"
	"mime"
	"strings"

	"meldpunt/internal/app"
)

// Preview renders e and builds it into the MIME message both transports send, without
// sending it (app.MailPreviewer): the outbox page shows a message's headers exactly as
// they are written, with their values decoded to text, and its two bodies.
func (m *Mailer) Preview(e app.Email) (app.MailPreview, error) {
	msg, err := m.message(e)
	if err != nil {
		return app.MailPreview{}, err
	}
	built, err := build(msg)
	if err != nil {
		return app.MailPreview{}, err
	}
	var raw bytes.Buffer
	if _, err := built.WriteTo(&raw); err != nil {
		return app.MailPreview{}, fmt.Errorf("mail: build the message: %w", err)
	}
	return app.MailPreview{Headers: headersOf(raw.Bytes()), Subject: oneLine(msg.Subject), Text: msg.Text, HTML: msg.HTML}, nil
}

// headersOf reads the header fields of a raw message in their order, unfolded, with
// encoded words (RFC 2047) decoded.
func headersOf(raw []byte) []app.Header {
	var hs []app.Header
	dec := new(mime.WordDecoder)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(hs) > 0 {
			hs[len(hs)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		hs = append(hs, app.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	for i := range hs {
		hs[i].Value = strings.TrimSpace(hs[i].Value)
		if v, err := dec.DecodeHeader(hs[i].Value); err == nil {
			hs[i].Value = v
		}
	}
	return hs
}

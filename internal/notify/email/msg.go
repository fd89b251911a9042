package email

import (
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// reserved are the headers build sets itself; Message.Headers may not set them.
var reserved = []string{
	"from", "to", "cc", "bcc", "reply-to", "sender", "subject", "date", "message-id", "in-reply-to",
	"references", "mime-version", "content-type", "content-transfer-encoding", "return-path",
}

// build turns a Message into a MIME message: UTF-8, quoted-printable, multipart/alternative
// with the plain text first and the HTML second (text only when there is no HTML). Both
// transports use it, so a message written to a file is the message an SMTP server gets.
func build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP))
	from, err := address("From", m.From)
	if err != nil {
		return nil, err
	}
	to, err := address("To", m.To)
	if err != nil {
		return nil, err
	}
	msg.FromMailAddress(from)
	msg.ToMailAddress(to)
	if strings.TrimSpace(m.ReplyTo) != "" {
		rt, err := netmail.ParseAddress(m.ReplyTo)
		if err != nil {
			return nil, fmt.Errorf("mail: Reply-To %q is no email address: %w", m.ReplyTo, err)
		}
		msg.ReplyToMailAddress(rt)
	}
	msg.Subject(oneLine(m.Subject))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	id, err := msgID("Message-ID", m.MessageID)
	if err != nil {
		return nil, err
	}
	if id != "" {
		msg.SetMessageIDWithValue(id) // it adds the angle brackets
	} else {
		msg.SetMessageID()
	}
	if id, err := msgID("In-Reply-To", m.InReplyTo); err != nil {
		return nil, err
	} else if id != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+id+">")
	}
	var refs []string
	for _, r := range m.References {
		id, err := msgID("References", r)
		if err != nil {
			return nil, err
		}
		if id != "" {
			refs = append(refs, "<"+id+">")
		}
	}
	if len(refs) > 0 {
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !headerName(k) {
			return nil, fmt.Errorf("mail: %q is no header name", k)
		}
		if slices.Contains(reserved, strings.ToLower(k)) {
			return nil, fmt.Errorf("mail: header %s is set from the message's own fields", k)
		}
		msg.SetGenHeader(gomail.Header(k), oneLine(m.Headers[k]))
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// address checks an Address and returns it for go-mail; the name may hold any text.
func address(field string, a Address) (*netmail.Address, error) {
	if strings.TrimSpace(a.Email) == "" {
		return nil, fmt.Errorf("mail: the message has no %s address", field)
	}
	p, err := netmail.ParseAddress(strings.TrimSpace(a.Email))
	if err != nil || p.Name != "" {
		return nil, fmt.Errorf("mail: %s %q is no email address", field, a.Email)
	}
	p.Name = oneLine(a.Name)
	return p, nil
}

// msgID strips the angle brackets from a message id: "<INC-000123.45@example.com>" →
// "INC-000123.45@example.com"; "" for none. An id with spaces, line breaks, more brackets
// or no "@" would break the header and is refused.
func msgID(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	id := strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	if id == "" || strings.ContainsAny(id, "<> \t\r\n\"") || !strings.Contains(id, "@") {
		return "", fmt.Errorf("mail: %s %q is no message id like <id@domain>", field, s)
	}
	return id, nil
}

// headerName tells whether s is a valid header field name (RFC 5322: printable ASCII
// without the colon).
func headerName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

package inbound

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Limits of what is read from one message, besides its size.
const (
	maxDepth = 10  // nested multiparts
	maxParts = 200 // parts in all
	// maxTextBytes bounds the text kept of all text parts together: desk.MaxText
	// characters of at most 4 bytes (the app keeps at most desk.MaxText).
	maxTextBytes = desk.MaxText * 4
	// maxQuoteDepth is how many "> " an HTML block quote's lines get at most, however
	// deeply the quotes nest (StripQuoted removes them all the same).
	maxQuoteDepth = 10
)

// message is what Meldpunt reads of an email.
type message struct {
	from       string // the From header's address, "" without one
	subject    string
	text       string // the plain text, or the HTML part as text
	messageID  string
	inReplyTo  string
	references []string
	files      []app.File
	ignored    int  // attachments left out: too many or too large
	auto       bool // an automatic reply (out of office)
}

// wordDecoder decodes encoded words (=?ISO-8859-1?Q?…?=) in headers, in any charset the
// WHATWG encoding standard knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(r), nil
}

// parse reads a message that checkShape lets through: its headers, its text (text/plain preferred, else HTML made text)
// and its attachments (at most desk.MaxAttachments of at most desk.MaxAttachment bytes).
func parse(raw []byte) (message, error) {
	var m message
	if rf := checkShape(raw); rf != nil {
		return m, rf
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, errors.New("the headers cannot be read")
	}
	h := msg.Header
	m.subject = decodeHeader(h.Get("Subject"))
	// RFC 5322 asks for exactly one From; it names the author, who must be the sender.
	switch len(h["From"]) {
	case 0:
		return m, malformed("from_required", "the message has no From header")
	case 1:
	default:
		return m, malformed("from_required", "the message has more than one From header")
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	a, err := p.Parse(h.Get("From"))
	if err != nil {
		return m, malformed("from_address", "the From header is not one email address")
	}
	m.from = a.Address
	m.messageID = strings.TrimSpace(h.Get("Message-Id"))
	if len(h["Message-Id"]) > 1 || !validMessageID(m.messageID) {
		return m, malformed("message_id", "the Message-ID header is not one <id@domain>")
	}
	m.inReplyTo = cleanText(strings.TrimSpace(h.Get("In-Reply-To")))
	m.references = strings.Fields(cleanText(h.Get("References")))
	m.auto = automatic(h)

	w := walker{m: &m}
	if err := w.part(textproto.MIMEHeader(h), msg.Body, 0); err != nil {
		return m, err
	}
	switch {
	case w.plain != nil:
		m.text = *w.plain
	case w.html != nil:
		m.text = htmlText(*w.html)
	}
	if len(m.text) > maxTextBytes {
		m.text = strings.ToValidUTF8(m.text[:maxTextBytes], "")
	}
	return m, nil
}

// automatic tells whether a message is an automatic reply (RFC 3834, and the headers of
// Exchange and older auto-responders), which is never a reaction of a person.
func automatic(h mail.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "auto_reply":
		return true
	}
	return h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != ""
}

// decodeHeader decodes encoded words; a header that cannot be decoded is kept as it is. The
// result is valid UTF-8 without NUL.
func decodeHeader(s string) string {
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		d = s
	}
	return cleanText(d)
}

// cleanText makes decoded text safe to hand on: bytes that are not UTF-8 become U+FFFD and
// NUL goes (neither database stores it; the app removes other control characters).
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// walker collects the text parts and attachments of a message.
type walker struct {
	m           *message
	plain, html *string
	parts       int
}

// part reads one part: a multipart's parts in turn, a text part as the message's text (the
// first plain and the first HTML one), anything else, or a part named as a file, as an
// attachment.
func (w *walker) part(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if w.parts++; w.parts > maxParts || depth > maxDepth {
		return errors.New("the message has too many parts")
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ct, params = "text/plain", map[string]string{}
	}
	if strings.HasPrefix(ct, "multipart/") {
		if params["boundary"] == "" {
			return errors.New("a multipart has no boundary")
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return errors.New("a multipart is broken")
			}
			if err := w.part(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	body = decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = decodeHeader(name) // also a name from a parameter: valid UTF-8, no NUL
	isText := ct == "text/plain" || ct == "text/html"
	if isText && disp != "attachment" && name == "" {
		data, err := io.ReadAll(io.LimitReader(body, desk.MaxText*4+1))
		if err != nil {
			return errors.New("a text part cannot be decoded")
		}
		// Apple Mail splits the text around an inline picture: the text parts are joined,
		// up to maxTextBytes.
		add := func(dst **string, text string) {
			if *dst == nil {
				*dst = &text
				return
			}
			if len(**dst) >= maxTextBytes {
				return
			}
			joined := **dst + "\n" + text
			*dst = &joined
		}
		if text := decodeCharset(params["charset"], data); ct == "text/plain" {
			add(&w.plain, text)
		} else {
			add(&w.html, text)
		}
		return nil
	}
	if name == "" && ct == "message/rfc822" {
		name = "message.eml"
	}
	if name == "" {
		name = "attachment"
	}
	if len(w.m.files) >= desk.MaxAttachments {
		w.m.ignored++
		_, _ = io.Copy(io.Discard, body)
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(body, desk.MaxAttachment+1))
	if err != nil {
		return fmt.Errorf("the attachment %q cannot be decoded", name)
	}
	if len(data) > desk.MaxAttachment || len(data) == 0 {
		w.m.ignored++
		return nil
	}
	w.m.files = append(w.m.files, app.File{Name: name, Data: data})
	return nil
}

// decodeTransfer undoes a part's transfer encoding.
func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Filter{r: r})
	}
	return r
}

// base64Filter drops what is not base64 (line ends, spaces) before the decoder sees it.
type base64Filter struct{ r io.Reader }

func (f *base64Filter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// decodeCharset turns text in a charset into UTF-8; an unknown charset is read as UTF-8,
// bytes that are not UTF-8 become U+FFFD, and NUL goes.
func decodeCharset(charset string, data []byte) string {
	if r, err := charsetReader(charset, bytes.NewReader(data)); err == nil {
		if d, err := io.ReadAll(r); err == nil {
			data = d
		}
	}
	if !utf8.Valid(data) {
		return cleanText(string(data))
	}
	return strings.ReplaceAll(string(data), "\x00", "")
}

var (
	htmlDrop    = regexp.MustCompile(`(?is)<!--.*?-->|<head\b.*?</head\s*>|<style\b.*?</style\s*>|<script\b.*?</script\s*>|<title\b.*?</title\s*>`)
	htmlTag     = regexp.MustCompile(`(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>`)
	htmlSpace   = regexp.MustCompile(`[ \t\r\n\f]+`)
	blankRepeat = regexp.MustCompile(`\n{3,}`)
)

// htmlText turns an HTML body into plain text: tags go, block elements end lines, entities
// are decoded, and the content of a blockquote is quoted with "> " (so StripQuoted removes
// it, as it does the quotes of a plain-text reply).
func htmlText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	var (
		lines []string
		cur   strings.Builder
		depth int // blockquotes open
		at    int // the depth the current line started at
		pre   int // pre elements open
	)
	// flush ends the current line. An empty one is dropped (block elements that follow each
	// other end one line, not several) unless blank asks for it: a <br> on its own, or a
	// paragraph holding only a non-breaking space, is a blank line.
	flush := func(blank bool) {
		raw := cur.String()
		line := strings.TrimSpace(raw)
		switch {
		case line != "":
			if at > 0 {
				line = strings.Repeat("> ", min(at, maxQuoteDepth)) + line
			}
			lines = append(lines, line)
		case blank || strings.Contains(raw, "\u00a0"):
			if len(lines) > 0 && lines[len(lines)-1] != "" {
				lines = append(lines, "")
			}
		}
		cur.Reset()
		at = depth
	}
	newline := func() { flush(false) }
	text := func(t string) {
		t = html.UnescapeString(t)
		if pre > 0 {
			parts := strings.Split(t, "\n")
			for i, p := range parts {
				if i > 0 {
					flush(true)
				}
				cur.WriteString(p)
			}
			return
		}
		t = htmlSpace.ReplaceAllString(t, " ")
		if cur.Len() == 0 {
			t = strings.TrimLeft(t, " ")
			at = depth
		}
		cur.WriteString(t)
	}
	last := 0
	for _, loc := range htmlTag.FindAllStringSubmatchIndex(s, -1) {
		text(s[last:loc[0]])
		last = loc[1]
		closing := loc[3] > loc[2]
		switch tag := strings.ToLower(s[loc[4]:loc[5]]); tag {
		case "br":
			flush(true)
		case "blockquote":
			newline()
			if closing && depth > 0 {
				depth--
			} else if !closing {
				depth++
			}
			at = depth
		case "pre":
			newline()
			if closing && pre > 0 {
				pre--
			} else if !closing {
				pre++
			}
		case "li":
			newline()
			if !closing {
				cur.WriteString("- ")
			}
		case "p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article", "header", "footer":
			newline()
		case "td", "th":
			if closing {
				cur.WriteString(" ")
			}
		}
	}
	text(s[last:])
	newline()
	out := strings.Join(lines, "\n")
	return strings.TrimSpace(blankRepeat.ReplaceAllString(out, "\n\n"))
}

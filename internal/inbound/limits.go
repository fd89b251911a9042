package inbound

import (
	"bytes"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/emersion/go-smtp"
)

// What the listener refuses before a message is parsed, and how each refusal reaches the
// sending server and the log (docs/email.md, "Refusals"). A problem of the input is
// permanent (5xx: the sending server bounces the message at once, rather than trying again
// for days); only a failure of Meldpunt itself is temporary (451).
const (
	// MaxLineLength is the longest line of a command or a message taken, in bytes without
	// the line end: RFC 5321 allows 998; mail programs that break the rule stay below this.
	MaxLineLength = 2000
	// MaxHeaderBytes is the largest header section of a message taken.
	MaxHeaderBytes = 256 << 10
	// maxMessageID is the longest Message-ID taken: one line of RFC 5322.
	maxMessageID = 998
	// maxLogValue cuts the values from the sending server that a log line quotes.
	maxLogValue = 256
)

// refusal is a permanent answer to a message, with the rule it breaks for the log.
type refusal struct {
	rule string
	err  *smtp.SMTPError
}

func (r *refusal) Error() string { return r.err.Message }

// refuse returns a refusal: code and enhanced code as RFC 5321 and RFC 3463 have them.
func refuse(rule string, code int, enh smtp.EnhancedCode, msg string) *refusal {
	return &refusal{rule: rule, err: &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}}
}

// malformed refuses a message whose content breaks the format: 554 5.6.0.
func malformed(rule, msg string) *refusal {
	return refuse(rule, 554, smtp.EnhancedCode{5, 6, 0}, msg)
}

// checkShape refuses a message before it is parsed: a header section over MaxHeaderBytes
// (552 5.3.4), control characters in a header (NUL included; only tabs are allowed besides
// the line ends), a line over MaxLineLength.
func checkShape(raw []byte) *refusal {
	end := headerEnd(raw)
	if end > MaxHeaderBytes {
		return refuse("header_too_large", 552, smtp.EnhancedCode{5, 3, 4},
			"the message header is larger than "+strconv.Itoa(MaxHeaderBytes>>10)+" KiB")
	}
	for _, c := range raw[:end] {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return malformed("header_characters", "a header of the message contains a control character (such as NUL)")
		}
	}
	for line := range bytes.Lines(raw) {
		n := len(line)
		if n > 0 && line[n-1] == '\n' {
			n--
		}
		if n > 0 && line[n-1] == '\r' {
			n--
		}
		if n > MaxLineLength {
			return malformed("line_too_long", "a line of the message is longer than "+strconv.Itoa(MaxLineLength)+" characters")
		}
	}
	return nil
}

// headerEnd returns the length of a message's header section: up to its first empty line.
func headerEnd(raw []byte) int {
	off := 0
	for line := range bytes.Lines(raw) {
		if len(line) == 1 && line[0] == '\n' || len(line) == 2 && line[0] == '\r' && line[1] == '\n' {
			return off
		}
		off += len(line)
	}
	return off
}

// validAddress tells whether an envelope address may be looked up at all: valid UTF-8,
// at most 254 bytes (RFC 5321's path less its brackets), no control characters.
func validAddress(addr string) bool {
	if len(addr) > 254 || !utf8.ValidString(addr) {
		return false
	}
	for _, r := range addr {
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return false
		}
	}
	return true
}

// validMessageID tells whether a Message-ID header is one: "<…>", printable without spaces,
// at most maxMessageID bytes. "" (no Message-ID) is allowed.
func validMessageID(id string) bool {
	if id == "" {
		return true
	}
	if len(id) > maxMessageID || len(id) < 3 || id[0] != '<' || id[len(id)-1] != '>' || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id[1 : len(id)-1] {
		if r <= ' ' || r == '<' || r == '>' || r >= 0x7f && r < 0xa0 {
			return false
		}
	}
	return true
}

// logValue makes a value from the sending server fit for a log line: valid UTF-8, cut.
func logValue(s string) string {
	if len(s) > maxLogValue {
		s = s[:maxLogValue]
	}
	return string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
}

// listener hands go-smtp connections that limit command lines and log the refusals
// go-smtp makes itself (a syntax error, a command out of order, too many recipients).
type listener struct {
	net.Listener
	log *slog.Logger
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, log: l.log}, nil
}

// conn is one connection. Outside a message it limits lines to MaxLineLength (go-smtp then
// answers "500 5.4.0" and closes); within one, go-smtp's limit is the message size, and
// Data checks the lines, so a long line is answered after the whole message was read: a
// refusal before then would reach a sending server that is still writing as a broken
// connection, which it retries.
type conn struct {
	net.Conn
	log *slog.Logger

	mu     sync.Mutex
	inData bool   // between the "354" and the answer to the message
	line   int    // bytes of the current command line so far
	head   []byte // its first bytes, to see a BDAT command
	chunk  uint64 // bytes of a BDAT chunk still to come: message data
	from   string // the envelope sender of the message in progress
	logged bool   // the session logged the refusal it answers next
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inData {
		return n, err
	}
	for _, b := range p[:n] {
		switch {
		case c.chunk > 0:
			c.chunk--
			continue
		case b == '\n':
			c.chunk = bdatSize(c.head)
			c.line, c.head = 0, c.head[:0]
			continue
		}
		if len(c.head) < 32 {
			c.head = append(c.head, b)
		}
		if c.line++; c.line > MaxLineLength+1 { // +1: the CR
			c.log.Info("command refused", "rule", "line_too_long", "remote", c.RemoteAddr().String(), "from", logValue(c.from),
				"code", 500)
			c.logged = true
			return 0, smtp.ErrTooLongLine
		}
	}
	return n, err
}

// Write sees go-smtp's answers: "354" starts a message; a 4xx or 5xx the session did not
// log itself is logged here.
func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.inData = bytes.HasPrefix(p, []byte("354"))
	if len(p) > 3 && (p[0] == '4' || p[0] == '5') && p[3] != '-' {
		if !c.logged {
			code, _ := strconv.Atoi(string(p[:3]))
			c.log.Info("command refused", "rule", "protocol", "remote", c.RemoteAddr().String(), "from", logValue(c.from),
				"code", code, "reply", logValue(string(bytes.TrimSpace(p[4:]))))
		}
		c.logged = false
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// bdatSize returns the size of the chunk a "BDAT n [LAST]" command line announces, 0 for
// any other line: the same reading as go-smtp's, which reads the chunk of a well-formed
// command even when it refuses it.
func bdatSize(line []byte) uint64 {
	f := bytes.Fields(line)
	if len(f) < 2 || len(f) > 3 || !bytes.EqualFold(f[0], []byte("BDAT")) || len(f) == 3 && !bytes.EqualFold(f[2], []byte("LAST")) {
		return 0
	}
	n, err := strconv.ParseUint(string(f[1]), 10, 32)
	if err != nil {
		return 0
	}
	return n
}

// setFrom records the envelope sender for the log lines of go-smtp's refusals.
func (c *conn) setFrom(from string) {
	c.mu.Lock()
	c.from = from
	c.mu.Unlock()
}

// markLogged says that the next refusal was logged by the session.
func (c *conn) markLogged() {
	c.mu.Lock()
	c.logged = true
	c.mu.Unlock()
}

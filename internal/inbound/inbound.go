// Package inbound is Meldpunt's SMTP listener for incoming mail (docs/email.md): replies to
// its messages land on their incident's timeline, and new mail from a client to the desk's
// address opens a report. It takes mail only from active users and only for the desk's
// address and its reply addresses, so it is never an open relay.
//
// It speaks plain SMTP without AUTH or TLS: it belongs behind the organisation's own mail
// server (MX), which receives mail from the internet, checks SPF, DKIM and DMARC, and hands
// on what passed to this listener on a private address.
package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Receiver takes mail; *app.Inbox is one.
type Receiver interface {
	AcceptRecipient(ctx context.Context, addr string) error
	AcceptSender(ctx context.Context, addr string) error
	Receive(ctx context.Context, m app.InboundMail) (app.InboundResult, error)
}

var _ Receiver = (*app.Inbox)(nil)

// Config sets the listener's name and limits.
type Config struct {
	// Addr is where it listens, for the logs; Serve takes the listener.
	Addr string
	// Domain is the name it greets with; "" means "localhost".
	Domain string
	// MaxBytes is the largest message taken (552 above it); 0 means 10 MiB.
	MaxBytes int64
	// MaxRecipients is how many recipients one message may have; 0 means 10.
	MaxRecipients int
	// ReadTimeout and WriteTimeout bound each command and reply; 0 means a minute.
	ReadTimeout, WriteTimeout time.Duration
}

// DefaultMaxBytes is the largest message taken unless configured otherwise.
const DefaultMaxBytes = 10 << 20

// receiveTimeout bounds the handling of one message: the database work of a reply.
const receiveTimeout = 2 * time.Minute

// Server is the SMTP listener.
type Server struct {
	smtp   *smtp.Server
	r      Receiver
	log    *slog.Logger
	ctx    context.Context // cancelled when the server closes
	cancel context.CancelFunc
}

// New returns a listener that hands mail to r.
func New(r Receiver, cfg Config, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = 10
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = time.Minute
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = time.Minute
	}
	s := &Server{r: r, log: log.With("component", "smtp-listener")}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Addr = cfg.Addr
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.MaxBytes
	// go-smtp's own line limit cuts the connection mid-message; the listener's connections
	// limit command lines instead (limits.go) and Data checks the message's lines.
	srv.MaxLineLength = int(cfg.MaxBytes) + 64<<10
	srv.MaxRecipients = cfg.MaxRecipients
	srv.ReadTimeout, srv.WriteTimeout = cfg.ReadTimeout, cfg.WriteTimeout
	srv.ErrorLog = slogLogger{s.log}
	s.smtp = srv
	return s
}

// Serve accepts connections on ln until the server is closed; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	return s.smtp.Serve(listener{Listener: ln, log: s.log})
}

// Close stops the server at once: the listener and every connection.
func (s *Server) Close() error {
	defer s.cancel()
	if err := s.smtp.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting and waits for the connections to end, until ctx is done; the
// ones left are then closed. A sending server whose connection was cut tries again later.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.smtp.Shutdown(ctx)
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		_ = s.smtp.Close()
	}
	s.cancel()
	return err
}

// slogLogger lets go-smtp report its own errors (broken connections) to the log.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l slogLogger) Println(v ...any)               { l.log.Warn(strings.TrimSpace(fmt.Sprintln(v...))) }

// session is one SMTP conversation; it may carry several messages.
type session struct {
	s      *Server
	conn   *conn // nil when go-smtp's connection is not the listener's
	remote string
	from   string
	to     []string
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	se := &session{s: s}
	if nc := c.Conn(); nc != nil {
		se.remote = nc.RemoteAddr().String()
		se.conn, _ = nc.(*conn)
	}
	return se, nil
}

// refused logs a refusal the listener decides, one line with the rule, and returns its
// answer.
func (se *session) refused(msg string, r *refusal, args ...any) error {
	se.logged()
	se.s.log.Info(msg, append([]any{"rule", r.rule, "code", r.err.Code, "remote", se.remote, "from", logValue(se.from),
		"reason", r.err.Message}, args...)...)
	return r.err
}

// logged tells the connection that the refusal it answers next is in the log.
func (se *session) logged() {
	if se.conn != nil {
		se.conn.markLogged()
	}
}

// Mail takes the sender: only an active user of Meldpunt.
func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from, se.to = from, nil
	if se.conn != nil {
		se.conn.setFrom(from)
	}
	if !validAddress(from) {
		return se.refused("sender refused", refuse("sender_syntax", 553, smtp.EnhancedCode{5, 1, 7},
			"the sender address contains characters that are not allowed, or is too long"))
	}
	ctx, cancel := context.WithTimeout(se.s.ctx, receiveTimeout)
	defer cancel()
	if err := se.s.r.AcceptSender(ctx, from); err != nil {
		se.logged()
		se.s.logRefusal("sender refused", err, "remote", se.remote, "from", from)
		return smtpError(err)
	}
	return nil
}

// Rcpt takes a recipient: the desk's address or a reply address.
func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !validAddress(to) {
		return se.refused("recipient refused", refuse("recipient_syntax", 553, smtp.EnhancedCode{5, 1, 3},
			"the recipient address contains characters that are not allowed, or is too long"), "to", logValue(to))
	}
	ctx, cancel := context.WithTimeout(se.s.ctx, receiveTimeout)
	defer cancel()
	if err := se.s.r.AcceptRecipient(ctx, to); err != nil {
		se.logged()
		se.s.logRefusal("recipient refused", err, "remote", se.remote, "from", se.from, "to", to)
		return smtpError(err)
	}
	se.to = append(se.to, to)
	return nil
}

// Data reads the message (go-smtp stops it at MaxBytes: 552), parses it (refusing what
// checkShape refuses) and hands it over.
func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		var serr *smtp.SMTPError
		switch {
		case errors.As(err, &serr): // too large
			return se.refused("mail refused", &refusal{rule: "too_large", err: serr})
		case errors.Is(err, smtp.ErrTooLongLine): // a line beyond even go-smtp's limit
			return se.refused("mail refused", malformed("line_too_long", "a line of the message is too long"))
		}
		// The connection broke or timed out: nobody may be listening for the answer.
		se.logged()
		se.s.log.Info("mail not read: the connection failed", "remote", se.remote, "from", logValue(se.from), "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "could not read the message; try again later"}
	}
	p, err := parse(raw)
	if err != nil {
		var rf *refusal
		if !errors.As(err, &rf) {
			rf = refuse("unreadable", 550, smtp.EnhancedCode{5, 6, 0}, "the message cannot be read: "+err.Error())
		}
		return se.refused("mail refused", rf)
	}
	if !strings.EqualFold(p.from, se.from) {
		return se.refused("mail refused", refuse("from_mismatch", 550, smtp.EnhancedCode{5, 7, 1}, "the From header does not match the sender"),
			"header_from", logValue(p.from), "message_id", p.messageID)
	}
	if p.auto {
		// An out-of-office or other automatic reply is no reaction: taking it would reopen a
		// resolved incident. It is accepted (so nothing bounces back) and dropped.
		se.s.log.Info("mail ignored: an automatic reply", "remote", se.remote, "from", se.from, "message_id", p.messageID)
		return nil
	}
	ctx, cancel := context.WithTimeout(se.s.ctx, receiveTimeout)
	defer cancel()
	res, err := se.s.r.Receive(ctx, app.InboundMail{
		From: se.from, To: se.to, Subject: p.subject, Text: p.text,
		MessageID: p.messageID, InReplyTo: p.inReplyTo, References: p.references, Files: p.files,
	})
	if err != nil {
		se.logged()
		se.s.logRefusal("mail refused", err, "remote", se.remote, "from", se.from, "message_id", p.messageID)
		return smtpError(err)
	}
	se.s.log.Info("mail received", "remote", se.remote, "from", se.from, "message_id", p.messageID,
		"incident", res.Number, "created", res.Created, "duplicate", res.Duplicate,
		"files", len(p.files)-len(res.Skipped), "files_skipped", len(res.Skipped)+p.ignored)
	return nil
}

// Reset forgets the message in progress.
func (se *session) Reset() {
	se.from, se.to = "", nil
	if se.conn != nil {
		se.conn.setFrom("")
	}
}

// Logout ends the session.
func (se *session) Logout() error { return nil }

// logRefusal logs a refused command: at info for a refusal the rules decide, at error for a
// failure of Meldpunt (the sending server then tries again).
func (s *Server) logRefusal(msg string, err error, args ...any) {
	if desk.ErrorCode(err) == desk.EINTERNAL {
		s.log.Error(msg+": temporary failure", append([]any{"rule", "temporary_failure", "code", 451}, append(args, "err", err)...)...)
		return
	}
	rule := desk.ErrorCode(err)
	if e := (*desk.Error)(nil); errors.As(err, &e) && len(e.Fields) > 0 {
		rule = e.Fields[0].Rule
	}
	s.log.Info(msg, append([]any{"rule", rule, "code", smtpError(err).Code}, append(args, "reason", err.Error())...)...)
}

// smtpError turns an app error into the SMTP reply: a refusal the rules decide is permanent
// (550: the sender gets a bounce saying why); anything else is temporary (451: the sending
// server tries again later, so nothing is lost).
func smtpError(err error) *smtp.SMTPError {
	var e *desk.Error
	if !errors.As(err, &e) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "temporary failure; try again later"}
	}
	msg := e.Message
	if len(e.Fields) > 0 {
		msg += " (" + e.Fields[0].Field + ": " + e.Fields[0].Message + ")"
	}
	msg = oneLine(msg)
	switch e.Code {
	case desk.EUNAUTHORIZED, desk.ENOTFOUND, desk.EFORBIDDEN:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: msg}
	case desk.EINVALID:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: msg}
	case desk.ECONFLICT:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 0, 0}, Message: msg}
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "temporary failure; try again later"}
}

// oneLine keeps an SMTP reply on one line of printable text.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 400 {
		s = strings.ToValidUTF8(s[:400], "")
	}
	return s
}

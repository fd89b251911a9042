package app

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// Mail that comes in (docs/email.md): the SMTP listener (internal/inbound) asks whether it
// takes a sender and a recipient, and hands over each message. A reply lands on its
// incident's timeline as the sender's public reply; new mail from a client to the desk's
// address opens a report.

// InboundMail is a received email, as the SMTP listener hands it over.
type InboundMail struct {
	// From is the sender's address; the listener checked that the envelope and the From
	// header agree.
	From string
	// To are the envelope recipients: the desk's address or reply addresses.
	To      []string
	Subject string
	// Text is the message's plain text, quoted history and all; ReceiveMail strips it.
	Text string
	// MessageID, InReplyTo and References are the header values, with angle brackets.
	MessageID  string
	InReplyTo  string
	References []string
	Files      []File
}

// InboundResult says what became of a received email.
type InboundResult struct {
	IncidentID int64
	Number     string
	// Created is true when the message opened a new report.
	Created bool
	// Duplicate is true when a message with this Message-ID was taken before: nothing was
	// written this time.
	Duplicate bool
	// Skipped names the attachments that were not added: of a kind Meldpunt does not take,
	// too large, or more than desk.MaxAttachments.
	Skipped []string
}

// unknownSender is the one answer to a sender Meldpunt does not take, whatever the reason,
// so the answer tells nobody which addresses have accounts.
var unknownSender = &desk.Error{Code: desk.EUNAUTHORIZED, Message: "unknown sender"}

// errDuplicateMail rolls back the transaction of a message that was taken before.
var errDuplicateMail = errors.New("duplicate message")

// maxMailInput is the longest envelope address or Message-ID looked up or stored: one line
// of RFC 5322, and short enough for a PostgreSQL index.
const maxMailInput = 998

// mailInput refuses an envelope address or a Message-ID that neither database can take or
// should: not UTF-8, with control characters (NUL among them: PostgreSQL refuses it), or
// longer than maxMailInput. It is EINVALID, a permanent refusal, never a failure of
// Meldpunt's that the sending server would retry.
func mailInput(field, value string) error {
	var v desk.Validator
	v.Text(field, value, false, maxMailInput, false)
	return v.Err()
}

// mailAddress returns an address as compared: trimmed, without angle brackets, lower case.
func mailAddress(addr string) string {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">")
	return strings.ToLower(strings.TrimSpace(addr))
}

// AcceptRecipient tells whether Meldpunt takes mail for an address: the desk's address and
// valid reply addresses. Anything else is refused ("relaying denied"), so the listener is
// never an open relay.
func (a *Inbox) AcceptRecipient(ctx context.Context, addr string) error {
	if err := mailInput("to", addr); err != nil {
		return err
	}
	addr = mailAddress(addr)
	if addr != "" && addr == mailAddress(a.cfg.Outbox.From.Email) {
		return nil
	}
	if _, ok, err := a.parseReplyAddress(ctx, addr); err != nil || ok {
		return err
	}
	return desk.Errorf(desk.EFORBIDDEN, "relaying denied: this is not an address of the desk")
}

// AcceptSender tells whether Meldpunt takes mail from an address: only an active user's.
func (a *Inbox) AcceptSender(ctx context.Context, addr string) error {
	_, err := a.mailSender(ctx, addr)
	return err
}

// mailSender returns the active user with the address; unknownSender for anyone else.
func (a *Inbox) mailSender(ctx context.Context, addr string) (u desk.User, err error) {
	if err := mailInput("from", addr); err != nil {
		return u, err
	}
	addr = mailAddress(addr)
	if addr == "" || len(addr) > desk.MaxEmail {
		return u, unknownSender
	}
	err = a.db.read(ctx, func(tx inboxTx) (err error) {
		u, err = tx.UserByEmail(ctx, addr)
		return err
	})
	if desk.IsNotFound(err) || err == nil && !u.Active {
		return desk.User{}, unknownSender
	}
	return u, err
}

// ReceiveMail takes a received email. It finds the incident the message is about, in this
// order: a reply address among the recipients (it names the notification answered); a
// Message-ID of Meldpunt's in In-Reply-To or References; an "[INC-000123]" tag in the
// subject. The sender must be an active user who may see that incident; the text, without
// its quoted history, is added as their public reply, the same way as on the portal (so a
// reply to a resolved incident reopens it, and the desk is told), with the attachments.
// A message about no incident that was sent to the desk's address opens a report when a
// client sent it (channel email, regular, the lowest urgency and impact: nobody answered
// the questionnaire); staff use the console. Each Message-ID is taken once: the same
// message again gives Duplicate and writes nothing.
func (a *Inbox) Receive(ctx context.Context, m InboundMail) (InboundResult, error) {
	var res InboundResult
	u, err := a.mailSender(ctx, m.From)
	if err != nil {
		return res, err
	}
	actor := actorFor(u, "smtp")
	m.MessageID = strings.TrimSpace(m.MessageID)
	if err := mailInput("message_id", m.MessageID); err != nil {
		return res, err
	}
	for _, to := range m.To {
		if err := mailInput("to", to); err != nil {
			return res, err
		}
	}
	if seen, err := a.seenMail(ctx, m.MessageID); err != nil || seen {
		res.Duplicate = seen
		return res, err
	}
	text := cleanMailText(desk.StripQuoted(m.Text), desk.MaxText, true)
	if !desk.Visible(text) {
		return res, &desk.Error{Code: desk.EINVALID, Message: "the message is empty", Fields: []desk.FieldError{
			{Field: "text", Rule: "required", Message: "write your message above the quoted text"}}}
	}
	files, skipped := mailFiles(m.Files)
	res.Skipped = skipped
	id, toDesk, err := a.mailIncident(ctx, m)
	if err != nil {
		return res, err
	}
	record := func(tx InboxStore, inc desk.Incident, now time.Time) error {
		if m.MessageID == "" {
			return nil
		}
		ok, err := tx.RecordInbound(ctx, m.MessageID, &inc.ID, now)
		if err == nil && !ok {
			err = errDuplicateMail
		}
		return err
	}
	switch {
	case id != 0:
		err = a.db.read(ctx, func(tx inboxTx) error {
			_, err := visibleIncident(ctx, tx, actor, id)
			return err
		})
		if desk.IsNotFound(err) {
			return res, desk.Errorf(desk.ENOTFOUND, "no incident of yours matches this message")
		}
		if err != nil {
			return res, err
		}
		_, err = a.addEntry(ctx, actor, id, EntryInput{Kind: desk.EntryReply, Body: text}, func(tx Tx, inc desk.Incident, now time.Time) error {
			if err := addFiles(ctx, tx, actor, inc, files, now); err != nil {
				return err
			}
			res.IncidentID, res.Number = inc.ID, inc.Number
			return record(tx, inc, now)
		})
	case toDesk:
		var inc desk.Incident
		inc, err = a.reportByMail(ctx, actor, m.Subject, text, files, record)
		res.IncidentID, res.Number, res.Created = inc.ID, inc.Number, err == nil
	default:
		err = desk.Errorf(desk.ENOTFOUND, "no incident matches this message")
	}
	if errors.Is(err, errDuplicateMail) {
		return InboundResult{Duplicate: true}, nil
	}
	if err != nil {
		return InboundResult{Skipped: skipped}, err
	}
	return res, nil
}

// seenMail tells whether a message with this Message-ID was taken before. It records the id
// in a transaction it then rolls back: the record that counts is written with the message's
// incident. This answers a sending server's retry as a success before anything else is
// checked (the incident may have closed since).
func (a *Inbox) seenMail(ctx context.Context, messageID string) (bool, error) {
	if messageID == "" {
		return false, nil
	}
	errRollback := errors.New("roll back")
	seen := false
	err := a.db.write(ctx, func(tx inboxTx) error {
		ok, err := tx.RecordInbound(ctx, messageID, nil, a.clock())
		if err != nil {
			return err
		}
		seen = !ok
		return errRollback
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return seen, err
}

var (
	// mailRef matches one of Meldpunt's Message-IDs, "<INC-000123.45@domain>", or its
	// thread id, "<INC-000123@domain>".
	mailRef = regexp.MustCompile(`(?i)^<?(` + desk.NumberPrefix + `\d+)(?:\.\d+)?@([^>\s]+)>?$`)
	// subjectTag matches the "[INC-000123]" in a subject.
	subjectTag = regexp.MustCompile(`(?i)\[(` + desk.NumberPrefix + `\d+)\]`)
)

// mailIncident finds the incident a message is about: by a reply address among the
// recipients, then by a Message-ID of Meldpunt's it refers to, then by the subject's tag.
// id is 0 when there is none; toDesk tells whether it was sent to the desk's address (or a
// reply address of a message about no incident).
func (a *Inbox) mailIncident(ctx context.Context, m InboundMail) (id int64, toDesk bool, err error) {
	deskAddr := mailAddress(a.cfg.Outbox.From.Email)
	for _, to := range m.To {
		to = mailAddress(to)
		if to == deskAddr {
			toDesk = true
			continue
		}
		nid, ok, err := a.parseReplyAddress(ctx, to)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			continue
		}
		toDesk = true
		var n desk.Notification
		err = a.db.read(ctx, func(tx inboxTx) (err error) {
			n, err = tx.Notification(ctx, nid)
			return err
		})
		if err != nil && !desk.IsNotFound(err) {
			return 0, false, err
		}
		if err == nil && n.IncidentID != nil {
			return *n.IncidentID, true, nil
		}
	}
	refs := append([]string{m.InReplyTo}, reversed(m.References)...)
	for _, r := range refs {
		for _, f := range strings.Fields(r) {
			if g := mailRef.FindStringSubmatch(f); g != nil && strings.EqualFold(g[2], a.mailDomain()) {
				if id, ok := desk.ParseNumber(g[1]); ok {
					return id, toDesk, nil
				}
			}
		}
	}
	if g := subjectTag.FindStringSubmatch(m.Subject); g != nil {
		if id, ok := desk.ParseNumber(g[1]); ok {
			return id, toDesk, nil
		}
	}
	return 0, toDesk, nil
}

func reversed(s []string) []string {
	out := make([]string, 0, len(s))
	for i := len(s) - 1; i >= 0; i-- {
		out = append(out, s[i])
	}
	return out
}

// reportByMail opens a report from a client's email to the desk's address: channel email,
// regular support with the lowest urgency and impact (no questionnaire was answered; the
// desk reclassifies when needed), the subject as its title and the text as its description.
// Its SLA clocks, first timeline entry, files, the reporter's report_received notification,
// the desk's new_report notifications, the audit record and then's writes are stored in one
// transaction.
func (a *Inbox) reportByMail(ctx context.Context, actor desk.Actor, subject, text string, files []checkedFile, then func(InboxStore, desk.Incident, time.Time) error) (inc desk.Incident, err error) {
	if !actor.Role.IsClient() {
		return inc, desk.Errorf(desk.EFORBIDDEN, "staff register incidents in Meldpunt, not by email to the desk's address; replies to an incident's messages are taken")
	}
	title := mailTitle(subject)
	if title == "" {
		title = mailTitle(text)
	}
	inc = desk.Incident{
		OrgID: actor.OrgID, ReporterID: ptr(actor.UserID), Channel: desk.ChannelEmail, Kind: desk.KindRegular,
		Title: title, Description: text, Urgency: desk.Low, Impact: desk.Low, ComponentIDs: []int64{}, State: desk.StateNew,
	}
	if err := inc.Validate(); err != nil {
		return desk.Incident{}, err
	}
	now := a.clock()
	inc.CreatedAt, inc.UpdatedAt = now, now
	err = a.db.write(ctx, func(tx inboxTx) error {
		if err := a.register(ctx, tx, actor, &inc, now); err != nil {
			return err
		}
		cs, err := tx.Contracts(ctx, inc.OrgID)
		if err != nil {
			return err
		}
		p, err := a.promise(ctx, tx, cs, false, inc.Priority, now)
		if err != nil {
			return err
		}
		if err := addFiles(ctx, tx, actor, inc, files, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, actor.UserID, inc, desk.NotifyReportReceived, now, map[string]any{
			"number": inc.Number, "title": inc.Title, "verdict": desk.VerdictRegular, "priority": inc.Priority, "contract": p,
		}); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "report", nil, inc); err != nil {
			return err
		}
		return then(tx, inc, now)
	})
	if err != nil {
		return desk.Incident{}, err
	}
	return inc, nil
}

// replyPrefix matches the "Re:", "Fwd:", "Antw:", "Doorst:", "AW:" and "WG:" that mail
// programs put before a subject, repeated.
var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|antw|doorst|aw|wg|sv|vs)\s*(\[\d+\])?\s*:\s*)+`)

// mailTitle makes an incident title of a subject (or, without one, the text's first line):
// without reply prefixes, on one line, at most desk.MaxTitle characters.
func mailTitle(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			s = line
			break
		}
	}
	s = replyPrefix.ReplaceAllString(s, "")
	s = strings.TrimSpace(cleanMailText(s, desk.MaxTitle, false))
	if !desk.Visible(s) {
		return "" // zero-width characters only: the text's first line is the title then
	}
	return s
}

// cleanMailText makes mail text fit to store: valid UTF-8, no control characters (line
// breaks and tabs only when multiline; otherwise they become spaces), bidi controls only
// where desk.Validator.Text takes them (desk.NeutraliseBidi), at most max characters (a
// longer text is cut and ends in "…").
func cleanMailText(s string, max int, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
			if multiline {
				return r
			}
			return ' '
		case r == '\r' || unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return desk.NeutraliseBidi(s, multiline) // after the cut, which may split a pair
}

// mailFiles checks a message's attachments one by one: those Meldpunt takes (at most
// desk.MaxAttachments) are returned, the names of the others too, so a signature logo of
// an odd kind does not refuse the whole message.
func mailFiles(files []File) (ok []checkedFile, skipped []string) {
	for _, f := range files {
		if f.Name = strings.TrimSpace(f.Name); f.Name == "" {
			f.Name = "attachment"
		}
		checked, errs := checkFiles([]File{f})
		if len(errs) > 0 || len(checked) == 0 || len(ok) >= desk.MaxAttachments {
			skipped = append(skipped, cleanFileName(f.Name))
			continue
		}
		ok = append(ok, checked...)
	}
	return ok, skipped
}

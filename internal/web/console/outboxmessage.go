package console

import (
	"net/http"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// One message of the outbox (admins): what it says and how its delivery went. An email is
// built again from its stored payload by the code that sends it (app.Outbox.Message): its
// headers as they are written, the plain text, and the HTML in a frame; a webhook shows
// its endpoint and the event it posts. Every attempt is listed with its time, result,
// error, duration and, for a webhook, the status code.
//
// The HTML is never put into this page. The frame loads it from its own address,
// /admin/outbox/{id}/html, answered with "Content-Security-Policy: sandbox; default-src
// 'none'; style-src 'unsafe-inline'; img-src data:": no script runs, the document has an
// opaque origin (no cookies, no access to this page), nothing is fetched, and the email's
// own inline styles still apply — which a srcdoc frame would not allow, since it inherits
// this page's policy (style-src 'self'). The iframe carries the sandbox attribute too, with
// no allow-* at all, so either guard alone suffices.

// registerOutboxMessage adds the routes of one message.
func (h *handler) registerOutboxMessage(private func(string, actorFunc)) {
	private("GET /admin/outbox/{id}", h.outboxMessage)
	private("GET /admin/outbox/{id}/html", h.outboxMessageHTML)
}

// outboxMessageData is the message page's own data.
type outboxMessageData struct {
	app.OutboxMessage
	Row outboxRow
	// Endpoint is a webhook's endpoint as the page names it (no secret, no path).
	Endpoint *webhookRow
	Attempts []outboxAttempt
	HTMLURL  string
	ListURL  string
}

// outboxAttempt is one delivery attempt as the page lists it.
type outboxAttempt struct {
	desk.Attempt
	OK       bool
	Duration string
}

// outboxMessageID reads the message's id from the path; a bad one is not found.
func outboxMessageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("notification")
	}
	return id, nil
}

// outboxMessage shows one message.
func (h *handler) outboxMessage(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := outboxMessageID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := h.svc.outbox.Message(ctx, a, id)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "outbox.title")
	var users map[int64]desk.User
	if m.UserID != 0 {
		if users, err = h.svc.outbox.Recipients(ctx, a, []desk.Notification{m.Notification}); err != nil {
			return err
		}
	}
	endpoints := map[int64]desk.WebhookEndpoint{}
	d := outboxMessageData{OutboxMessage: m, ListURL: "/admin/outbox"}
	if m.EndpointID != 0 {
		e, err := h.svc.webhooks.Get(ctx, a, m.EndpointID)
		switch {
		case err == nil:
			endpoints[e.ID] = e
			row := rowOf(e)
			d.Endpoint = &row
		case desk.ErrorCode(err) != desk.ENOTFOUND:
			return err
		}
	}
	d.Row = outboxRowOf(v, m.Notification, users, endpoints)
	d.Row.Subject = hookSubject(d.Row.KindLabel, m.Notification)
	if m.Mail != nil {
		d.Row.Subject = m.Mail.Subject
		if m.Mail.HTML != "" {
			d.HTMLURL = "/admin/outbox/" + strconv.FormatInt(id, 10) + "/html"
		}
	}
	for _, at := range m.Attempts {
		d.Attempts = append(d.Attempts, outboxAttempt{Attempt: at, OK: at.Error == "",
			Duration: strconv.FormatInt(at.Duration.Milliseconds(), 10) + " ms"})
	}
	v.Title = d.Row.Subject
	v.Nav, v.Data = "outbox", d
	h.rd.render(w, r, h.log, http.StatusOK, "outbox_message", v)
	return nil
}

// outboxMessageHTML answers an email's HTML body for the message page's frame, sandboxed
// (see above): it may be framed by Meldpunt's own pages only.
func (h *handler) outboxMessageHTML(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := outboxMessageID(r)
	if err != nil {
		return err
	}
	m, err := h.svc.outbox.Message(r.Context(), a, id)
	if err != nil {
		return err
	}
	if m.Mail == nil || m.Mail.HTML == "" {
		return desk.NotFound("message body")
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", outboxFrameCSP)
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Cache-Control", "private, no-store")
	_, _ = w.Write([]byte(m.Mail.HTML))
	return nil
}

// outboxFrameCSP is the policy of an email's HTML in the message page's frame: a sandbox
// (no scripts, no forms, an opaque origin), nothing fetched but data: images, the
// message's own inline styles, framed only by Meldpunt's pages.
const outboxFrameCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// The status page's email subscriptions (issue 11, docs/status-page.md "Subscribing"):
// the sign-up form, and the pages the links in the emails open — confirm, manage and
// unsubscribe. A link's page shows a button and changes nothing, since mail scanners open
// links; the button's POST acts. The exception is POST /status/unsubscribe, RFC 8058's
// one-click unsubscribe that mail clients send to the List-Unsubscribe URL with the body
// "List-Unsubscribe=One-Click" and no CSRF token: the signed token in the URL is the
// credential, and all it can do is end the subscription. The buttons of the pages post
// the same body there.

// subscribeData is the data of every subscription page; Mode says which one it is.
type subscribeData struct {
	// Mode is form, sent, confirm, confirmed, manage, unsubscribe, unsubscribed, invalid
	// or expired.
	Mode       string
	Token      string
	Email      string
	Locale     string
	All        bool
	Components []subscribeComponent
	// Unsubscribe is the unsubscribe link's token, for the manage page's button.
	Unsubscribe string
}

// subscribeComponent is a public component the form offers, and whether it is ticked.
type subscribeComponent struct {
	ID      int64
	Name    string
	Group   string
	Checked bool
}

// subscribeFields are the fields of the sign-up and manage forms, in page order.
var subscribeFields = []fieldRef{fld("email", "email", "subscribe.email"), fld("locale", "locale-nl", "subscribe.locale"),
	fld("components", "scope-all", "subscribe.components")}

// The answers to too many sign-ups: for one email address, and from one client address.
var (
	errSubsThrottled        = &formAlert{status: http.StatusTooManyRequests, key: "subscribe.throttled"}
	errSubsThrottledAddress = &formAlert{status: http.StatusTooManyRequests, key: "subscribe.throttled_address"}
)

// offer fills d.Components with the public components, ticking those chosen.
func (h *handler) offer(r *http.Request, d *subscribeData, chosen []int64) error {
	p, err := h.svc.components.Public(r.Context())
	if err != nil {
		return err
	}
	groups := map[int64]string{}
	for _, g := range p.Groups {
		groups[g.ID] = g.Name
	}
	d.Components = d.Components[:0]
	for _, c := range p.Components {
		sc := subscribeComponent{ID: c.ID, Name: c.Name, Checked: slices.Contains(chosen, c.ID)}
		if c.GroupID != nil {
			sc.Group = groups[*c.GroupID]
		}
		d.Components = append(d.Components, sc)
	}
	return nil
}

// postedIDs reads the ticked components of a posted form; what is no number is left out
// (the app refuses it only when it is sent to it).
func postedIDs(r *http.Request) []int64 {
	var ids []int64
	for _, s := range r.PostForm["components"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// postedInput reads the sign-up or manage form.
func postedInput(r *http.Request) desk.SubscriberInput {
	return desk.SubscriberInput{Email: strings.TrimSpace(r.PostFormValue("email")), Locale: r.PostFormValue("locale"),
		All: r.PostFormValue("scope") != "chosen", Components: r.PostForm["components"]}
}

func (h *handler) showSubscribe(w http.ResponseWriter, r *http.Request, v *view, status int, d subscribeData) error {
	if v == nil {
		v = newView(r, h.rd, "subscribe.title")
	}
	title := map[string]string{"sent": "subscribe.sent_title", "confirm": "subscribe.confirm_title",
		"confirmed": "subscribe.confirmed_title", "manage": "subscribe.manage_title", "unsubscribe": "subscribe.unsubscribe_title",
		"unsubscribed": "subscribe.unsubscribed_title", "invalid": "subscribe.invalid_title", "expired": "subscribe.expired_title"}[d.Mode]
	if title != "" {
		v.Title = v.T(title)
	}
	switch d.Mode {
	case "form", "confirm", "manage":
		v.FormCSRF = h.formToken(w, r)
	}
	v.Data = d
	w.Header().Set("Cache-Control", "no-store") // the pages of links hold a token
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.rd.render(w, r, h.log, status, "subscribe", v)
	return nil
}

// subscribeForm shows the sign-up form: address, language, everything or chosen public
// components.
func (h *handler) subscribeForm(w http.ResponseWriter, r *http.Request) error {
	v := newView(r, h.rd, "subscribe.title")
	d := subscribeData{Mode: "form", Locale: string(v.Locale), All: true}
	if err := h.offer(r, &d, nil); err != nil {
		return err
	}
	return h.showSubscribe(w, r, v, http.StatusOK, d)
}

// subscribe signs an address up. Valid input always gets the same answer, "check your
// mailbox", whether or not the address was subscribed. Sign-ups are throttled per client
// address and per email address before anything else is looked at; invalid input shows
// the form again with the message next to the field and the input kept.
func (h *handler) subscribe(w http.ResponseWriter, r *http.Request) error {
	in := postedInput(r)
	d := subscribeData{Mode: "form", Email: in.Email, Locale: in.Locale, All: in.All}
	if err := h.offer(r, &d, postedIDs(r)); err != nil {
		return err
	}
	s := submission{form: "subscribe", fields: subscribeFields, title: "subscribe.title",
		show: func(v *view, status int) error { return h.showSubscribe(w, r, v, status, d) }}
	if err := formCut(r); err != nil {
		return h.refill(r, newView(r, h.rd, s.title), s, err)
	}
	if in.Email != "" {
		addr := addressKey(web.ClientAddress(r))
		ok, last := h.subs.addresses.acquire(addr)
		if last {
			h.log.WarnContext(r.Context(), "status page sign-ups throttled: too many from one address",
				"remote", addr, "request_id", web.RequestID(r.Context()))
		}
		if !ok {
			w.Header().Set("Retry-After", retryAfter)
			return h.refill(r, newView(r, h.rd, s.title), s, errSubsThrottledAddress)
		}
		if ok, _ := h.subs.accounts.acquire(accountKey(in.Email)); !ok {
			w.Header().Set("Retry-After", retryAfter)
			return h.refill(r, newView(r, h.rd, s.title), s, errSubsThrottled)
		}
	}
	if err := h.svc.subscriptions.Subscribe(r.Context(), in); err != nil {
		return h.refill(r, newView(r, h.rd, s.title), s, err)
	}
	return h.showSubscribe(w, r, nil, http.StatusOK, subscribeData{Mode: "sent", Email: in.Email})
}

// linkProblem answers a link that does not work: damaged, forged or of an ended
// subscription (404), or an expired confirmation link (410).
func (h *handler) linkProblem(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, app.ErrSubscriberLinkExpired):
		return h.showSubscribe(w, r, nil, http.StatusGone, subscribeData{Mode: "expired"})
	case desk.ErrorCode(err) == desk.EUNAUTHORIZED:
		return h.showSubscribe(w, r, nil, http.StatusNotFound, subscribeData{Mode: "invalid"})
	}
	return err
}

// linkToken is the token of a link's page: in the query of a GET, the form of a POST.
func linkToken(r *http.Request) string {
	if r.Method == http.MethodPost {
		return r.PostFormValue("token")
	}
	return r.URL.Query().Get("token")
}

// confirmForm shows the confirmation link's page: the address and a button.
func (h *handler) confirmForm(w http.ResponseWriter, r *http.Request) error {
	tok := linkToken(r)
	sv, err := h.svc.subscriptions.SubscriberByLink(r.Context(), tok, app.LinkConfirm)
	if err != nil {
		return h.linkProblem(w, r, err)
	}
	mode := "confirm"
	if sv.Confirmed {
		mode = "confirmed"
	}
	return h.showSubscribe(w, r, nil, http.StatusOK, subscribeData{Mode: mode, Token: tok, Email: sv.Email})
}

// confirm confirms the subscription.
func (h *handler) confirm(w http.ResponseWriter, r *http.Request) error {
	if err := formCut(r); err != nil {
		return err
	}
	sv, err := h.svc.subscriptions.Confirm(r.Context(), linkToken(r))
	if err != nil {
		return h.linkProblem(w, r, err)
	}
	return h.showSubscribe(w, r, nil, http.StatusOK, subscribeData{Mode: "confirmed", Email: sv.Email})
}

// manageForm shows the manage link's page: language and components, and unsubscribing.
func (h *handler) manageForm(w http.ResponseWriter, r *http.Request) error {
	tok := linkToken(r)
	sv, err := h.svc.subscriptions.SubscriberByLink(r.Context(), tok, app.LinkManage)
	if err != nil {
		return h.linkProblem(w, r, err)
	}
	d := subscribeData{Mode: "manage", Token: tok, Email: sv.Email, Locale: string(sv.Locale), All: sv.All, Unsubscribe: sv.Unsubscribe}
	if err := h.offer(r, &d, sv.Components); err != nil {
		return err
	}
	return h.showSubscribe(w, r, nil, http.StatusOK, d)
}

// manage saves the language and components of a subscription.
func (h *handler) manage(w http.ResponseWriter, r *http.Request) error {
	if err := formCut(r); err != nil {
		return err // the token itself may be what was cut
	}
	tok := linkToken(r)
	sv, err := h.svc.subscriptions.SubscriberByLink(r.Context(), tok, app.LinkManage)
	if err != nil {
		return h.linkProblem(w, r, err)
	}
	in := postedInput(r)
	d := subscribeData{Mode: "manage", Token: tok, Email: sv.Email, Locale: in.Locale, All: in.All, Unsubscribe: sv.Unsubscribe}
	if err := h.offer(r, &d, postedIDs(r)); err != nil {
		return err
	}
	s := submission{form: "subscribe", fields: subscribeFields, title: "subscribe.manage_title",
		show: func(v *view, status int) error { return h.showSubscribe(w, r, v, status, d) }}
	if _, err := h.svc.subscriptions.Manage(r.Context(), tok, in); err != nil {
		if desk.ErrorCode(err) == desk.EUNAUTHORIZED {
			return h.linkProblem(w, r, err)
		}
		return h.refill(r, newView(r, h.rd, s.title), s, err)
	}
	v := newView(r, h.rd, s.title)
	v.Notice = v.T("subscribe.saved")
	return h.showSubscribe(w, r, v, http.StatusOK, d)
}

// unsubscribeForm shows the unsubscribe link's page: the address and a button.
func (h *handler) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	tok := linkToken(r)
	sv, err := h.svc.subscriptions.SubscriberByLink(r.Context(), tok, app.LinkUnsubscribe)
	if err != nil {
		return h.linkProblem(w, r, err)
	}
	return h.showSubscribe(w, r, nil, http.StatusOK, subscribeData{Mode: "unsubscribe", Token: tok, Email: sv.Email})
}

// maxOneClick bounds the body of a one-click unsubscribe.
const maxOneClick = 1 << 10

// oneClick is RFC 8058's one-click unsubscribe, the POST a mail client sends to the
// List-Unsubscribe URL (the unsubscribe and manage pages' buttons send the same): the
// token in the URL and the body "List-Unsubscribe=One-Click", no CSRF token and no
// cross-origin check, since the token is the credential. A link whose subscription has
// ended already answers like a working one: the address receives nothing either way.
func (h *handler) oneClick(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxOneClick)
	err := r.ParseForm()
	tok := r.URL.Query().Get("token")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.rd.writeError(w, r, h.log, desk.Errorf(desk.ETOOLARGE, "the body is over %d bytes", maxOneClick))
		return
	case err != nil || r.PostForm.Get("List-Unsubscribe") != "One-Click" || tok == "":
		h.rd.writeError(w, r, h.log, desk.Errorf(desk.EINVALID, "send List-Unsubscribe=One-Click to the link of an email"))
		return
	}
	err = h.svc.subscriptions.Unsubscribe(r.Context(), tok)
	if err != nil && desk.ErrorCode(err) != desk.EUNAUTHORIZED {
		h.rd.writeError(w, r, h.log, err)
		return
	}
	// A forged link and an ended subscription answer alike: the address receives nothing.
	_ = h.showSubscribe(w, r, nil, http.StatusOK, subscribeData{Mode: "unsubscribed"})
}

package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
)

// The outbox page (admins): every message Meldpunt sends (emails, webhooks, chat messages),
// by delivery state and channel, newest first, 25 to a page: its subject (a link that opens
// it, outboxmessage.go), recipient, channel, state and attempts and, for a message that was
// set aside, a button that retries it.

// outboxPageSize is how many messages the outbox shows at a time.
const outboxPageSize = 25

// outboxData is the outbox page's own data.
type outboxData struct {
	// Transport is where this instance sends mail; Files is true when that is .eml files,
	// NoMail when it sends no mail at all (emails stay pending).
	Transport string
	Files     bool
	NoMail    bool
	Tabs      []outboxTab
	State     string
	// Channels filter by channel; Via is the one shown ("" for every channel). The state
	// tabs count every channel, so they show their counts only when Via is "".
	Channels []outboxTab
	Via      string
	Rows     []outboxRow
	// NextURL leads to the next (older) page, NewerURL to the newer one, FirstURL back to
	// the first; "" when there is none.
	NextURL, NewerURL, FirstURL string
}

// outboxTab is one state (or channel) filter with its count; State "" is every message.
type outboxTab struct {
	State   string
	Count   int
	URL     string
	Current bool
}

// outboxRow is one message as the page lists it.
type outboxRow struct {
	desk.Notification
	// KindLabel says what the message is: its kind, or a webhook's event type.
	KindLabel string
	// Subject is the email's subject as it is sent, or for a webhook its event and what it
	// is about; the kind when there is none to show.
	Subject string
	// Recipient names a user, an address without an account (NoAccount), or a webhook
	// endpoint (its description; Email is then its host, and EndpointURL its page).
	Recipient, Email string
	NoAccount        bool
	EndpointURL      string
	Number           string // the incident's number; "" for a message about none
}

// Failed tells whether the message was set aside and can be retried.
func (r outboxRow) Failed() bool { return r.State == desk.DeliveryFailed }

// hookSubject is what a webhook's or chat message's list row says it is about: its event
// and the number and title of the incident, change or public incident it concerns, when
// the event names one; the label alone otherwise.
func hookSubject(label string, n desk.Notification) string {
	var ev struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if n.Via == desk.ViaEmail || json.Unmarshal([]byte(n.Payload), &ev) != nil {
		return label
	}
	for _, key := range []string{"incident", "change", "public_incident", "maintenance"} {
		var about struct {
			Number string `json:"number"`
			Title  string `json:"title"`
		}
		if raw, ok := ev.Data[key]; ok && json.Unmarshal(raw, &about) == nil && about.Title != "" {
			return strings.TrimSpace(label + ": " + strings.TrimSpace(about.Number+" "+about.Title))
		}
	}
	return label
}

// Where is the location as the table shows it: the .eml file's name (the page says which
// directory), or the SMTP server.
func (r outboxRow) Where() string {
	if strings.HasSuffix(r.Location, ".eml") {
		return filepath.Base(r.Location)
	}
	return r.Location
}

// ShortError is the last error as the list shows it: its first 160 characters.
func (r outboxRow) ShortError() string {
	if rs := []rune(r.LastError); len(rs) > 160 {
		return string(rs[:160]) + "…"
	}
	return r.LastError
}

// Pending tells whether the message waits for its next attempt.
func (r outboxRow) Pending() bool { return r.State == desk.DeliveryPending }

// outbox lists the outbox, a page at a time, narrowed by ?state= and ?via=.
func (h *handler) outbox(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	v := newView(r, h.rd, "outbox.title")
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	return h.showOutbox(w, r, a, v, http.StatusOK, q.Get("state"), q.Get("via"), after)
}

// outboxURL is the address of the outbox in a state and channel ("" for all).
func outboxURL(state, via string) string {
	q := url.Values{}
	if state != "" {
		q.Set("state", state)
	}
	if via != "" {
		q.Set("via", via)
	}
	if len(q) == 0 {
		return "/admin/outbox"
	}
	return "/admin/outbox?" + q.Encode()
}

// showOutbox renders the outbox in a state and channel ("" for all) from the cursor after
// (0: the newest).
func (h *handler) showOutbox(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, state, via string, after int64) error {
	ctx := r.Context()
	f := desk.OutboxFilter{Limit: outboxPageSize}
	d := outboxData{Transport: h.svc.outbox.Transport()}
	d.Files, d.NoMail = strings.HasPrefix(d.Transport, ".eml"), d.Transport == ""
	if dir, ok := strings.CutPrefix(d.Transport, ".eml files in "); ok {
		d.Transport = dir
	}
	if s := desk.DeliveryState(state); slices.Contains(desk.DeliveryStates, s) {
		f.State, d.State = s, string(s)
	}
	if c := desk.Via(via); slices.Contains(desk.Vias, c) {
		f.Via, d.Via = c, string(c)
	}
	f.Before = max(after, 0)
	page, err := h.svc.outbox.List(ctx, a, f)
	if err != nil {
		return err
	}
	counts, err := h.svc.outbox.Counts(ctx, a)
	if err != nil {
		return err
	}
	// Only messages to users have a user to look up.
	var toUsers []desk.Notification
	for _, n := range page.Items {
		if n.UserID != 0 {
			toUsers = append(toUsers, n)
		}
	}
	users, err := h.svc.outbox.Recipients(ctx, a, toUsers)
	if err != nil {
		return err
	}
	subjects, err := h.svc.outbox.Subjects(ctx, a, page.Items)
	if err != nil {
		return err
	}
	endpoints := map[int64]desk.WebhookEndpoint{}
	if slices.ContainsFunc(page.Items, func(n desk.Notification) bool { return n.EndpointID != 0 }) {
		es, err := h.svc.webhooks.List(ctx, a)
		if err != nil {
			return err
		}
		for _, e := range es {
			endpoints[e.ID] = e
		}
	}
	all := 0
	for _, s := range desk.DeliveryStates {
		all += counts[s]
	}
	d.Tabs = append(d.Tabs, outboxTab{Count: all, URL: outboxURL("", d.Via), Current: d.State == ""})
	for _, s := range desk.DeliveryStates {
		d.Tabs = append(d.Tabs, outboxTab{State: string(s), Count: counts[s],
			URL: outboxURL(string(s), d.Via), Current: d.State == string(s)})
	}
	d.Channels = append(d.Channels, outboxTab{URL: outboxURL(d.State, ""), Current: d.Via == ""})
	for _, c := range desk.Vias {
		d.Channels = append(d.Channels, outboxTab{State: string(c), URL: outboxURL(d.State, string(c)), Current: d.Via == string(c)})
	}
	for _, n := range page.Items {
		row := outboxRowOf(v, n, users, endpoints)
		row.Subject = subjects[n.ID]
		if row.Subject == "" {
			row.Subject = hookSubject(row.KindLabel, n)
		}
		d.Rows = append(d.Rows, row)
	}
	if page.Next != 0 {
		next := url.Values{"after": {strconv.FormatInt(page.Next, 10)}}
		if d.State != "" {
			next.Set("state", d.State)
		}
		if d.Via != "" {
			next.Set("via", d.Via)
		}
		d.NextURL = "/admin/outbox?" + next.Encode()
	}
	if f.Before > 0 && len(page.Items) > 0 {
		before, ok, err := h.svc.outbox.Newer(ctx, a, f, page.Items[0].ID)
		if err != nil {
			return err
		}
		switch {
		case ok && before == 0:
			d.NewerURL = outboxURL(d.State, d.Via)
		case ok:
			q := url.Values{"after": {strconv.FormatInt(before, 10)}}
			if d.State != "" {
				q.Set("state", d.State)
			}
			if d.Via != "" {
				q.Set("via", d.Via)
			}
			d.NewerURL, d.FirstURL = "/admin/outbox?"+q.Encode(), outboxURL(d.State, d.Via)
		}
	} else if f.Before > 0 {
		d.FirstURL = outboxURL(d.State, d.Via)
	}
	v.Nav, v.Data = "outbox", d
	h.rd.render(w, r, h.log, status, "outbox", v)
	return nil
}

// outboxRowOf is a message as the outbox lists it: what it is and whom it goes to.
func outboxRowOf(v *view, n desk.Notification, users map[int64]desk.User, endpoints map[int64]desk.WebhookEndpoint) outboxRow {
	row := outboxRow{Notification: n, KindLabel: v.Label("notify_kind", n.Kind)}
	switch {
	case n.EndpointID != 0:
		row.KindLabel = v.Label("webhooks.event", n.Kind)
		row.EndpointURL = webhookPath(n.EndpointID)
		if e, ok := endpoints[n.EndpointID]; ok {
			er := rowOf(e)
			row.Recipient = er.Name
			if er.Name != er.Host {
				row.Email = er.Host
			}
		} else {
			row.Recipient = v.T("outbox.endpoint_unknown", strconv.FormatInt(n.EndpointID, 10))
		}
	case n.UserID != 0:
		if u, ok := users[n.UserID]; ok {
			row.Recipient, row.Email = u.Name, u.Email
		} else {
			row.Recipient = v.T("outbox.unknown", strconv.FormatInt(n.UserID, 10))
		}
	default:
		row.Recipient, row.Email, row.NoAccount = n.ToName, n.ToEmail, true
		if row.Recipient == "" {
			row.Recipient, row.Email = n.ToEmail, ""
		}
	}
	if n.IncidentID != nil {
		row.Number = desk.FormatNumber(*n.IncidentID)
	}
	return row
}

// retryNotification queues a message that was set aside again and goes back to the list
// (in the state the form came from) with a notice; a message that is not set aside (any
// more) shows the list with the conflict message (409).
func (h *handler) retryNotification(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return desk.NotFound("notification")
	}
	state, via := r.PostFormValue("state"), r.PostFormValue("via")
	s := submission{form: "retry", title: "outbox.title", conflict: "outbox.not_failed",
		show: func(v *view, status int) error { return h.showOutbox(w, r, a, v, status, state, via, 0) }}
	return h.submit(w, r, s, func() (outcome, error) {
		if _, err := h.svc.outbox.Retry(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		if !slices.Contains(desk.DeliveryStates, desk.DeliveryState(state)) {
			state = ""
		}
		if !slices.Contains(desk.Vias, desk.Via(via)) {
			via = ""
		}
		return outcome{to: outboxURL(state, via), flash: flash{code: "retried", arg: strconv.FormatInt(id, 10)}}, nil
	})
}

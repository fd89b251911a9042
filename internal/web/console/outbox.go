package console

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
)

// The outbox page (admins): every email Meldpunt sends, by delivery state, newest first,
// with where it went and, for a message that was set aside, a button that retries it.

// outboxData is the outbox page's own data.
type outboxData struct {
	// Transport is where this instance sends mail; Files is true when that is .eml files.
	Transport string
	Files     bool
	Tabs      []outboxTab
	State     string
	Rows      []outboxRow
	// NextURL leads to the next page; FirstURL back to the first; "" when there is none.
	NextURL, FirstURL string
}

// outboxTab is one state filter with its count; State "" is every message.
type outboxTab struct {
	State   string
	Count   int
	URL     string
	Current bool
}

// outboxRow is one message as the page lists it.
type outboxRow struct {
	desk.Notification
	Recipient, Email string
	Number           string // the incident's number; "" for a message about none
}

// Failed tells whether the message was set aside and can be retried.
func (r outboxRow) Failed() bool { return r.State == desk.DeliveryFailed }

// Where is the location as the table shows it: the .eml file's name (the page says which
// directory), or the SMTP server.
func (r outboxRow) Where() string {
	if strings.HasSuffix(r.Location, ".eml") {
		return filepath.Base(r.Location)
	}
	return r.Location
}

// Pending tells whether the message waits for its next attempt.
func (r outboxRow) Pending() bool { return r.State == desk.DeliveryPending }

// outbox lists the outbox, a page at a time, narrowed by ?state=.
func (h *handler) outbox(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	v := newView(r, h.rd, "outbox.title")
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	return h.showOutbox(w, r, a, v, http.StatusOK, q.Get("state"), after)
}

// showOutbox renders the outbox in a state ("" for all) from the cursor after (0: the
// newest).
func (h *handler) showOutbox(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, state string, after int64) error {
	ctx := r.Context()
	f := desk.OutboxFilter{Limit: 50}
	d := outboxData{Transport: h.svc.outbox.Transport()}
	d.Files = strings.HasPrefix(d.Transport, ".eml")
	if s := desk.DeliveryState(state); slices.Contains(desk.DeliveryStates, s) {
		f.State, d.State = s, string(s)
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
	users, err := h.svc.outbox.Recipients(ctx, a, page.Items)
	if err != nil {
		return err
	}
	all := 0
	for _, s := range desk.DeliveryStates {
		all += counts[s]
	}
	d.Tabs = append(d.Tabs, outboxTab{Count: all, URL: "/admin/outbox", Current: d.State == ""})
	for _, s := range desk.DeliveryStates {
		d.Tabs = append(d.Tabs, outboxTab{State: string(s), Count: counts[s],
			URL: "/admin/outbox?state=" + string(s), Current: d.State == string(s)})
	}
	for _, n := range page.Items {
		row := outboxRow{Notification: n}
		if u, ok := users[n.UserID]; ok {
			row.Recipient, row.Email = u.Name, u.Email
		} else {
			row.Recipient = v.T("outbox.unknown", strconv.FormatInt(n.UserID, 10))
		}
		if n.IncidentID != nil {
			row.Number = desk.FormatNumber(*n.IncidentID)
		}
		d.Rows = append(d.Rows, row)
	}
	filter := url.Values{}
	if d.State != "" {
		filter.Set("state", d.State)
	}
	if page.Next != 0 {
		next := url.Values{"after": {strconv.FormatInt(page.Next, 10)}}
		if d.State != "" {
			next.Set("state", d.State)
		}
		d.NextURL = "/admin/outbox?" + next.Encode()
	}
	if f.Before > 0 {
		d.FirstURL = "/admin/outbox"
		if len(filter) > 0 {
			d.FirstURL += "?" + filter.Encode()
		}
	}
	v.Nav, v.Data = "outbox", d
	h.rd.render(w, r, h.log, status, "outbox", v)
	return nil
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
	state := r.PostFormValue("state")
	s := submission{form: "retry", title: "outbox.title", conflict: "outbox.not_failed",
		show: func(v *view, status int) error { return h.showOutbox(w, r, a, v, status, state, 0) }}
	return h.submit(w, r, s, func() (outcome, error) {
		if _, err := h.svc.outbox.Retry(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		back := "/admin/outbox"
		if slices.Contains(desk.DeliveryStates, desk.DeliveryState(state)) {
			back += "?" + url.Values{"state": {state}}.Encode()
		}
		return outcome{to: back, flash: flash{code: "retried", arg: strconv.FormatInt(id, 10)}}, nil
	})
}

package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The webhook pages (admins; docs/webhooks.md): /admin/webhooks lists the endpoints that
// receive the desk's events, with a form to register one; /admin/webhooks/{id} shows one
// endpoint to change, switch off or on, test, give a new secret or delete, with its recent
// deliveries.
//
// Two things are never on a page but once. An endpoint's URL shows as its scheme and host
// only: the path of a chat webhook is its secret, so the edit form keeps the URL when its
// field is left empty. The signing secret shows in the answer to the POST that made it
// (registering, rotating), rendered there and then instead of redirecting: it never
// travels in a URL, a cookie or a log line, and reloading that page does not show it
// again without sending the form again.

// webhooksData is the list page's own data.
type webhooksData struct {
	Rows []webhookRow
	Form webhookForm
}

// webhookRow is an endpoint as the pages show it.
type webhookRow struct {
	ID          int64
	Name        string // the description, or the host when there is none
	Description string
	Host        string // scheme and host of the URL, nothing more
	Events      []string
	Format      desk.WebhookFormat
	Locale      desk.Locale
	Active      bool
	// Last is the endpoint's most recent delivery; nil when nothing was sent to it yet.
	Last *webhookDelivery
}

// webhookDelivery is one message to an endpoint, with its latest attempt.
type webhookDelivery struct {
	app.Delivery
	// Latest is the last attempt; nil when none was made yet.
	Latest *desk.Attempt
}

// webhookForm is the form that registers or changes an endpoint, with what was sent kept
// after an error.
type webhookForm struct {
	Name, Action string
	New          bool
	// URL is what was typed; Host is the current URL's host (a change leaves the field
	// empty to keep the URL).
	URL, Host    string
	Description  string
	Events       []eventChoice
	Format       string
	Locale       string
	Active       bool
	Formats      []desk.WebhookFormat
	Locales      []desk.Locale
	EventsTarget string // the id the error summary links to for the events
}

// eventChoice is one event type's checkbox.
type eventChoice struct {
	Type, ID string
	Checked  bool
}

// webhookData is an endpoint's page.
type webhookData struct {
	Endpoint webhookRow
	// PreviousUntil is when the previous secret stops signing, after a rotation; zero when
	// there is none (any more).
	PreviousUntil time.Time
	// Secret is the new signing secret, in the answer to the registration or rotation
	// only; Rotated tells which.
	Secret     string
	Rotated    bool
	Form       webhookForm
	Deliveries []webhookDelivery
}

// secretShown is a secret the page shows once.
type secretShown struct {
	secret  string
	rotated bool
}

// urlHost is the scheme and host of an endpoint's URL: what the pages show of it.
func urlHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// rowOf is the page's form of an endpoint.
func rowOf(e desk.WebhookEndpoint) webhookRow {
	r := webhookRow{ID: e.ID, Description: e.Description, Host: urlHost(e.URL), Events: e.Events, Format: e.Format,
		Locale: e.Locale, Active: e.Active}
	r.Name = r.Description
	if r.Name == "" {
		r.Name = r.Host
	}
	return r
}

// deliveryOf is a delivery with its latest attempt at hand.
func deliveryOf(d app.Delivery) webhookDelivery {
	out := webhookDelivery{Delivery: d}
	if n := len(d.Attempts); n > 0 {
		out.Latest = &d.Attempts[n-1]
	}
	return out
}

// webhookPath is the address of an endpoint's page.
func webhookPath(id int64) string { return "/admin/webhooks/" + strconv.FormatInt(id, 10) }

// webhookFormFor builds the form of e (the zero endpoint for a new one), or, when it is the
// form that failed, with the values sent.
func webhookFormFor(v *view, form string, e desk.WebhookEndpoint) webhookForm {
	f := webhookForm{Name: form, New: e.ID == 0, Host: urlHost(e.URL), Description: e.Description, Format: string(e.Format),
		Locale: string(e.Locale), Active: e.Active, Formats: []desk.WebhookFormat{desk.WebhookStandard, desk.WebhookSlack},
		Locales: []desk.Locale{desk.LocaleNL, desk.LocaleEN}}
	f.Action = "/admin/webhooks"
	if !f.New {
		f.Action = webhookPath(e.ID)
	}
	chosen := e.Events
	if v.Form == form {
		f.URL, f.Description = v.Val(form, "url"), v.Val(form, "description")
		f.Format, f.Locale = v.Val(form, "format"), v.Val(form, "locale")
		f.Active = v.Val(form, "active") != ""
		chosen = v.Values["events"]
	}
	for _, ev := range desk.WebhookEvents {
		f.Events = append(f.Events, eventChoice{Type: ev, ID: form + "-event-" + strings.ReplaceAll(ev, ".", "-"),
			Checked: slices.Contains(chosen, ev)})
	}
	f.EventsTarget = f.Events[0].ID
	return f
}

// webhookFields are the fields of an endpoint's form, in page order, for the error summary.
func webhookFields(form string) []fieldRef {
	return []fieldRef{
		fld("url", form+"-url", "webhooks.url"),
		fld("description", form+"-description", "webhooks.description"),
		fld("events", form+"-event-"+strings.ReplaceAll(desk.WebhookEvents[0], ".", "-"), "webhooks.events"),
		fld("format", form+"-format-"+string(desk.WebhookStandard), "webhooks.format"),
		fld("locale", form+"-locale", "webhooks.locale"),
	}
}

// webhookInput reads an endpoint's form. An empty URL field keeps the URL when keepURL
// (the form of a registered endpoint never shows it); an absent format or language keeps
// the default or the current one.
func webhookInput(r *http.Request, keepURL bool) app.WebhookInput {
	u := strings.TrimSpace(r.PostFormValue("url"))
	desc := r.PostFormValue("description")
	events := r.PostForm["events"]
	if events == nil {
		events = []string{}
	}
	in := app.WebhookInput{Description: &desc, Events: &events}
	if u != "" || !keepURL {
		in.URL = &u
	}
	if f := desk.WebhookFormat(r.PostFormValue("format")); f != "" {
		in.Format = &f
	}
	if l := desk.Locale(r.PostFormValue("locale")); l != "" {
		in.Locale = &l
	}
	return in
}

// flashName shortens an endpoint's name for a flash, whose cookie must stay small.
func flashName(name string) string {
	if r := []rune(name); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return name
}

// webhookID reads the {id} of an endpoint's page.
func webhookID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("webhook endpoint")
	}
	return id, nil
}

// errConfirm is a confirmation box left empty.
func errConfirm() error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
		Fields: []desk.FieldError{{Field: "confirm", Rule: "confirm", Message: "tick the box to confirm"}}}
}

// webhooks lists the endpoints, with the form to register one.
func (h *handler) webhooks(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.showWebhooks(w, r, a, newView(r, h.rd, "webhooks.title"), http.StatusOK)
}

func (h *handler) showWebhooks(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	ctx := r.Context()
	es, err := h.svc.webhooks.List(ctx, a)
	if err != nil {
		return err
	}
	var d webhooksData
	for _, e := range es {
		row := rowOf(e)
		ds, err := h.svc.webhooks.Deliveries(ctx, a, e.ID)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			last := deliveryOf(ds[0])
			row.Last = &last
		}
		d.Rows = append(d.Rows, row)
	}
	d.Form = webhookFormFor(v, "webhook-new", desk.WebhookEndpoint{Format: desk.WebhookStandard, Locale: v.Locale, Active: true})
	v.Here = "/admin/webhooks" // also when it answers a POST
	v.Nav, v.Data = "webhooks", d
	h.rd.render(w, r, h.log, status, "webhooks", v)
	return nil
}

// webhook shows an endpoint's page.
func (h *handler) webhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	return h.showWebhook(w, r, a, newView(r, h.rd, "webhooks.title"), http.StatusOK, id, nil)
}

// showWebhook renders an endpoint's page; shown is the secret just made, nil on any other
// answer.
func (h *handler) showWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, id int64, shown *secretShown) error {
	ctx := r.Context()
	e, err := h.svc.webhooks.Get(ctx, a, id)
	if err != nil {
		return err
	}
	ds, err := h.svc.webhooks.Deliveries(ctx, a, id)
	if err != nil {
		return err
	}
	d := webhookData{Endpoint: rowOf(e), Form: webhookFormFor(v, "webhook-edit", e)}
	if e.PreviousSecret != "" && e.PreviousUntil != nil && e.PreviousUntil.After(time.Now()) {
		d.PreviousUntil = *e.PreviousUntil
	}
	for _, dl := range ds {
		d.Deliveries = append(d.Deliveries, deliveryOf(dl))
	}
	if shown != nil {
		d.Secret, d.Rotated = shown.secret, shown.rotated
	}
	// The page answers a POST too; its language switch returns to the page, not the form.
	v.Here = webhookPath(id)
	v.Title = v.T("webhooks.one", d.Endpoint.Name)
	v.Nav, v.Data = "webhooks", d
	h.rd.render(w, r, h.log, status, "webhook", v)
	return nil
}

// submitThenShow is submit for a form whose success is a page shown at once rather than
// a redirect: the page with a new secret. do returns what shows that page.
func (h *handler) submitThenShow(w http.ResponseWriter, r *http.Request, s submission, do func() (show func() error, err error)) error {
	err := formCut(r)
	if err == nil {
		var show func() error
		if show, err = do(); err == nil {
			return show()
		}
	}
	return h.refill(r, newView(r, h.rd, s.title), s, err)
}

// createWebhook registers an endpoint and answers with its page, which shows the secret
// this once; invalid input shows the list again with the messages next to the fields.
func (h *handler) createWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	s := submission{form: "webhook-new", fields: webhookFields("webhook-new"), title: "webhooks.title",
		show: func(v *view, status int) error { return h.showWebhooks(w, r, a, v, status) }}
	return h.submitThenShow(w, r, s, func() (func() error, error) {
		made, err := h.svc.webhooks.Create(r.Context(), a, webhookInput(r, false))
		if err != nil {
			return nil, err
		}
		return func() error {
			v := newView(r, h.rd, "webhooks.title")
			v.Notice = v.T("webhooks.created", rowOf(made.WebhookEndpoint).Name)
			return h.showWebhook(w, r, a, v, http.StatusCreated, made.ID, &secretShown{secret: made.Secret})
		}, nil
	})
}

// webhookSubmission is a form of an endpoint's page: it shows the page again with the
// messages next to its fields.
func (h *handler) webhookSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, form string, fields []fieldRef) submission {
	return submission{form: form, fields: fields, title: "webhooks.title",
		show: func(v *view, status int) error { return h.showWebhook(w, r, a, v, status, id, nil) }}
}

// updateWebhook changes an endpoint, including whether it is on.
func (h *handler) updateWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	s := h.webhookSubmission(w, r, a, id, "webhook-edit", webhookFields("webhook-edit"))
	return h.submit(w, r, s, func() (outcome, error) {
		in := webhookInput(r, true)
		active := r.PostFormValue("active") != ""
		in.Active = &active
		e, err := h.svc.webhooks.Update(r.Context(), a, id, in)
		return outcome{to: webhookPath(id), flash: flash{code: "webhook_saved", arg: flashName(rowOf(e).Name)}}, err
	})
}

// testWebhook queues a test event for the endpoint; a switched-off endpoint shows its page
// with the conflict (409).
func (h *handler) testWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	s := h.webhookSubmission(w, r, a, id, "webhook-test", nil)
	s.conflict = "webhooks.test_off"
	return h.submit(w, r, s, func() (outcome, error) {
		_, err := h.svc.webhooks.SendTest(r.Context(), a, id)
		return outcome{to: webhookPath(id), flash: flash{code: "webhook_tested"}}, err
	})
}

// rotateWebhook gives the endpoint a new secret, once its box is ticked, and answers with
// the endpoint's page showing the secret this once.
func (h *handler) rotateWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	s := h.webhookSubmission(w, r, a, id, "webhook-rotate", []fieldRef{fld("confirm", "webhook-rotate-confirm", "webhooks.rotate_confirm")})
	return h.submitThenShow(w, r, s, func() (func() error, error) {
		if r.PostFormValue("confirm") == "" {
			return nil, errConfirm()
		}
		made, err := h.svc.webhooks.RotateSecret(r.Context(), a, id)
		if err != nil {
			return nil, err
		}
		return func() error {
			v := newView(r, h.rd, "webhooks.title")
			v.Notice = v.T("webhooks.rotated")
			return h.showWebhook(w, r, a, v, http.StatusOK, id, &secretShown{secret: made.Secret, rotated: true})
		}, nil
	})
}

// deleteWebhook deletes the endpoint, once its box is ticked, and goes back to the list.
func (h *handler) deleteWebhook(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	s := h.webhookSubmission(w, r, a, id, "webhook-delete", []fieldRef{fld("confirm", "webhook-delete-confirm", "webhooks.delete_confirm")})
	return h.submit(w, r, s, func() (outcome, error) {
		e, err := h.svc.webhooks.Get(r.Context(), a, id)
		if err != nil {
			return outcome{}, err
		}
		if r.PostFormValue("confirm") == "" {
			return outcome{}, errConfirm()
		}
		if err := h.svc.webhooks.Delete(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/admin/webhooks", flash: flash{code: "webhook_deleted", arg: flashName(rowOf(e).Name)}}, nil
	})
}

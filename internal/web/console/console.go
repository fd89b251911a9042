// Package console serves Meldpunt's pages: sign-in, password reset, first-start setup, the
// incident pages, the urgent-report questionnaire with its verdict, the desk's triage and
// phone intake, and the administration (the questionnaire, the outbox, webhooks), in Dutch
// and English. Every page
// works without JavaScript; report.js shows the verdict while the client answers.
//
// Every handler returns an error to one wrapper (page.go), which reads posted forms, checks
// their CSRF token and renders the error page; forms that fail show their page again with
// the messages next to the fields and a summary at the top (forms.go).
package console

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/markdown"
	"meldpunt/internal/web"
	"meldpunt/internal/web/snapshot"
)

// Deps is what the pages need: the services they call, and the installation's settings.
type Deps struct {
	Identity      *app.Identity
	Organisations *app.Organisations
	Components    *app.Components
	Incidents     *app.Incidents
	Reports       *app.Reports
	Changes       *app.Changes
	SLA           *app.SLA
	Suppliers     *app.Suppliers
	Outbox        *app.Outbox
	Webhooks      *app.Webhooks
	Branding      *app.Branding
	Subscriptions *app.Subscriptions
	// PublicIncidents publishes the status page's incidents and maintenance.
	PublicIncidents *app.PublicIncidents
	// StatusTemplates keeps the desk's message templates for status-page updates.
	StatusTemplates *app.StatusTemplates
	// Monitors are the monitors' screens' use cases (monitors.go).
	Monitors *app.Monitors
	// SavedViews keeps the queue's saved views and counts the desk's menu (queueviews.go).
	SavedViews *app.SavedViews
	// Presence tells staff who else has an incident's page open (workspace.go).
	Presence *app.Presence

	Log *slog.Logger
	// Texts is the catalog of every page's texts, built once at start (i18n.Load).
	Texts   *i18n.Catalog
	BaseURL string
	// SecureCookies marks cookies Secure even on plain HTTP (set when the base URL is https).
	SecureCookies bool
	// Snapshot serves the public status page from memory (internal/web/snapshot); nil
	// renders each request.
	Snapshot *snapshot.Cache
}

// services are the use cases the pages call.
type services struct {
	identity      *app.Identity
	organisations *app.Organisations
	components    *app.Components
	incidents     *app.Incidents
	reports       *app.Reports
	changes       *app.Changes
	sla           *app.SLA
	suppliers     *app.Suppliers
	outbox        *app.Outbox
	webhooks      *app.Webhooks
	branding      *app.Branding
	subscriptions *app.Subscriptions
	// publicIncidents are the status page's incidents and maintenance.
	publicIncidents *app.PublicIncidents
	// statusTemplates keeps the desk's message templates (statustemplates.go).
	statusTemplates *app.StatusTemplates
	// monitors defines and tests monitors and keeps their history (monitors.go).
	monitors *app.Monitors
	// savedViews keeps the queue's saved views and counts the desk's menu (queueviews.go).
	savedViews *app.SavedViews
	// presence is who else has an incident's page open (workspace.go).
	presence *app.Presence
}

// handler serves the pages.
type handler struct {
	svc      services
	log      *slog.Logger
	secure   bool
	rd       *renderer
	throttle guard // failed sign-ins per account and per client address
	// resets counts reset-link requests per email address and per client address: each
	// one may write a link, an email and a log line.
	resets guard
	// subs counts status page sign-ups per email address and per client address: each
	// one may send an email.
	subs guard
	cop  *http.CrossOriginProtection
	snap *snapshot.Cache
	// md renders the status page's Markdown messages to sanitised HTML.
	md *markdown.Renderer
	// baseURL is the installation's address, for the heartbeat URL a new monitor shows.
	baseURL string
	// pending keeps the files of a questionnaire shown again (reportfiles.go).
	pending *pendingUploads
}

// Pages is what the rest of the HTTP interface uses of the pages: their error renderer,
// parsed once by Register.
type Pages struct{ h *handler }

// WriteError answers a page request with an error page in the request's language: not
// found, forbidden, too many requests, a conflict, or a generic message with the request id
// for an internal error (which is logged). A request that needs a sign-in is sent to the
// sign-in page. The server uses it for unrouted URLs and for the middleware's errors.
func (p *Pages) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p.h.rd.writeError(w, r, p.h.log, err)
}

// Register adds the pages' routes to mux and returns their error renderer. It panics when
// the layout does not parse or there is no catalog, which every test that starts a server
// would show; each page is parsed when first shown (TestTemplatesParse parses them all).
func Register(mux *web.Mux, d Deps) *Pages {
	rd, err := newRenderer(d.Texts)
	if err != nil {
		panic("console: " + err.Error())
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	h := &handler{
		svc: services{identity: d.Identity, organisations: d.Organisations, components: d.Components,
			incidents: d.Incidents, reports: d.Reports, changes: d.Changes, sla: d.SLA,
			suppliers: d.Suppliers, outbox: d.Outbox, webhooks: d.Webhooks, branding: d.Branding, subscriptions: d.Subscriptions,
			publicIncidents: d.PublicIncidents, statusTemplates: d.StatusTemplates, monitors: d.Monitors,
			savedViews: d.SavedViews, presence: d.Presence},
		log: log, secure: d.SecureCookies, rd: rd,
		throttle: newGuard(SignInsPerAccount, SignInsPerAddress, ThrottleWindow, 20000, time.Now),
		resets:   newGuard(ResetsPerAccount, ResetsPerAddress, ThrottleWindow, 20000, time.Now),
		subs:     newGuard(SignUpsPerEmail, SignUpsPerAddress, ThrottleWindow, 20000, time.Now),
		cop:      http.NewCrossOriginProtection(),
		snap:     d.Snapshot,
		md:       markdown.New(),
		baseURL:  d.BaseURL,
		pending:  newPendingUploads(PendingLifetime, PendingBytes, time.Now),
	}
	// Behind a proxy that rewrites Host, the base URL is still a same-origin source.
	if u, err := url.Parse(d.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		_ = h.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	// open pages work for anyone; their forms carry the session's token when there is a
	// session. preSignIn forms carry the double-submit token of the form cookie. private
	// pages need a signed-in person and carry the session's token.
	open := func(pattern string, fn handlerFunc) { mux.Handle(pattern, h.serve(sessionToken, fn, nil)) }
	preSignIn := func(pattern string, fn handlerFunc) { mux.Handle(pattern, h.serve(formCookieToken, fn, nil)) }
	private := func(pattern string, fn actorFunc) {
		g := pageGates[pattern]
		if g == nil {
			g = anyone
		}
		mux.Handle(pattern, h.serve(sessionToken, signedIn(fn), g))
	}

	mux.HandleFunc("GET /static/{checksum}/{name}", rd.assets.serve)
	mux.HandleFunc("GET /favicon.ico", rd.assets.favicon) // the icon at the address browsers ask (static.go)
	open("GET /{$}", h.home)
	open("GET /login", h.loginForm)
	preSignIn("POST /login", h.login)
	open("POST /logout", h.logout)
	open("POST /language", h.language)
	open("GET /password/forgot", h.forgotForm)
	preSignIn("POST /password/forgot", h.forgot)
	open("GET /password/reset", h.resetForm)
	preSignIn("POST /password/reset", h.reset)
	open("GET /setup", h.setupForm)
	preSignIn("POST /setup", h.setup)
	open("GET /solution/{token}", h.solution)           // no sign-in: the token is the credential
	open("GET /status", h.cached(publicPage, h.status)) // the public status page (status.go)
	open("GET /status/logo", h.statusLogo)              // its logo (statusbrand.go)
	open("GET /status/theme.css", h.statusTheme)
	// Public incidents and maintenance: a page each (the /api/v2 shortlink) and the
	// history by month (statuspublic.go).
	open("GET /status/incidents/{id}", h.cached(publicPage, h.statusIncident))
	open("GET /status/history", h.cached(publicPage, h.statusHistory))
	preSignIn("POST /solution/{token}", h.reactToSolution)
	// Email subscriptions to the status page (subscribe.go).
	open("GET /status/subscribe", h.subscribeForm)
	preSignIn("POST /status/subscribe", h.subscribe)
	open("GET /status/confirm", h.confirmForm)
	preSignIn("POST /status/confirm", h.confirm)
	open("GET /status/manage", h.manageForm)
	preSignIn("POST /status/manage", h.manage)
	open("GET /status/unsubscribe", h.unsubscribeForm)
	mux.HandleFunc("POST /status/unsubscribe", h.oneClick) // RFC 8058: no CSRF token, the link's token is the credential
	private("GET /incidents", h.incidents)
	private("GET /service-status", h.serviceStatus) // the signed-in status view (servicestatus.go)
	private("GET /incidents/{id}", h.incident)
	private("POST /incidents/{id}/entries", h.addEntry)
	private("POST /incidents/{id}/transition", h.transition)
	private("POST /incidents/{id}/assign", h.assign)
	private("POST /incidents/{id}/assess", h.assess)
	private("POST /incidents/{id}/classify", h.classify)
	private("POST /incidents/{id}/attachments", h.attach)
	private("GET /incidents/{id}/attachments/{attachment}", h.attachment)
	private("GET /report", h.reportForm)
	private("POST /report", h.report)
	private("GET /intake", h.intakeForm)
	private("POST /intake", h.intake)
	private("GET /triage", h.triage)
	private("GET /queue", h.queue)
	private("GET /reports/sla", h.slaReport)
	private("GET /reports/sla.csv", h.slaReportCSV)
	private("GET /admin/questionnaire", h.questionnaire)
	private("POST /admin/questionnaire", h.replaceQuestionnaire)
	private("GET /admin/questionnaire/download", h.questionnaireJSON)
	private("GET /admin/outbox", h.outbox)
	private("POST /admin/outbox/{id}/retry", h.retryNotification)
	private("GET /admin/status-page", h.pageSettings)
	private("POST /admin/status-page", h.savePageSettings)
	private("POST /admin/status-page/logo", h.uploadPageLogo)
	private("POST /admin/status-page/logo/delete", h.deletePageLogo)
	private("GET /admin/status-templates", h.statusTemplates)
	private("POST /admin/status-templates", h.createTemplate)
	private("POST /admin/status-templates/{id}", h.updateTemplate)
	private("POST /admin/status-templates/{id}/delete", h.deleteTemplate)
	private("GET /admin/webhooks", h.webhooks)
	private("POST /admin/webhooks", h.createWebhook)
	private("GET /admin/webhooks/{id}", h.webhook)
	private("POST /admin/webhooks/{id}", h.updateWebhook)
	private("POST /admin/webhooks/{id}/test", h.testWebhook)
	private("POST /admin/webhooks/{id}/rotate", h.rotateWebhook)
	private("POST /admin/webhooks/{id}/delete", h.deleteWebhook)
	private("GET /account/notifications", h.preferences)
	private("POST /account/notifications", h.savePreferences)
	private("GET /account/password", h.accountPassword)
	private("POST /account/password", h.changePassword)
	private("GET /suppliers", h.suppliers)
	private("POST /suppliers", h.createSupplier)
	private("POST /suppliers/{id}", h.updateSupplier)
	private("GET /calendars", h.calendars)
	private("GET /calendars/new", h.calendar)
	private("POST /calendars/new", h.putCalendar)
	private("GET /calendars/{slug}", h.calendar)
	private("POST /calendars/{slug}", h.putCalendar)
	private("POST /incidents/{id}/changes", h.createChange)
	private("GET /changes", h.changes)
	private("GET /changes/{id}", h.change)
	private("POST /changes/{id}/transition", h.transitionChange)
	private("POST /changes/{id}/edit", h.editChange)
	private("POST /changes/{id}/incidents", h.linkChange)
	private("POST /changes/{id}/unlink", h.unlinkChange)
	// The desk's forms for the status page's incidents and maintenance (publicincidents.go).
	private("GET /public-incidents", h.publicIncidentList)
	private("GET /public-incidents/new", h.publicIncidentForm)
	private("POST /public-incidents", h.createPublicIncident)
	private("GET /public-incidents/{id}", h.publicIncident)
	private("POST /public-incidents/{id}/updates", h.postPublicUpdate)
	private("POST /public-incidents/{id}/resolve", h.resolvePublicIncident)
	private("POST /public-incidents/{id}/postmortem", h.postmortemPublicIncident)
	h.registerTicketLinks(private)   // linked tickets (ticketlink.go)
	h.registerOutboxMessage(private) // one message of the outbox (outboxmessage.go)
	h.registerPubFinish(private)     // template chooser, edit form (pubincidentforms.go)
	h.registerMonitors(mux)          // the monitors' screens (monitors.go, monitorform.go)
	h.registerQueue(private)         // the queue's views, bulk actions and menu counts (queueviews.go, bulk.go)
	h.registerWorkspace(private)     // presence on the incident page (workspace.go)
	return &Pages{h: h}
}

// secureFor tells whether cookies set on this request must be Secure.
func (h *handler) secureFor(r *http.Request) bool { return h.secure || r.TLS != nil }

// home sends people where they start: the incidents, the sign-in page, or, on a new
// installation, the first-start page.
func (h *handler) home(w http.ResponseWriter, r *http.Request) error {
	if done, err := h.redirectAway(w, r, "/incidents"); done || err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// language saves the language a signed-in person picks in the header: in their profile
// (for emails and other devices) and in the lang cookie. The anonymous switch is a ?lang=
// link instead, which only sets the cookie.
func (h *handler) language(w http.ResponseWriter, r *http.Request) error {
	if err := formCut(r); err != nil {
		return err
	}
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		l = i18n.Default
	}
	next := safeNext(r.PostFormValue("next"), "/")
	if a, signed := web.Actor(r.Context()); signed {
		if u, ok := web.User(r.Context()); ok && u.Locale != l {
			if _, err := h.svc.identity.UpdateUser(r.Context(), a, u.ID, app.UserPatch{Locale: &l}); err != nil {
				return err
			}
		}
	}
	http.SetCookie(w, i18n.Cookie(l, h.secureFor(r)))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// redirectAway sends a signed-in person on to next, and anyone to /setup while the first
// admin is still to be created. It tells whether it answered the request.
func (h *handler) redirectAway(w http.ResponseWriter, r *http.Request, next string) (bool, error) {
	if _, ok := web.Actor(r.Context()); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return true, nil
	}
	pending, err := h.svc.identity.SetupPending(r.Context())
	if err != nil {
		return true, err
	}
	if pending {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return true, nil
	}
	return false, nil
}

// requireAdmin refuses anyone but an admin.
func requireAdmin(a desk.Actor) error {
	if a.Role != desk.RoleAdmin {
		return errForbidden
	}
	return nil
}

// requireDesk refuses anyone but an admin or an agent: the desk, and the configuration
// pages agents may read.
func requireDesk(a desk.Actor) error {
	if !a.Role.IsDesk() {
		return errForbidden
	}
	return nil
}

// Package console serves Meldpunt's pages: sign-in, password reset, first-start setup, the
// incident pages, the urgent-report questionnaire with its verdict, the desk's triage and
// phone intake, and the questionnaire's administration, in Dutch and English. Every page
// works without JavaScript; report.js shows the verdict while the client answers.
package console

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
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

	Log *slog.Logger
	// Texts is the catalog of every page's texts, built once at start (i18n.Load).
	Texts   *i18n.Catalog
	BaseURL string
	// SecureCookies marks cookies Secure even on plain HTTP (set when the base URL is https).
	SecureCookies bool
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
}

// handler serves the pages.
type handler struct {
	svc      services
	log      *slog.Logger
	secure   bool
	rd       *renderer
	throttle *throttle
	// resets counts reset-link requests per address: each one writes a link and a log line.
	resets *throttle
	cop    *http.CrossOriginProtection
}

// Register adds the pages' routes to mux. It panics when the layout does not parse or
// there is no catalog, which every test that starts a server would show; each page is
// parsed when first shown (TestTemplatesParse parses them all).
func Register(mux *web.Mux, d Deps) {
	rd, err := newRenderer(d.Texts)
	if err != nil {
		panic("console: " + err.Error())
	}
	h := &handler{
		svc: services{identity: d.Identity, organisations: d.Organisations, components: d.Components, incidents: d.Incidents, reports: d.Reports, changes: d.Changes, sla: d.SLA, suppliers: d.Suppliers, outbox: d.Outbox},
		log: d.Log, secure: d.SecureCookies, rd: rd,
		throttle: newThrottle(10, 15*time.Minute, 10000, time.Now),
		resets:   newThrottle(5, 15*time.Minute, 10000, time.Now),
		cop:      http.NewCrossOriginProtection(),
	}
	// Behind a proxy that rewrites Host, the base URL is still a same-origin source.
	if u, err := url.Parse(d.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		_ = h.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	mux.HandleFunc("GET /static/{checksum}/{name}", rd.assets.serve)
	mux.HandleFunc("GET /{$}", h.wrap(h.home))
	mux.HandleFunc("GET /login", h.wrap(h.loginForm))
	mux.HandleFunc("POST /login", h.wrap(h.login))
	mux.HandleFunc("POST /logout", h.wrap(h.logout))
	mux.HandleFunc("POST /language", h.wrap(h.language))
	mux.HandleFunc("GET /password/forgot", h.wrap(h.forgotForm))
	mux.HandleFunc("POST /password/forgot", h.wrap(h.forgot))
	mux.HandleFunc("GET /password/reset", h.wrap(h.resetForm))
	mux.HandleFunc("POST /password/reset", h.wrap(h.reset))
	mux.HandleFunc("GET /setup", h.wrap(h.setupForm))
	mux.HandleFunc("POST /setup", h.wrap(h.setup))
	mux.HandleFunc("GET /solution/{token}", h.wrap(h.solution)) // no sign-in: the token is the credential
	mux.HandleFunc("POST /solution/{token}", h.wrap(h.reactToSolution))
	mux.HandleFunc("GET /incidents", h.wrap(h.signedIn(h.incidents)))
	mux.HandleFunc("GET /incidents/{id}", h.wrap(h.signedIn(h.incident)))
	mux.HandleFunc("POST /incidents/{id}/entries", h.wrap(h.signedIn(h.addEntry)))
	mux.HandleFunc("POST /incidents/{id}/transition", h.wrap(h.signedIn(h.transition)))
	mux.HandleFunc("POST /incidents/{id}/assign", h.wrap(h.signedIn(h.assign)))
	mux.HandleFunc("POST /incidents/{id}/assess", h.wrap(h.signedIn(h.assess)))
	mux.HandleFunc("POST /incidents/{id}/classify", h.wrap(h.signedIn(h.classify)))
	mux.HandleFunc("POST /incidents/{id}/attachments", h.wrap(h.signedIn(h.attach)))
	mux.HandleFunc("GET /incidents/{id}/attachments/{attachment}", h.wrap(h.signedIn(h.attachment)))
	mux.HandleFunc("GET /report", h.wrap(h.signedIn(h.reportForm)))
	mux.HandleFunc("POST /report", h.wrap(h.signedIn(h.report)))
	mux.HandleFunc("GET /intake", h.wrap(h.signedIn(h.intakeForm)))
	mux.HandleFunc("POST /intake", h.wrap(h.signedIn(h.intake)))
	mux.HandleFunc("GET /triage", h.wrap(h.signedIn(h.triage)))
	mux.HandleFunc("GET /queue", h.wrap(h.signedIn(h.queue)))
	mux.HandleFunc("GET /reports/sla", h.wrap(h.signedIn(h.slaReport)))
	mux.HandleFunc("GET /reports/sla.csv", h.wrap(h.signedIn(h.slaReportCSV)))
	mux.HandleFunc("GET /admin/questionnaire", h.wrap(h.signedIn(h.questionnaire)))
	mux.HandleFunc("POST /admin/questionnaire", h.wrap(h.signedIn(h.replaceQuestionnaire)))
	mux.HandleFunc("GET /admin/questionnaire/download", h.wrap(h.signedIn(h.questionnaireJSON)))
	mux.HandleFunc("GET /admin/outbox", h.wrap(h.signedIn(h.outbox)))
	mux.HandleFunc("POST /admin/outbox/{id}/retry", h.wrap(h.signedIn(h.retryNotification)))
	mux.HandleFunc("GET /account/notifications", h.wrap(h.signedIn(h.preferences)))
	mux.HandleFunc("POST /account/notifications", h.wrap(h.signedIn(h.savePreferences)))
	mux.HandleFunc("GET /suppliers", h.wrap(h.signedIn(h.suppliers)))
	mux.HandleFunc("POST /suppliers", h.wrap(h.signedIn(h.createSupplier)))
	mux.HandleFunc("POST /suppliers/{id}", h.wrap(h.signedIn(h.updateSupplier)))
	mux.HandleFunc("GET /calendars", h.wrap(h.signedIn(h.calendars)))
	mux.HandleFunc("GET /calendars/new", h.wrap(h.signedIn(h.calendar)))
	mux.HandleFunc("POST /calendars/new", h.wrap(h.signedIn(h.putCalendar)))
	mux.HandleFunc("GET /calendars/{slug}", h.wrap(h.signedIn(h.calendar)))
	mux.HandleFunc("POST /calendars/{slug}", h.wrap(h.signedIn(h.putCalendar)))
	mux.HandleFunc("POST /incidents/{id}/changes", h.wrap(h.signedIn(h.createChange)))
	mux.HandleFunc("GET /changes", h.wrap(h.signedIn(h.changes)))
	mux.HandleFunc("GET /changes/{id}", h.wrap(h.signedIn(h.change)))
	mux.HandleFunc("POST /changes/{id}/transition", h.wrap(h.signedIn(h.transitionChange)))
	mux.HandleFunc("POST /changes/{id}/edit", h.wrap(h.signedIn(h.editChange)))
	mux.HandleFunc("POST /changes/{id}/incidents", h.wrap(h.signedIn(h.linkChange)))
	mux.HandleFunc("POST /changes/{id}/unlink", h.wrap(h.signedIn(h.unlinkChange)))
}

// wrap applies what every page shares: a language chosen with ?lang= is remembered in a
// cookie, and an unsafe request that a browser made from another site is refused.
func (h *handler) wrap(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
			http.SetCookie(w, i18n.Cookie(l, h.secureFor(r)))
		}
		if err := h.cop.Check(r); err != nil {
			h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.cross_origin")
			return
		}
		fn(w, r)
	}
}

// signedIn passes the actor to fn, and sends anonymous people to the sign-in page.
func (h *handler) signedIn(fn func(http.ResponseWriter, *http.Request, desk.Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := web.Actor(r.Context())
		if !ok {
			redirectToLogin(w, r)
			return
		}
		fn(w, r, a)
	}
}

// secureFor tells whether cookies set on this request must be Secure.
func (h *handler) secureFor(r *http.Request) bool { return h.secure || r.TLS != nil }

// fail answers with the error page for err.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.rd.writeError(w, r, h.log, err)
}

// home sends people where they start: the incidents, the sign-in page, or, on a new
// installation, the first-start page.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	if h.redirectAway(w, r, "/incidents") {
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// language saves the language a signed-in person picks in the header: in their profile
// (for emails and other devices) and in the lang cookie. The anonymous switch is a ?lang=
// link instead, which only sets the cookie.
func (h *handler) language(w http.ResponseWriter, r *http.Request) {
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		l = i18n.Default
	}
	next := safeNext(r.PostFormValue("next"), "/")
	if a, signed := web.Actor(r.Context()); signed {
		if !web.CheckCSRF(r) {
			h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
			return
		}
		if u, ok := web.User(r.Context()); ok && u.Locale != l {
			if _, err := h.svc.identity.UpdateUser(r.Context(), a, u.ID, app.UserPatch{Locale: &l}); err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	http.SetCookie(w, i18n.Cookie(l, h.secureFor(r)))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// redirectAway sends a signed-in person on to next, and anyone to /setup while the first
// admin is still to be created. It tells whether it answered the request.
func (h *handler) redirectAway(w http.ResponseWriter, r *http.Request, next string) bool {
	if _, ok := web.Actor(r.Context()); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return true
	}
	pending, err := h.svc.identity.SetupPending(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return true
	}
	if pending {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return true
	}
	return false
}

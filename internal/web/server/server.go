// Package server assembles Meldpunt's HTTP surfaces into one handler: the JSON API, the
// pages and the operational endpoints, behind the middleware every request passes.
package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
	"meldpunt/internal/web/api"
	"meldpunt/internal/web/console"
	"meldpunt/internal/web/feeds"
	"meldpunt/internal/web/ops"
	"meldpunt/internal/web/snapshot"
)

// Config is what the HTTP layer needs to know of the installation.
type Config struct {
	// BaseURL is where people reach Meldpunt, e.g. https://desk.example.com.
	BaseURL string
	// Texts is the catalog of the pages' texts, built once at start (i18n.Load).
	Texts *i18n.Catalog
	// TrustedProxies are the reverse proxies whose X-Forwarded-For or Forwarded header
	// names the client (--trusted-proxies); none by default.
	TrustedProxies web.Proxies
	// Snapshot serves the public status page and the /api/v2 documents from memory
	// (internal/web/snapshot); cmd runs it, with web.EveryAnswer as its Options.Header. nil
	// renders each request.
	Snapshot *snapshot.Cache
	// StatusHost is the status page's own host name (--status-host, web.StatusHostName):
	// requests for it see the status page at / and the public status routes only. Empty
	// means none.
	StatusHost string
}

// MaxBody caps every request body but uploads.
const MaxBody = 1 << 20

// MaxUpload caps the body of a request that carries files: as many of the largest files
// as one request may add, and room for the form around them. The handlers check each file.
const MaxUpload = desk.MaxAttachments*desk.MaxAttachment + MaxBody

// bodyLimit says how large a request's body may be: uploads go to a few routes only, so no
// other route reads (or spools to disk) more than MaxBody.
func bodyLimit(r *http.Request) int64 {
	p := r.URL.Path
	if r.Method == http.MethodPost && (p == "/report" || p == "/intake" || p == "/api/v1/reports" ||
		strings.HasSuffix(p, "/attachments") && (strings.HasPrefix(p, "/incidents/") || strings.HasPrefix(p, "/api/v1/incidents/"))) {
		return MaxUpload
	}
	return MaxBody
}

// Handler returns the whole of Meldpunt's HTTP interface. reg receives the HTTP metrics and
// is served at /metrics.
func Handler(cfg Config, a *app.Services, log *slog.Logger, reg *prometheus.Registry) http.Handler {
	h, _ := build(cfg, a, log, reg)
	return h
}

// build returns the handler and the mux, whose patterns the isolation test reads.
func build(cfg Config, a *app.Services, log *slog.Logger, reg *prometheus.Registry) (http.Handler, *web.Mux) {
	mux := web.NewMux()
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	api.Register(mux, api.Deps{
		Identity: a.Identity, Organisations: a.Organisations, Components: a.Components,
		Incidents: a.Incidents, Reports: a.Reports, Changes: a.Changes, SLA: a.SLA,
		Suppliers: a.Suppliers, Outbox: a.Outbox, Webhooks: a.Webhooks, Audit: a.Audit, Branding: a.Branding,
		PublicIncidents: a.PublicIncidents, StatusTemplates: a.StatusTemplates, Log: log, BaseURL: cfg.BaseURL, Snapshot: cfg.Snapshot,
		Monitors: a.Monitors,
	})
	pages := console.Register(mux, console.Deps{
		Identity: a.Identity, Organisations: a.Organisations, Components: a.Components,
		Incidents: a.Incidents, Reports: a.Reports, Changes: a.Changes, SLA: a.SLA,
		Suppliers: a.Suppliers, Outbox: a.Outbox, Webhooks: a.Webhooks, Branding: a.Branding, Subscriptions: a.Subscriptions,
		PublicIncidents: a.PublicIncidents, StatusTemplates: a.StatusTemplates, Monitors: a.Monitors,
		SavedViews: a.SavedViews, Presence: a.Presence,
		Log: log, Texts: cfg.Texts, BaseURL: cfg.BaseURL, SecureCookies: secure, Snapshot: cfg.Snapshot,
	})
	feeds.Register(mux, feeds.Deps{PublicIncidents: a.PublicIncidents, Branding: a.Branding, Texts: cfg.Texts,
		BaseURL: cfg.BaseURL, Snapshot: cfg.Snapshot, OnError: pages.WriteError, Log: log})
	ops.Register(mux, a, reg)
	ops.RegisterHeartbeat(mux, a.Monitors, log)
	onErr := func(w http.ResponseWriter, r *http.Request, err error) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/heartbeat/") {
			web.WriteProblem(w, r, log, err)
			return
		}
		pages.WriteError(w, r, err)
	}
	// Anything no route claims is not found, or, when the path has routes for other methods,
	// not allowed with those methods in Allow: a problem document under /api/, a page
	// elsewhere.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(mux.ServeMux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			onErr(w, r, desk.Errorf(desk.EMETHOD, "%s is not allowed here; use %s", r.Method, strings.Join(allow, " or ")))
			return
		}
		onErr(w, r, desk.Errorf(desk.ENOTFOUND, "there is nothing at %s %s", r.Method, r.URL.Path))
	})
	mw := []func(http.Handler) http.Handler{
		web.ResolveClient(cfg.TrustedProxies),
		web.Observe(log, web.NewMetrics(reg), mux.ServeMux, onErr),
		web.SecureHeaders,
		web.StatusHost(cfg.StatusHost, onErr),
	}
	if secure {
		mw = append(mw, web.StrictTransport)
	}
	mw = append(mw, web.LimitBody(bodyLimit), web.Authenticate(a.Identity, secure, onErr))
	h := web.Chain(mux, mw...)
	if cfg.Snapshot != nil {
		// Answers from the status page's snapshot skip the middleware: counted, not logged.
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "meldpunt_status_snapshot_hits_total",
			Help: "Answers served from the status page's snapshot (200, 304 and HEAD).",
		}, func() float64 { return float64(cfg.Snapshot.Hits()) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "meldpunt_status_snapshot_builds_total",
			Help: "Renders of the status page's snapshot: misses after a change, after its maximum age, or of a new variant.",
		}, func() float64 { return float64(cfg.Snapshot.Builds()) }))
		session := web.SessionCookieName(secure)
		h = cfg.Snapshot.Front(func(r *http.Request) bool {
			// Credentials go through the middleware: a bad token is refused, a session
			// may change the page.
			if _, ok := r.Header["Authorization"]; ok {
				return false
			}
			if _, ok := r.Header["Cookie"]; ok {
				if _, err := r.Cookie(session); err == nil {
					return false
				}
			}
			return true
		}, h)
	}
	return h, mux
}

// methods are the methods a route may be registered for; HEAD goes with GET.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowed lists the methods that a route other than the catch-all serves r's path with.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	probe := r.Clone(r.Context())
	for _, m := range methods {
		probe.Method = m
		if _, pat := mux.Handler(probe); pat != "" && pat != "/" {
			out = append(out, m)
		}
	}
	return out
}

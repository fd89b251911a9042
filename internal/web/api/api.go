// Package api serves Meldpunt's JSON API under /api/v1. Every route but the OpenAPI document
// needs an actor (an API token or a session cookie; the middleware resolved it already);
// unsafe calls made with a session cookie must carry its CSRF token. Handlers return errors
// to one adapter, which answers them as RFC 9457 problem documents.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
	"meldpunt/internal/web/snapshot"
)

// Deps is what the API needs: the services it calls, and the installation's settings.
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
	Audit         *app.Audit
	// PublicIncidents publishes the status page's incidents and maintenances.
	PublicIncidents *app.PublicIncidents
	// StatusTemplates keeps the desk's message templates for status-page updates.
	StatusTemplates *app.StatusTemplates
	// Monitors defines the monitors and reads their history (monitors.go).
	Monitors *app.Monitors

	Log     *slog.Logger
	BaseURL string
	// Snapshot serves the /api/v2 documents from memory (internal/web/snapshot); nil
	// renders each request.
	Snapshot *snapshot.Cache
}

// Prefix starts every path of the API.
const Prefix = "/api/v1"

// services are the use cases the API calls.
type services struct {
	identity        *app.Identity
	organisations   *app.Organisations
	components      *app.Components
	incidents       *app.Incidents
	reports         *app.Reports
	changes         *app.Changes
	sla             *app.SLA
	suppliers       *app.Suppliers
	outbox          *app.Outbox
	webhooks        *app.Webhooks
	branding        *app.Branding
	audit           *app.Audit
	publicIncidents *app.PublicIncidents
	statusTemplates *app.StatusTemplates
	monitors        *app.Monitors
}

// api holds the dependencies the handlers share.
type api struct {
	svc  services
	log  *slog.Logger
	base string // BaseURL without a trailing slash, for Location headers
}

// handlerFunc is what every route implements: it answers, or returns an error for the
// adapter to answer (PocketBase style).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register adds the API's routes to mux.
func Register(mux *web.Mux, d Deps) {
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	a := &api{svc: services{identity: d.Identity, organisations: d.Organisations, components: d.Components, incidents: d.Incidents, reports: d.Reports, changes: d.Changes, sla: d.SLA, suppliers: d.Suppliers, outbox: d.Outbox, webhooks: d.Webhooks, audit: d.Audit, branding: d.Branding, publicIncidents: d.PublicIncidents, statusTemplates: d.StatusTemplates, monitors: d.Monitors}, log: log, base: strings.TrimRight(d.BaseURL, "/")}
	public := func(pattern string, h handlerFunc) { mux.Handle(pattern, a.wrap(h, false, nil)) }
	// private routes need an actor, and pass their gate (authorize.go) before the handler.
	private := func(pattern string, h handlerFunc) { mux.Handle(pattern, a.wrap(h, true, gates[pattern])) }

	// v2 routes are the Statuspage documents: the same for everyone, so served from the
	// snapshot (one answer per route, whatever the query or the credentials).
	v2 := func(pattern string, h handlerFunc) {
		mux.Handle(pattern, d.Snapshot.Wrap(snapshot.Policy{}, a.wrap(h, false, nil)))
	}

	public("GET /api/v1/openapi.json", a.openAPI)
	v2("GET /api/v2/components.json", a.v2Components)
	v2("GET /api/v2/status.json", a.v2Status)
	v2("GET /api/v2/summary.json", a.v2Summary)
	v2("GET /api/v2/incidents.json", a.v2Incidents)
	v2("GET /api/v2/incidents/unresolved.json", a.v2Unresolved)
	v2("GET /api/v2/scheduled-maintenances.json", a.v2Maintenances)
	v2("GET /api/v2/scheduled-maintenances/upcoming.json", a.v2Upcoming)
	v2("GET /api/v2/scheduled-maintenances/active.json", a.v2Active)
	private("GET /api/v1/me", a.me)
	private("GET /api/v1/status", a.myStatus) // the signed-in status view (mystatus.go)

	private("GET /api/v1/organisations", a.listOrganisations)
	private("POST /api/v1/organisations", a.createOrganisation)
	private("GET /api/v1/organisations/{id}", a.getOrganisation)
	private("PATCH /api/v1/organisations/{id}", a.updateOrganisation)

	private("GET /api/v1/contracts", a.listContracts)
	private("POST /api/v1/contracts", a.createContract)
	private("GET /api/v1/contracts/{id}", a.getContract)
	private("PATCH /api/v1/contracts/{id}", a.updateContract)

	private("GET /api/v1/users", a.listUsers)
	private("POST /api/v1/users", a.createUser)
	private("GET /api/v1/users/{id}", a.getUser)
	private("PATCH /api/v1/users/{id}", a.updateUser)

	private("GET /api/v1/tokens", a.listTokens)
	private("POST /api/v1/tokens", a.createToken)
	private("DELETE /api/v1/tokens/{id}", a.deleteToken)

	private("GET /api/v1/component-groups", a.listComponentGroups)
	private("POST /api/v1/component-groups", a.createComponentGroup)

	private("GET /api/v1/status-page", a.getPageSettings)
	private("PUT /api/v1/status-page", a.putPageSettings)
	private("PUT /api/v1/status-page/logo", a.putPageLogo)
	private("DELETE /api/v1/status-page/logo", a.deletePageLogo)

	private("GET /api/v1/components", a.listComponents)
	private("POST /api/v1/components", a.createComponent)
	private("GET /api/v1/components/{id}", a.getComponent)
	private("PATCH /api/v1/components/{id}", a.updateComponent)
	private("PUT /api/v1/components/{id}/status", a.setComponentStatus)
	private("GET /api/v1/components/{id}/status-history", a.componentStatusHistory)
	private("DELETE /api/v1/components/{id}", a.deleteComponent)

	private("GET /api/v1/public-incidents", a.listPublicIncidents)
	private("POST /api/v1/public-incidents", a.createPublicIncident)
	private("GET /api/v1/public-incidents/{id}", a.getPublicIncident)
	private("PATCH /api/v1/public-incidents/{id}", a.editPublicIncident)
	private("POST /api/v1/public-incidents/{id}/updates", a.postPublicUpdate)
	private("PUT /api/v1/public-incidents/{id}/postmortem", a.putPostmortem)
	private("GET /api/v1/public-incidents/{id}/tickets", a.listLinkedTickets)
	private("POST /api/v1/public-incidents/{id}/tickets", a.linkTickets)
	private("GET /api/v1/incidents/{id}/public-incident", a.getTicketLink)
	private("PUT /api/v1/incidents/{id}/public-incident", a.putTicketLink)
	private("POST /api/v1/incidents/{id}/public-incident", a.startFromTicket)
	private("DELETE /api/v1/incidents/{id}/public-incident", a.deleteTicketLink)

	private("GET /api/v1/incidents", a.listIncidents)
	private("POST /api/v1/incidents", a.createIncident)
	private("GET /api/v1/incidents/{id}", a.getIncident)
	private("PATCH /api/v1/incidents/{id}", a.updateIncident)
	private("POST /api/v1/incidents/{id}/transitions", a.transitionIncident)
	private("GET /api/v1/incidents/{id}/entries", a.listEntries)
	private("POST /api/v1/incidents/{id}/entries", a.addEntry)
	private("PUT /api/v1/incidents/{id}/assignment", a.assignIncident)
	private("GET /api/v1/incidents/{id}/audit", a.incidentAudit)
	private("POST /api/v1/incidents/{id}/assessment", a.assessIncident)
	private("GET /api/v1/incidents/{id}/report", a.getReport)
	private("GET /api/v1/incidents/{id}/attachments", a.listAttachments)
	private("POST /api/v1/incidents/{id}/attachments", a.addAttachments)
	private("GET /api/v1/incidents/{id}/attachments/{attachment}", a.getAttachment)

	private("GET /api/v1/questionnaire", a.getQuestionnaire)
	private("PUT /api/v1/questionnaire", a.putQuestionnaire)
	private("GET /api/v1/questionnaire/versions/{version}", a.getQuestionnaireVersion)
	private("POST /api/v1/questionnaire/evaluate", a.evaluate)
	private("GET /api/v1/procedure", a.getProcedure)
	private("POST /api/v1/reports", a.submitReport)
	private("GET /api/v1/notifications", a.listNotifications)
	private("GET /api/v1/outbox", a.listOutbox)
	private("POST /api/v1/outbox/{id}/retry", a.retryNotification)
	private("GET /api/v1/me/notification-preferences", a.getPreferences)
	private("GET /api/v1/webhooks", a.listWebhooks)
	private("POST /api/v1/webhooks", a.createWebhook)
	private("GET /api/v1/webhooks/{id}", a.getWebhook)
	private("PATCH /api/v1/webhooks/{id}", a.updateWebhook)
	private("DELETE /api/v1/webhooks/{id}", a.deleteWebhook)
	private("POST /api/v1/webhooks/{id}/rotate-secret", a.rotateWebhookSecret)
	private("POST /api/v1/webhooks/{id}/test", a.testWebhook)
	private("GET /api/v1/webhooks/{id}/deliveries", a.listWebhookDeliveries)
	private("PUT /api/v1/me/notification-preferences", a.putPreferences)

	private("GET /api/v1/changes", a.listChanges)
	private("POST /api/v1/changes", a.createChange)
	private("GET /api/v1/changes/{id}", a.getChange)
	private("PATCH /api/v1/changes/{id}", a.updateChange)
	private("POST /api/v1/changes/{id}/transitions", a.transitionChange)
	private("POST /api/v1/changes/{id}/incidents/{incident}", a.linkChange)
	private("DELETE /api/v1/changes/{id}/incidents/{incident}", a.unlinkChange)
	private("GET /api/v1/incidents/{id}/changes", a.listIncidentChanges)

	private("GET /api/v1/audit", a.listAudit)
	private("GET /api/v1/priority-matrix", a.getMatrix)
	private("PUT /api/v1/priority-matrix", a.putMatrix)
	private("GET /api/v1/calendars", a.listCalendars)
	private("PUT /api/v1/calendars/{slug}", a.putCalendar)

	private("GET /api/v1/suppliers", a.listSuppliers)
	private("POST /api/v1/suppliers", a.createSupplier)
	private("GET /api/v1/suppliers/{id}", a.getSupplier)
	private("PATCH /api/v1/suppliers/{id}", a.updateSupplier)
	private("GET /api/v1/settings/stale-after", a.getStaleAfter)
	private("PUT /api/v1/settings/stale-after", a.putStaleAfter)
	private("GET /api/v1/reports/sla", a.getSLAReport)

	private("GET /api/v1/status-templates", a.listStatusTemplates)
	private("POST /api/v1/status-templates", a.createStatusTemplate)
	private("GET /api/v1/status-templates/{id}", a.getStatusTemplate)
	private("PUT /api/v1/status-templates/{id}", a.updateStatusTemplate)
	private("DELETE /api/v1/status-templates/{id}", a.deleteStatusTemplate)

	private("GET /api/v1/monitors", a.listMonitors)
	private("POST /api/v1/monitors", a.createMonitor)
	private("GET /api/v1/monitors/{id}", a.getMonitor)
	private("PUT /api/v1/monitors/{id}", a.updateMonitor)
	private("DELETE /api/v1/monitors/{id}", a.deleteMonitor)
	private("GET /api/v1/monitors/{id}/results", a.listMonitorResults)
	private("GET /api/v1/monitors/{id}/uptime", a.monitorUptime)
	private("GET /api/v1/monitors/{id}/history", a.monitorHistory)
	private("GET /api/v1/components/{id}/monitoring", a.getComponentMonitoring)
	private("PUT /api/v1/components/{id}/monitoring", a.putComponentMonitoring)
	private("GET /api/v1/components/{id}/uptime", a.componentUptime)
}

var (
	errUnauthenticated = desk.Errorf(desk.EUNAUTHORIZED, "sign in, or send an API token as \"Authorization: Bearer <token>\"")
	errCSRF            = desk.Errorf(desk.EFORBIDDEN, "missing or wrong CSRF token")
)

// wrap is the one adapter between handlers and net/http: it insists on an actor (when the
// route is not public), refuses the roles the route's gate refuses before anything of the
// body is read, insists on the CSRF token of a session, runs the handler, and answers any
// error it returns with a problem document.
func (a *api) wrap(h handlerFunc, needActor bool, g gate) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = withDocSlot(r)
		err := func() error {
			if needActor {
				act, ok := web.Actor(r.Context())
				if !ok {
					return errUnauthenticated
				}
				// The gate first: checking the CSRF token may read a form body.
				if g != nil {
					if err := g(a, r, act); err != nil {
						return err
					}
				}
				if !web.CheckCSRF(r) {
					return errCSRF
				}
			}
			return h(w, r)
		}()
		if err != nil {
			a.fail(w, r, err)
		}
	})
}

// fail answers err as a problem document, its fields named as the client sent them.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	web.WriteProblem(w, r, a.log, pointerFields(r, err))
}

// actor returns who is asking; wrap made sure someone is.
func actor(r *http.Request) desk.Actor {
	act, _ := web.Actor(r.Context())
	return act
}

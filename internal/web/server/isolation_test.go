package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// expectation says what an intruder must get from a route aimed at organisation B.
type expectation int

const (
	// hidden: the route names one of B's objects; the answer is 404, so existence does not leak.
	hidden expectation = iota
	// refused: the route would create or change something for B; the answer is a 4xx.
	refused
	// blind: the route answers (a list, a public page), but without any of B's data.
	blind
)

// isoCase is how the isolation test calls one route pattern.
type isoCase struct {
	method, path, body string
	want               expectation
	// staffToo adds the expert, who is staff but not assigned to B's incident, as an intruder.
	staffToo bool
}

// cases returns, per route pattern, the request that aims it at organisation B. Every
// pattern the server registers must have a case: a new route joins this test or fails it.
func (f *fixture) cases() map[string][]isoCase {
	inc := fmt.Sprint(f.incB.ID)
	num := desk.FormatNumber(f.incB.ID)
	org := fmt.Sprint(f.orgB.ID)
	con := fmt.Sprint(f.contract.ID)
	comp := fmt.Sprint(f.comp.ID)
	usr := fmt.Sprint(f.people["b_user"].user.ID)
	tok := fmt.Sprint(f.tokenB.ID)
	agent := fmt.Sprint(f.people["agent"].user.ID)
	hook := fmt.Sprint(f.hook.ID)
	pub := fmt.Sprint(f.pub.ID)
	tpl := fmt.Sprint(f.tpl.ID)
	mon := fmt.Sprint(f.mon.ID)
	altered, madeUp := f.solutionTokens()
	// pageAnswers answers the default questionnaire in a page's form: urgent.
	pageAnswers := "answers.availability=down&answers.request_type=malfunction&answers.financial_damage=yes&answers.security=no&" +
		"answers.essential_function=no&answers.end_users=no&answers.workaround=no&answers.business_process=stopped&answers.users=all"
	// notB is a message to B's user; only admins see or retry messages in the outbox.
	notB := "1"
	if p, err := f.app.Outbox.List(context.Background(), desk.SystemActor("test"), desk.OutboxFilter{Limit: 200}); err == nil {
		for _, n := range p.Items {
			if n.UserID == f.people["b_user"].user.ID {
				notB = fmt.Sprint(n.ID)
			}
		}
	}
	one := func(method, path, body string, want expectation, staffToo bool) []isoCase {
		return []isoCase{{method, path, body, want, staffToo}}
	}
	return map[string][]isoCase{
		// API
		// The outbox is the admins'; preferences are always the actor's own.
		"GET /api/v1/outbox": {
			{"GET", "/api/v1/outbox", "", refused, true},
			{"GET", "/api/v1/outbox?state=pending", "", refused, true},
		},
		"POST /api/v1/outbox/{id}/retry": one("POST", "/api/v1/outbox/"+notB+"/retry", "", refused, true),
		// Webhook endpoints are the admins': clients and the expert are refused every route,
		// whatever the id, and nothing is registered, changed, tested, rotated or deleted.
		"GET /api/v1/webhooks":  one("GET", "/api/v1/webhooks", "", refused, true),
		"POST /api/v1/webhooks": one("POST", "/api/v1/webhooks", `{"url":"https://hooks.example.com/x","events":["incident.created"]}`, refused, true),
		"GET /api/v1/webhooks/{id}": {
			{"GET", "/api/v1/webhooks/" + hook, "", refused, true},
			{"GET", "/api/v1/webhooks/999999", "", refused, true},
		},
		"PATCH /api/v1/webhooks/{id}":              one("PATCH", "/api/v1/webhooks/"+hook, `{"url":"https://evil.example.com/","active":false}`, refused, true),
		"DELETE /api/v1/webhooks/{id}":             one("DELETE", "/api/v1/webhooks/"+hook, "", refused, true),
		"POST /api/v1/webhooks/{id}/rotate-secret": one("POST", "/api/v1/webhooks/"+hook+"/rotate-secret", "", refused, true),
		"POST /api/v1/webhooks/{id}/test":          one("POST", "/api/v1/webhooks/"+hook+"/test", "", refused, true),
		"GET /api/v1/webhooks/{id}/deliveries":     one("GET", "/api/v1/webhooks/"+hook+"/deliveries", "", refused, true),
		"GET /api/v1/me/notification-preferences":  one("GET", "/api/v1/me/notification-preferences", "", blind, true),
		"PUT /api/v1/me/notification-preferences":  one("PUT", "/api/v1/me/notification-preferences", `{"preferences":[{"kind":"incident_update","enabled":false}]}`, blind, true),
		// SLA reports: a client admin gets 404 for B's report (and their own when none is
		// named is not B's); client users and experts 403.
		"GET /api/v1/reports/sla": {
			{"GET", "/api/v1/reports/sla?organisation_id=" + org, "", refused, true},
			{"GET", "/api/v1/reports/sla?organisation_id=" + org + "&month=2026-11", "", refused, true},
		},
		// Change requests: chgB is linked to B's incident only. Clients get 404 for it (and 403
		// for the lists and creation); staff may read every change request, so the expert
		// joins only where the incident decides.
		"GET /api/v1/changes": {
			{"GET", "/api/v1/changes", "", refused, false},
			{"GET", "/api/v1/changes?incident_id=" + inc, "", refused, false},
		},
		"POST /api/v1/changes": one("POST", "/api/v1/changes", `{"title":"hacked","incident_ids":[`+inc+`]}`, refused, true),
		"GET /api/v1/changes/{id}": {
			{"GET", "/api/v1/changes/" + fmt.Sprint(f.chgB.ID), "", hidden, false},
			{"GET", "/api/v1/changes/" + f.chgB.Number, "", hidden, false},
		},
		"PATCH /api/v1/changes/{id}":            one("PATCH", "/api/v1/changes/"+fmt.Sprint(f.chgB.ID), `{"title":"hacked"}`, hidden, false),
		"POST /api/v1/changes/{id}/transitions": one("POST", "/api/v1/changes/"+fmt.Sprint(f.chgB.ID)+"/transitions", `{"to":"rejected","reason":"hacked"}`, hidden, false),
		"POST /api/v1/changes/{id}/incidents/{incident}": {
			{"POST", "/api/v1/changes/" + fmt.Sprint(f.chgB.ID) + "/incidents/" + inc, "", hidden, true},
			{"POST", "/api/v1/changes/" + fmt.Sprint(f.chgB.ID) + "/incidents/" + fmt.Sprint(f.incA.ID), "", hidden, true},
		},
		"DELETE /api/v1/changes/{id}/incidents/{incident}": one("DELETE", "/api/v1/changes/"+fmt.Sprint(f.chgB.ID)+"/incidents/"+inc, "", hidden, true),
		"GET /api/v1/incidents/{id}/changes": {
			{"GET", "/api/v1/incidents/" + inc + "/changes", "", hidden, true},
			{"GET", "/api/v1/incidents/" + fmt.Sprint(f.incA.ID) + "/changes", "", blind, false},
		},
		"GET /api/v1/questionnaire": one("GET", "/api/v1/questionnaire", "", blind, true),
		"PUT /api/v1/questionnaire": one("PUT", "/api/v1/questionnaire", `{}`, refused, true),
		// Versions are the staff's: a client finds none, whichever it names (404, as for one supplier).
		"GET /api/v1/questionnaire/versions/{version}": {
			{"GET", "/api/v1/questionnaire/versions/1", "", hidden, false},
			{"GET", "/api/v1/questionnaire/versions/999", "", hidden, false},
		},
		"POST /api/v1/questionnaire/evaluate": {
			{"POST", "/api/v1/questionnaire/evaluate", `{"answers":{"security":"yes"}}`, blind, true},
			{"POST", "/api/v1/questionnaire/evaluate", `{"organisation_id":` + org + `,"answers":{"security":"yes"}}`, blind, true},
		},
		"GET /api/v1/procedure": one("GET", "/api/v1/procedure?locale=en", "", blind, true),
		"POST /api/v1/reports": one("POST", "/api/v1/reports", `{"organisation_id":`+org+`,"reporter_id":`+usr+`,"title":"x","accept_procedure":true,`+
			`"answers":{"availability":"down","request_type":"malfunction","financial_damage":"yes","security":"no","essential_function":"no",`+
			`"end_users":"no","workaround":"no","business_process":"stopped","users":"all"}}`, refused, true),
		"GET /api/v1/notifications":               one("GET", "/api/v1/notifications", "", blind, true),
		"POST /api/v1/incidents/{id}/assessment":  one("POST", "/api/v1/incidents/"+inc+"/assessment", `{"decision":"reclassify","reason":"hacked"}`, hidden, true),
		"GET /api/v1/incidents/{id}/report":       one("GET", "/api/v1/incidents/"+num+"/report", "", hidden, true),
		"GET /api/v1/incidents/{id}/attachments":  one("GET", "/api/v1/incidents/"+inc+"/attachments", "", hidden, true),
		"POST /api/v1/incidents/{id}/attachments": one("POST", "/api/v1/incidents/"+inc+"/attachments", `{}`, hidden, true),
		"GET /api/v1/incidents/{id}/attachments/{attachment}": {
			{"GET", "/api/v1/incidents/" + inc + "/attachments/" + fmt.Sprint(f.attB.ID), "", hidden, true},
			{"GET", "/api/v1/incidents/" + fmt.Sprint(f.incA.ID) + "/attachments/" + fmt.Sprint(f.attB.ID), "", hidden, true},
		},
		"GET /api/v1/openapi.json": one("GET", "/api/v1/openapi.json", "", blind, false),

		// Issue 11: the incident and maintenance documents are public too; only the desk sets
		// a component's status, and A's clients do not learn that B's component exists.
		"GET /api/v2/incidents.json":                       one("GET", "/api/v2/incidents.json", "", blind, true),
		"GET /api/v2/incidents/unresolved.json":            one("GET", "/api/v2/incidents/unresolved.json", "", blind, true),
		"GET /api/v2/scheduled-maintenances.json":          one("GET", "/api/v2/scheduled-maintenances.json", "", blind, true),
		"GET /api/v2/scheduled-maintenances/upcoming.json": one("GET", "/api/v2/scheduled-maintenances/upcoming.json", "", blind, true),
		"GET /api/v2/scheduled-maintenances/active.json":   one("GET", "/api/v2/scheduled-maintenances/active.json", "", blind, true),
		"PUT /api/v1/components/{id}/status":               one("PUT", "/api/v1/components/"+comp+"/status", `{"status":"major_outage"}`, hidden, false),
		"GET /api/v1/components/{id}/status-history":       one("GET", "/api/v1/components/"+comp+"/status-history", "", hidden, false),

		// Public incidents are the desk's to publish: clients and the expert are refused
		// every route (403), whatever they send, and change nothing.
		"GET /api/v1/public-incidents":                 one("GET", "/api/v1/public-incidents", "", refused, true),
		"POST /api/v1/public-incidents":                one("POST", "/api/v1/public-incidents", `{"name":{"en":"hacked"},"body":{"en":"hacked"}}`, refused, true),
		"GET /api/v1/public-incidents/{id}":            one("GET", "/api/v1/public-incidents/"+pub, "", refused, true),
		"PATCH /api/v1/public-incidents/{id}":          one("PATCH", "/api/v1/public-incidents/"+pub, `{"name":{"en":"hacked"}}`, refused, true),
		"POST /api/v1/public-incidents/{id}/updates":   one("POST", "/api/v1/public-incidents/"+pub+"/updates", `{"status":"resolved","body":{"en":"hacked"}}`, refused, true),
		"PUT /api/v1/public-incidents/{id}/postmortem": one("PUT", "/api/v1/public-incidents/"+pub+"/postmortem", `{"body":{"en":"hacked"}}`, refused, true),
		// Linked tickets: B's ticket's link is hidden, and A's own names no other ticket;
		// only the desk links, unlinks or lists a public incident's tickets.
		"GET /api/v1/incidents/{id}/public-incident": {
			{"GET", "/api/v1/incidents/" + num + "/public-incident", "", hidden, true},
			{"GET", "/api/v1/incidents/" + fmt.Sprint(f.incA.ID) + "/public-incident", "", blind, false},
		},
		"PUT /api/v1/incidents/{id}/public-incident":    one("PUT", "/api/v1/incidents/"+inc+"/public-incident", `{"public_incident_id":`+pub+`}`, hidden, true),
		"POST /api/v1/incidents/{id}/public-incident":   one("POST", "/api/v1/incidents/"+inc+"/public-incident", `{"name":{"en":"hacked"},"body":{"en":"hacked"}}`, hidden, true),
		"DELETE /api/v1/incidents/{id}/public-incident": one("DELETE", "/api/v1/incidents/"+inc+"/public-incident", "", hidden, true),
		"GET /api/v1/public-incidents/{id}/tickets":     one("GET", "/api/v1/public-incidents/"+pub+"/tickets", "", refused, true),
		"POST /api/v1/public-incidents/{id}/tickets":    one("POST", "/api/v1/public-incidents/"+pub+"/tickets", `{"tickets":["`+num+`"]}`, refused, true),

		// Message templates are the desk's: clients are refused the list and find none by
		// id; the expert reads them but may not add, change or delete one.
		"GET /api/v1/status-templates":         one("GET", "/api/v1/status-templates", "", refused, false),
		"POST /api/v1/status-templates":        one("POST", "/api/v1/status-templates", `{"name":"hacked","status":"resolved","body":{"en":"hacked"}}`, refused, true),
		"GET /api/v1/status-templates/{id}":    one("GET", "/api/v1/status-templates/"+tpl, "", hidden, false),
		"PUT /api/v1/status-templates/{id}":    one("PUT", "/api/v1/status-templates/"+tpl, `{"name":"hacked","status":"resolved","body":{"en":"hacked"}}`, refused, true),
		"DELETE /api/v1/status-templates/{id}": one("DELETE", "/api/v1/status-templates/"+tpl, "", refused, true),

		// Monitors are the provider's: clients are refused the lists and find none by id;
		// the expert reads them but may not define, change or delete one.
		"GET /api/v1/monitors": {
			{"GET", "/api/v1/monitors", "", refused, false},
			{"GET", "/api/v1/monitors?component_id=" + comp, "", refused, false},
		},
		"POST /api/v1/monitors":                  one("POST", "/api/v1/monitors", `{"component_id":`+comp+`,"name":"hacked","kind":"tcp","settings":{}}`, refused, true),
		"GET /api/v1/monitors/{id}":              one("GET", "/api/v1/monitors/"+mon, "", hidden, false),
		"PUT /api/v1/monitors/{id}":              one("PUT", "/api/v1/monitors/"+mon, `{"component_id":`+comp+`,"name":"hacked","enabled":false}`, refused, true),
		"DELETE /api/v1/monitors/{id}":           one("DELETE", "/api/v1/monitors/"+mon, "", refused, true),
		"GET /api/v1/monitors/{id}/results":      one("GET", "/api/v1/monitors/"+mon+"/results", "", hidden, false),
		"GET /api/v1/monitors/{id}/uptime":       one("GET", "/api/v1/monitors/"+mon+"/uptime", "", hidden, false),
		"GET /api/v1/monitors/{id}/history":      one("GET", "/api/v1/monitors/"+mon+"/history?level=daily", "", hidden, false),
		"GET /api/v1/components/{id}/monitoring": one("GET", "/api/v1/components/"+comp+"/monitoring", "", refused, false),
		"PUT /api/v1/components/{id}/monitoring": one("PUT", "/api/v1/components/"+comp+"/monitoring", `{"monitor_mode":"auto"}`, refused, true),
		"GET /api/v1/components/{id}/uptime":     one("GET", "/api/v1/components/"+comp+"/uptime", "", refused, false),

		// The Statuspage-compatible read API is public, but B's clients-only component (its
		// name holds B's secret) must never appear in it, for anyone.
		"GET /api/v2/components.json": one("GET", "/api/v2/components.json", "", blind, true),
		"GET /api/v2/status.json":     one("GET", "/api/v2/status.json", "", blind, true),
		"GET /api/v2/summary.json":    one("GET", "/api/v2/summary.json", "", blind, true),
		"GET /api/v1/me":              one("GET", "/api/v1/me", "", blind, true),
		"GET /api/v1/organisations": {
			{"GET", "/api/v1/organisations", "", blind, false},
			{"GET", "/api/v1/organisations?kind=client", "", blind, false},
		},
		"POST /api/v1/organisations":       one("POST", "/api/v1/organisations", `{"name":"x"}`, refused, false),
		"GET /api/v1/organisations/{id}":   one("GET", "/api/v1/organisations/"+org, "", hidden, false),
		"PATCH /api/v1/organisations/{id}": one("PATCH", "/api/v1/organisations/"+org, `{"name":"hacked"}`, hidden, false),
		"GET /api/v1/contracts": {
			{"GET", "/api/v1/contracts", "", blind, false},
			{"GET", "/api/v1/contracts?organisation_id=" + org, "", blind, false},
		},
		"POST /api/v1/contracts":       one("POST", "/api/v1/contracts", `{"organisation_id":`+org+`,"name":"x"}`, refused, false),
		"GET /api/v1/contracts/{id}":   one("GET", "/api/v1/contracts/"+con, "", hidden, false),
		"PATCH /api/v1/contracts/{id}": one("PATCH", "/api/v1/contracts/"+con, `{"name":"hacked"}`, hidden, false),
		"GET /api/v1/users": {
			{"GET", "/api/v1/users", "", blind, false},
			{"GET", "/api/v1/users?organisation_id=" + org, "", blind, false},
		},
		"POST /api/v1/users":     one("POST", "/api/v1/users", `{"organisation_id":`+org+`,"email":"new@x.example","name":"x","role":"client_user"}`, refused, false),
		"GET /api/v1/users/{id}": one("GET", "/api/v1/users/"+usr, "", hidden, true),
		"PATCH /api/v1/users/{id}": {
			{"PATCH", "/api/v1/users/" + usr, `{"name":"hacked"}`, hidden, true},
			// Changing B's password would end B's sessions and revoke B's tokens (issue 10).
			{"PATCH", "/api/v1/users/" + usr, `{"password":"hacked-password-1","revoke_tokens":true}`, hidden, true},
		},
		"GET /api/v1/tokens":            one("GET", "/api/v1/tokens", "", blind, true),
		"POST /api/v1/tokens":           one("POST", "/api/v1/tokens", `{"name":"mine"}`, blind, true),
		"DELETE /api/v1/tokens/{id}":    one("DELETE", "/api/v1/tokens/"+tok, "", hidden, true),
		"GET /api/v1/component-groups":  one("GET", "/api/v1/component-groups", "", blind, true),
		"POST /api/v1/component-groups": one("POST", "/api/v1/component-groups", `{"name":"x"}`, refused, true),
		"GET /api/v1/components": {
			{"GET", "/api/v1/components", "", blind, false},
			{"GET", "/api/v1/components?client_id=" + org, "", blind, false},
		},
		"POST /api/v1/components":        one("POST", "/api/v1/components", `{"name":"x","client_ids":[`+org+`]}`, refused, true),
		"GET /api/v1/components/{id}":    one("GET", "/api/v1/components/"+comp, "", hidden, false),
		"PATCH /api/v1/components/{id}":  one("PATCH", "/api/v1/components/"+comp, `{"name":"hacked"}`, hidden, false),
		"DELETE /api/v1/components/{id}": one("DELETE", "/api/v1/components/"+comp, "", hidden, false),
		"GET /api/v1/incidents": {
			{"GET", "/api/v1/incidents", "", blind, true},
			{"GET", "/api/v1/incidents?organisation_id=" + org, "", blind, true},
			{"GET", "/api/v1/incidents?q=Outage", "", blind, true},
		},
		"POST /api/v1/incidents": one("POST", "/api/v1/incidents", `{"organisation_id":`+org+`,"title":"x","urgency":"low","impact":"low"}`, refused, true),
		"GET /api/v1/incidents/{id}": {
			{"GET", "/api/v1/incidents/" + inc, "", hidden, true},
			{"GET", "/api/v1/incidents/" + num, "", hidden, true},
		},
		"PATCH /api/v1/incidents/{id}":            one("PATCH", "/api/v1/incidents/"+inc, `{"title":"hacked"}`, hidden, true),
		"POST /api/v1/incidents/{id}/transitions": one("POST", "/api/v1/incidents/"+inc+"/transitions", `{"to":"triaged"}`, hidden, true),
		"GET /api/v1/incidents/{id}/entries":      one("GET", "/api/v1/incidents/"+inc+"/entries", "", hidden, true),
		"POST /api/v1/incidents/{id}/entries":     one("POST", "/api/v1/incidents/"+inc+"/entries", `{"kind":"reply","body":"hacked"}`, hidden, true),
		"PUT /api/v1/incidents/{id}/assignment":   one("PUT", "/api/v1/incidents/"+inc+"/assignment", `{"owner_id":`+agent+`}`, hidden, true),
		"GET /api/v1/incidents/{id}/audit":        one("GET", "/api/v1/incidents/"+inc+"/audit", "", hidden, true),
		"GET /api/v1/audit":                       one("GET", "/api/v1/audit?entity=incident&entity_id="+inc, "", refused, true),
		"GET /api/v1/priority-matrix":             one("GET", "/api/v1/priority-matrix", "", blind, true),
		"PUT /api/v1/priority-matrix":             one("PUT", "/api/v1/priority-matrix", `{}`, refused, true),
		"GET /api/v1/calendars":                   one("GET", "/api/v1/calendars", "", blind, true),
		"PUT /api/v1/calendars/{slug}":            one("PUT", "/api/v1/calendars/business", `{"name":"hacked","always_open":true}`, refused, true),
		// Suppliers are the provider's: clients are refused the lists and settings and find
		// no supplier by id; experts may read them but not change them.
		"GET /api/v1/suppliers":            one("GET", "/api/v1/suppliers", "", refused, false),
		"POST /api/v1/suppliers":           one("POST", "/api/v1/suppliers", `{"name":"hacked"}`, refused, true),
		"GET /api/v1/suppliers/{id}":       one("GET", "/api/v1/suppliers/1", "", hidden, false),
		"PATCH /api/v1/suppliers/{id}":     one("PATCH", "/api/v1/suppliers/1", `{"name":"hacked"}`, hidden, false),
		"GET /api/v1/settings/stale-after": one("GET", "/api/v1/settings/stale-after", "", refused, false),
		"PUT /api/v1/settings/stale-after": one("PUT", "/api/v1/settings/stale-after", `{"minutes":{"P1":1,"P2":1,"P3":1,"P4":1,"P5":1}}`, refused, true),
		// Pages
		"GET /admin/outbox": {
			{"GET", "/admin/outbox", "", refused, true},
			{"GET", "/admin/outbox?state=pending", "", refused, true},
		},
		"POST /admin/outbox/{id}/retry": one("POST", "/admin/outbox/"+notB+"/retry", "state=failed", refused, true),
		// One message of the outbox, and its HTML: the admins' only (403 for everyone else).
		"GET /admin/outbox/{id}": {
			{"GET", "/admin/outbox/" + notB, "", refused, true},
			{"GET", "/admin/outbox/999999", "", refused, true},
		},
		"GET /admin/outbox/{id}/html": one("GET", "/admin/outbox/"+notB+"/html", "", refused, true),
		"GET /account/notifications":  one("GET", "/account/notifications", "", blind, true),
		"GET /account/password":       one("GET", "/account/password", "", blind, true),
		// The message templates' page is the admins': clients and the expert are refused
		// it and every form, and change nothing.
		"GET /admin/status-templates":              one("GET", "/admin/status-templates", "", refused, true),
		"POST /admin/status-templates":             one("POST", "/admin/status-templates", "name=hacked&status=resolved&body_en=hacked", refused, true),
		"POST /admin/status-templates/{id}":        one("POST", "/admin/status-templates/"+tpl, "name=hacked&status=resolved&body_en=hacked", refused, true),
		"POST /admin/status-templates/{id}/delete": one("POST", "/admin/status-templates/"+tpl+"/delete", "", refused, true),
		"GET /admin/webhooks":                      one("GET", "/admin/webhooks", "", refused, true),
		"POST /admin/webhooks":                     one("POST", "/admin/webhooks", "url=https%3A%2F%2Fevil.example.com%2F&events=incident.created", refused, true),
		"GET /admin/webhooks/{id}": {
			{"GET", "/admin/webhooks/" + hook, "", refused, true},
			{"GET", "/admin/webhooks/999999", "", refused, true},
		},
		"POST /admin/webhooks/{id}":        one("POST", "/admin/webhooks/"+hook, "url=https%3A%2F%2Fevil.example.com%2F&events=incident.created", refused, true),
		"POST /admin/webhooks/{id}/test":   one("POST", "/admin/webhooks/"+hook+"/test", "", refused, true),
		"POST /admin/webhooks/{id}/rotate": one("POST", "/admin/webhooks/"+hook+"/rotate", "confirm=1", refused, true),
		"POST /admin/webhooks/{id}/delete": one("POST", "/admin/webhooks/"+hook+"/delete", "confirm=1", refused, true),
		"POST /account/notifications":      one("POST", "/account/notifications", "kind=new_report", blind, true),
		"POST /account/password":           one("POST", "/account/password", "current=wrong&password=new-password-1&password2=new-password-1", refused, true),
		// Suppliers and calendars: admins manage them, agents read them; clients and experts get 403.
		"GET /suppliers":         one("GET", "/suppliers", "", refused, true),
		"POST /suppliers":        one("POST", "/suppliers", "name=hacked", refused, true),
		"POST /suppliers/{id}":   one("POST", "/suppliers/1", "name=hacked", refused, true),
		"GET /calendars":         one("GET", "/calendars", "", refused, true),
		"GET /calendars/new":     one("GET", "/calendars/new", "", refused, true),
		"POST /calendars/new":    one("POST", "/calendars/new", "slug=hacked&name=hacked&week.1=08:00-17:00", refused, true),
		"GET /calendars/{slug}":  one("GET", "/calendars/business", "", refused, true),
		"POST /calendars/{slug}": one("POST", "/calendars/business", "name=hacked&week.1=08:00-17:00", refused, true),
		"GET /reports/sla": {
			{"GET", "/reports/sla?org=" + org + "&month=2026-11", "", refused, true},
			// Without a client: the desk's overview of every client; a client admin gets
			// their own report, everyone else nothing, and nobody outside the desk sees B.
			{"GET", "/reports/sla?month=2026-11", "", blind, true},
		},
		"GET /reports/sla.csv": one("GET", "/reports/sla.csv?org="+org+"&month=2026-11", "", refused, true),
		"GET /queue": {
			{"GET", "/queue", "", refused, true},
			{"GET", "/queue?org=" + org, "", refused, true},
		},

		// The queue's saved views and bulk actions are the desk's: clients and the expert
		// are refused before anything is read (queueviews.go, bulk.go).
		"POST /queue/views":               one("POST", "/queue/views", "name=hacked&query=org%3D"+org, refused, true),
		"POST /queue/views/{view}":        one("POST", "/queue/views/1", "name=hacked", refused, true),
		"POST /queue/views/{view}/delete": one("POST", "/queue/views/1/delete", "", refused, true),
		"POST /queue/bulk":                one("POST", "/queue/bulk", "incidents="+num+"&action=assign&assignee=me", refused, true),

		"POST /incidents/{id}/changes": one("POST", "/incidents/"+num+"/changes", "title=hacked", hidden, true),
		// Linked tickets on the pages: B's ticket is not found; only the desk links in bulk
		// or sees a public incident's tickets.
		"POST /incidents/{id}/public-incident":        one("POST", "/incidents/"+num+"/public-incident", "public_incident_id="+pub, hidden, true),
		"POST /incidents/{id}/public-incident/unlink": one("POST", "/incidents/"+num+"/public-incident/unlink", "", hidden, true),
		"POST /incidents/{id}/public-incident/new":    one("POST", "/incidents/"+num+"/public-incident/new", "name_nl=hacked&body_nl=hacked", hidden, true),
		"GET /public-incidents/{id}/tickets":          one("GET", "/public-incidents/"+pub+"/tickets", "", refused, true),
		"POST /public-incidents/{id}/tickets":         one("POST", "/public-incidents/"+pub+"/tickets", "tickets="+num, refused, true),
		"GET /changes":                                one("GET", "/changes", "", refused, false),
		"GET /changes/{id}": {
			{"GET", "/changes/" + fmt.Sprint(f.chgB.ID), "", hidden, false},
			{"GET", "/changes/" + f.chgB.Number, "", hidden, false},
		},
		"POST /changes/{id}/transition": one("POST", "/changes/"+f.chgB.Number+"/transition", "to=rejected&reason=hacked", hidden, false),
		"POST /changes/{id}/edit":       one("POST", "/changes/"+f.chgB.Number+"/edit", "title=hacked&description=hacked", hidden, false),
		"POST /changes/{id}/incidents":  one("POST", "/changes/"+f.chgB.Number+"/incidents", "incident="+desk.FormatNumber(f.incA.ID), hidden, false),
		"POST /changes/{id}/unlink":     one("POST", "/changes/"+f.chgB.Number+"/unlink", "incident="+num, hidden, false),

		"GET /report": one("GET", "/report", "", blind, true),
		"POST /report": {
			{"POST", "/report", "step=check&component_id=" + comp + "&answers.security=yes", blind, true},
			{"POST", "/report", "step=submit&organisation_id=" + org + "&component_id=" + comp + "&title=hacked&accept_procedure=1&" + pageAnswers, refused, true},
		},
		"POST /intake":                      one("POST", "/intake", "step=submit&organisation_id="+org+"&reporter_id="+usr+"&title=hacked&accept_procedure=1&"+pageAnswers, refused, true),
		"GET /triage":                       one("GET", "/triage", "", refused, true),
		"POST /incidents/{id}/attachments":  one("POST", "/incidents/"+inc+"/attachments", "files=x", hidden, true),
		"POST /incidents/{id}/assess":       one("POST", "/incidents/"+inc+"/assess", "decision=reclassify&reason=hacked", hidden, true),
		"POST /incidents/{id}/classify":     one("POST", "/incidents/"+inc+"/classify", "urgency=low&impact=low&reason=hacked", hidden, true),
		"GET /admin/questionnaire":          one("GET", "/admin/questionnaire", "", refused, true),
		"POST /admin/questionnaire":         one("POST", "/admin/questionnaire", "text=%7B%7D", refused, true),
		"GET /admin/questionnaire/download": one("GET", "/admin/questionnaire/download", "", refused, true),
		"GET /intake": {
			{"GET", "/intake", "", refused, true},
			{"GET", "/intake?org=" + org, "", refused, true},
		},
		"GET /incidents/{id}/attachments/{attachment}": {
			{"GET", "/incidents/" + num + "/attachments/" + fmt.Sprint(f.attB.ID), "", hidden, true},
			{"GET", "/incidents/" + desk.FormatNumber(f.incA.ID) + "/attachments/" + fmt.Sprint(f.attB.ID), "", hidden, true},
		},
		// Solution links: a link of A's incident altered to name B's, or one made up, is
		// refused by its MAC (404) for anyone, signed in or not, and shows nothing of B.
		"GET /solution/{token}": {
			{"GET", "/solution/" + altered, "", hidden, true},
			{"GET", "/solution/" + madeUp, "", hidden, true},
		},
		"POST /solution/{token}": {
			{"POST", "/solution/" + altered, "action=confirm", hidden, true},
			{"POST", "/solution/" + madeUp, "action=reject&reason=hacked", hidden, true},
		},
		// The public status page: B's clients-only component (its name holds B's secret)
		// never appears on it, for anyone, in either language.
		"GET /status": {
			{"GET", "/status", "", blind, true},
			{"GET", "/status?lang=en", "", blind, true},
		},
		// Public incidents on the status page: the page of the incident on B's clients-only
		// component shows it without the component (its name holds B's secret); an id that
		// is no public incident is not found; the history shows nothing of B either.
		"GET /status/incidents/{id}": {
			{"GET", "/status/incidents/" + pub, "", blind, true},
			{"GET", "/status/incidents/" + pub + "?lang=en", "", blind, true},
			{"GET", "/status/incidents/999999", "", hidden, true},
		},
		"GET /status/history": {
			{"GET", "/status/history", "", blind, true},
			{"GET", "/status/history?month=2026-11&lang=nl", "", blind, true},
		},
		// The desk's forms for them: clients and the expert are refused every page and form,
		// whatever the id, and nothing is published.
		"GET /public-incidents":     one("GET", "/public-incidents", "", refused, true),
		"GET /public-incidents/new": one("GET", "/public-incidents/new?kind=maintenance", "", refused, true),
		"POST /public-incidents": one("POST", "/public-incidents", "kind=incident&name.en=hacked&body.en=hacked&component_"+comp+"=major_outage",
			refused, true),
		"GET /public-incidents/{id}": {
			{"GET", "/public-incidents/" + pub, "", refused, true},
			{"GET", "/public-incidents/999999", "", refused, true},
		},
		"POST /public-incidents/{id}/updates":    one("POST", "/public-incidents/"+pub+"/updates", "status=resolved&body.en=hacked", refused, true),
		"POST /public-incidents/{id}/resolve":    one("POST", "/public-incidents/"+pub+"/resolve", "body.en=hacked", refused, true),
		"POST /public-incidents/{id}/postmortem": one("POST", "/public-incidents/"+pub+"/postmortem", "body.en=hacked", refused, true),
		"POST /public-incidents/{id}/edit":       one("POST", "/public-incidents/"+pub+"/edit", "name.en=hacked&impact=critical", refused, true),
		// The signed-in status view and its API twin: A's people see public components, A's
		// own and A's incidents, never B's clients-only component or B's incident.
		"GET /service-status": one("GET", "/service-status", "", blind, true),
		"GET /api/v1/status": {
			{"GET", "/api/v1/status", "", blind, true},
			{"GET", "/api/v1/status?organisation_id=" + org, "", blind, true},
		},
		// Email subscriptions: B's clients-only component is neither offered nor accepted;
		// a made-up link shows nothing and changes nothing (404), and the one-click
		// unsubscribe of a made-up link answers like any other.
		"GET /status/subscribe": one("GET", "/status/subscribe", "", blind, true),
		"POST /status/subscribe": {
			{"POST", "/status/subscribe", "email=x%40x.example&locale=nl&scope=chosen&components=" + comp, refused, true},
			{"POST", "/status/subscribe", "email=x%40x.example&locale=nl&scope=all", blind, true},
		},
		"GET /status/confirm":           one("GET", "/status/confirm?token=1.c.0.aaaaaaaaaaaaaaaaaaaaaaaaaa", "", hidden, true),
		"POST /status/confirm":          one("POST", "/status/confirm", "token=1.c.0.aaaaaaaaaaaaaaaaaaaaaaaaaa", refused, true),
		"GET /status/manage":            one("GET", "/status/manage?token=1.m.0.aaaaaaaaaaaaaaaaaaaaaaaaaa", "", hidden, true),
		"POST /status/manage":           one("POST", "/status/manage", "token=1.m.0.aaaaaaaaaaaaaaaaaaaaaaaaaa&locale=nl&scope=chosen&components="+comp, refused, true),
		"GET /status/unsubscribe":       one("GET", "/status/unsubscribe?token=1.u.0.aaaaaaaaaaaaaaaaaaaaaaaaaa", "", hidden, true),
		"POST /status/unsubscribe":      one("POST", "/status/unsubscribe?token=1.u.0.aaaaaaaaaaaaaaaaaaaaaaaaaa", "List-Unsubscribe=One-Click", blind, true),
		"GET /{$}":                      one("GET", "/", "", blind, true),
		"GET /login":                    one("GET", "/login", "", blind, true),
		"POST /login":                   one("POST", "/login", "email=b_user%40"+secret+"-user.example&password=wrong", refused, true),
		"POST /logout":                  one("POST", "/logout", "", blind, true),
		"GET /password/forgot":          one("GET", "/password/forgot", "", blind, true),
		"POST /password/forgot":         one("POST", "/password/forgot", "email=b_user%40"+secret+"-user.example", blind, true),
		"GET /password/reset":           one("GET", "/password/reset?token=nope", "", blind, true),
		"POST /password/reset":          one("POST", "/password/reset", "token=nope&password=new-password-1&password2=new-password-1", refused, true),
		"GET /setup":                    one("GET", "/setup", "", blind, true),
		"POST /setup":                   one("POST", "/setup", "token=nope&provider_name=x&name=x&email=x%40x.example&password=new-password-1", refused, true),
		"GET /static/{checksum}/{name}": one("GET", "/static/x/style.css", "", blind, true),
		"GET /favicon.ico":              one("GET", "/favicon.ico", "", blind, true),
		"POST /language":                one("POST", "/language", "lang=en", blind, true),
		// The status page's branding: public (logo, theme) and the same for every visitor;
		// its settings are staff's to read and admins' to change, through the API and the page.
		// The feeds (internal/web/feeds): public, the same for everyone; the open incident on
		// B's clients-only component is there, the component never is, and its own feed is
		// not found (a clients-only component has none).
		"GET /status/history.atom": {
			{"GET", "/status/history.atom", "", blind, true},
			{"GET", "/status/history.atom?lang=en", "", blind, true},
		},
		"GET /status/history.rss":                  one("GET", "/status/history.rss", "", blind, true),
		"GET /status/components/{id}/history.atom": one("GET", "/status/components/"+comp+"/history.atom", "", hidden, true),
		"GET /status/components/{id}/history.rss":  one("GET", "/status/components/"+comp+"/history.rss", "", hidden, true),
		"GET /status/maintenance.ics":              one("GET", "/status/maintenance.ics", "", blind, true),
		"GET /status/logo":                         one("GET", "/status/logo", "", blind, true),
		"GET /status/theme.css":                    one("GET", "/status/theme.css", "", blind, true),
		"GET /api/v1/status-page":                  one("GET", "/api/v1/status-page", "", refused, false),
		"PUT /api/v1/status-page":                  one("PUT", "/api/v1/status-page", `{"title":"`+secret+`"}`, refused, true),
		"PUT /api/v1/status-page/logo":             one("PUT", "/api/v1/status-page/logo", "", refused, true),
		"DELETE /api/v1/status-page/logo":          one("DELETE", "/api/v1/status-page/logo", "", refused, true),
		"GET /admin/status-page":                   one("GET", "/admin/status-page", "", refused, true),
		"POST /admin/status-page":                  one("POST", "/admin/status-page", "title="+secret, refused, true),
		"POST /admin/status-page/logo":             one("POST", "/admin/status-page/logo", "", refused, true),
		"POST /admin/status-page/logo/delete":      one("POST", "/admin/status-page/logo/delete", "", refused, true),
		"GET /incidents": {
			{"GET", "/incidents", "", blind, true},
			{"GET", "/incidents?org=" + org + "&organisation_id=" + org, "", blind, true},
			{"GET", "/incidents?q=Outage", "", blind, true},
		},
		"GET /incidents/{id}": {
			{"GET", "/incidents/" + inc, "", hidden, true},
			{"GET", "/incidents/" + num, "", hidden, true},
		},
		"POST /incidents/{id}/entries":    one("POST", "/incidents/"+inc+"/entries", "kind=reply&body=hacked", hidden, true),
		"POST /incidents/{id}/transition": one("POST", "/incidents/"+inc+"/transition", "to=triaged", hidden, true),
		"POST /incidents/{id}/assign":     one("POST", "/incidents/"+inc+"/assign", "owner_id="+agent, hidden, true),
		// Presence (console/workspace.go): clients are refused before anything is read (403),
		// an expert not assigned finds no incident (404), and nobody is recorded on B's.
		"POST /incidents/{id}/presence": one("POST", "/incidents/"+inc+"/presence", "view=x", refused, true),
		// Everything else
		"/": {
			{"GET", "/api/v1/nothing/" + inc, "", hidden, true},
			{"DELETE", "/incidents/" + inc + "/nothing", "", hidden, true},
			// A path that exists for other methods: 405, whoever asks about whichever incident.
			{"DELETE", "/incidents/" + inc, "", refused, true},
			{"PUT", "/api/v1/incidents/" + inc, `{"title":"hacked"}`, refused, true},
		},
		// Monitors (console/monitors.go): staff read them, clients are refused; only admins
		// create, change, test or delete them or change a component's monitoring, so the
		// expert is refused those too, and no monitor is made or changed for B's component.
		"GET /monitors":                    one("GET", "/monitors", "", refused, false),
		"GET /monitors/{id}":               one("GET", "/monitors/999999", "", hidden, true),
		"GET /monitors/new":                one("GET", "/monitors/new?kind=tcp&component="+comp, "", refused, true),
		"POST /monitors/new":               one("POST", "/monitors/new", "kind=tcp&component_id="+comp+"&name=hacked&s.host=127.0.0.1&s.port=1&do=save", refused, true),
		"GET /monitors/{id}/edit":          one("GET", "/monitors/999999/edit", "", refused, true),
		"POST /monitors/{id}/edit":         one("POST", "/monitors/999999/edit", "kind=tcp&component_id="+comp+"&name=hacked&do=test", refused, true),
		"POST /monitors/{id}/delete":       one("POST", "/monitors/999999/delete", "", refused, true),
		"POST /components/{id}/monitoring": one("POST", "/components/"+comp+"/monitoring", "monitor_mode=auto&monitor_autoresolve=1", refused, true),
		// Operations
		"GET /healthz": one("GET", "/healthz", "", blind, true),
		"GET /readyz":  one("GET", "/readyz", "", blind, true),
		"GET /metrics": one("GET", "/metrics", "", blind, true),
		// A heartbeat's token is its only credential: a made-up one is not found.
		"GET /heartbeat/{token}":  one("GET", "/heartbeat/madeup-token?status=down", "", hidden, true),
		"POST /heartbeat/{token}": one("POST", "/heartbeat/madeup-token", "status=down&msg=hacked", hidden, true),
	}
}

// TestTenantIsolation walks every route with every role of organisation A (and an expert
// who is not assigned) against organisation B's objects: nothing of B is read, listed,
// counted or changed, and objects named in URLs answer 404.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		cases := f.cases()
		for _, p := range f.mux.Patterns() {
			if _, ok := cases[p]; !ok {
				t.Errorf("route %q has no isolation case: add it to cases() in isolation_test.go", p)
			}
		}
		patterns := map[string]bool{}
		for _, p := range f.mux.Patterns() {
			patterns[p] = true
		}
		for p := range cases {
			if !patterns[p] {
				t.Errorf("isolation case for %q, but no such route is registered", p)
			}
		}
		for pattern, cs := range cases {
			for _, c := range cs {
				intruders := []string{"a_user", "a_admin"}
				if c.staffToo {
					intruders = append(intruders, "expert")
				}
				for _, who := range intruders {
					status, body := f.do(f.people[who], c.method, c.path, c.body)
					if c.path == "/logout" {
						f.signIn(who) // signing out ended the session the other cases use
					}
					where := fmt.Sprintf("%s: %s %s as %s", pattern, c.method, c.path, who)
					marker := secret
					if who == "expert" {
						marker = incidentSecret // staff may know B exists, not its incidents
					}
					if strings.Contains(strings.ToLower(body), marker) {
						t.Errorf("%s: the answer (%d) shows organisation B's data", where, status)
					}
					switch {
					case status >= 500:
						t.Errorf("%s: status %d: %s", where, status, body)
					case c.want == hidden && status != http.StatusNotFound:
						t.Errorf("%s: status %d, want 404", where, status)
					case c.want == refused && (status < 400 || status >= 500):
						t.Errorf("%s: status %d, want a refusal (4xx)", where, status)
					}
				}
			}
		}
		f.checkCounts(t)
		f.checkUnchanged(t)
	})
}

// signIn gives the person a new session.
func (f *fixture) signIn(who string) {
	p := f.people[who]
	sec, s, _, err := f.app.Identity.SignIn(context.Background(), p.user.Email, password, "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	p.session, p.csrf = sec, s.CSRF
}

// checkCounts asserts that totals never count B's incidents for A.
func (f *fixture) checkCounts(t *testing.T) {
	for _, who := range []string{"a_user", "a_admin"} {
		for _, q := range []string{"", "?organisation_id=" + fmt.Sprint(f.orgB.ID)} {
			status, body := f.do(f.people[who], "GET", "/api/v1/incidents"+q, "")
			var page struct {
				Items []desk.Incident `json:"items"`
				Total *int            `json:"total"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil || status != 200 {
				t.Fatalf("list incidents as %s: %d %s", who, status, body)
			}
			want := 1
			if q != "" {
				want = 0
			}
			if len(page.Items) != want || page.Total != nil && *page.Total != want {
				t.Errorf("list incidents%s as %s: %d items (total %v), want %d", q, who, len(page.Items), page.Total, want)
			}
		}
	}
}

// checkUnchanged asserts that B's objects are as they were before the walk.
func (f *fixture) checkUnchanged(t *testing.T) {
	ctx := context.Background()
	sys := desk.SystemActor("test")
	inc, err := f.app.Incidents.Get(ctx, sys, f.incB.ID)
	if err != nil || inc.Version != f.incB.Version || inc.Title != f.incB.Title || inc.State != desk.StateNew || inc.OwnerID != nil {
		t.Errorf("B's incident changed: %+v (err %v)", inc, err)
	}
	tl, err := f.app.Incidents.Timeline(ctx, sys, f.incB.ID)
	if err != nil || len(tl) != 3 {
		t.Errorf("B's timeline has %d entries, want 3 (err %v)", len(tl), err)
	}
	if o, err := f.app.Organisations.Get(ctx, sys, f.orgB.ID); err != nil || o.Name != f.orgB.Name {
		t.Errorf("B's organisation changed: %+v (err %v)", o, err)
	}
	if c, err := f.app.Organisations.Contract(ctx, sys, f.contract.ID); err != nil || c.Name != f.contract.Name {
		t.Errorf("B's contract changed: %+v (err %v)", c, err)
	}
	if c, err := f.app.Components.Get(ctx, sys, f.comp.ID); err != nil || c.Name != f.comp.Name {
		t.Errorf("B's component changed or deleted: %+v (err %v)", c, err)
	}
	b := f.people["b_user"]
	if u, err := f.app.Identity.User(ctx, sys, b.user.ID); err != nil || u.Name != b.user.Name {
		t.Errorf("B's user changed: %+v (err %v)", u, err)
	}
	if toks, err := f.app.Identity.Tokens(ctx, actorOf(b)); err != nil || len(toks) != 1 {
		t.Errorf("B's tokens: %v (err %v)", toks, err)
	}
	if ps, err := f.app.Outbox.Preferences(ctx, actorOf(b)); err != nil || len(ps) != 1 || !ps[0].Enabled {
		t.Errorf("B's notification preferences changed: %+v (err %v)", ps, err)
	}
	f.checkHookUnchanged(t)
	if l, err := f.app.PublicIncidents.TicketLinkOf(ctx, sys, f.incB.ID); err != nil || l.PublicIncidentID != f.pub.ID {
		t.Errorf("B's ticket's link changed: %+v (err %v)", l, err)
	}
	n, err := f.app.Incidents.Count(ctx, sys, desk.IncidentFilter{OrgID: f.orgB.ID})
	if err != nil || n != 1 {
		t.Errorf("B has %d incidents, want 1 (err %v)", n, err)
	}
	users, err := f.app.Identity.Users(ctx, sys, app.UserFilter{OrgID: f.orgB.ID})
	if err != nil || len(users) != 2 {
		t.Errorf("B has %d users, want 2 (err %v)", len(users), err)
	}
}

// solutionTokens resolves A's incident and returns the token of its Confirm link altered to
// name B's incident (its MAC no longer fits), and a token for B made up outright.
func (f *fixture) solutionTokens() (altered, madeUp string) {
	f.t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	if _, err := f.app.Incidents.Transition(ctx, sys, f.incA.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
		f.t.Fatal(err)
	}
	inc, err := f.app.Incidents.Transition(ctx, sys, f.incA.ID, desk.Transition{To: desk.StateResolved, Solution: "Restarted.", SolutionKind: desk.SolutionTemporary})
	if err != nil {
		f.t.Fatal(err)
	}
	confirm, _, err := f.app.Outbox.SolutionLinks(ctx, inc)
	if err != nil {
		f.t.Fatal(err)
	}
	_, token, _ := strings.Cut(confirm, "/solution/")
	parts := strings.Split(token, ".")
	parts[0] = fmt.Sprint(f.incB.ID)
	altered = strings.Join(parts, ".")
	parts[4] = strings.Repeat("a", len(parts[4]))
	return altered, strings.Join(parts, ".")
}

// checkHookUnchanged asserts that the admin's webhook endpoint is as it was: its fields,
// its secret (not rotated), no second endpoint, and nothing queued for it (no test event).
func (f *fixture) checkHookUnchanged(t *testing.T) {
	ctx, admin := context.Background(), actorOf(f.people["admin"])
	hs, err := f.app.Webhooks.List(ctx, admin)
	if err != nil || len(hs) != 1 {
		t.Fatalf("webhook endpoints: %+v (err %v), want the one", hs, err)
	}
	h := hs[0]
	if h.ID != f.hook.ID || h.URL != f.hook.URL || h.Description != f.hook.Description || !h.Active ||
		h.Secret != f.hook.Secret || h.PreviousSecret != "" || !h.UpdatedAt.Equal(f.hook.UpdatedAt) {
		t.Errorf("the webhook endpoint changed: %+v, was %+v", h, f.hook)
	}
	if ds, err := f.app.Webhooks.Deliveries(ctx, admin, h.ID); err != nil || len(ds) != 0 {
		t.Errorf("messages were queued for the endpoint: %+v (err %v)", ds, err)
	}
}

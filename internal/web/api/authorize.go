package api

import (
	"net/http"

	"meldpunt/internal/desk"
)

// Authorise first, then decode. The use cases in internal/app decide every authorisation,
// but a handler reads and validates its input before it calls one, so a role that may not
// use a route at all would learn about its input rules (422 instead of 403) and make the
// server parse what it sent (a questionnaire's YAML, a multipart upload). A gate runs in
// wrap before the handler, with nothing of the request but its path: it refuses the roles
// that a route never serves, with the answer the use case would give them — 403, or 404
// where the object the path names is hidden from the actor, so guessing ids still tells
// nothing. Roles a route may serve pass, and the use case decides the rest as before.

// gate refuses an actor that may not use a route whatever it sends.
type gate func(a *api, r *http.Request, act desk.Actor) error

// gates holds the gate of every route that some signed-in role may not use at all. A route
// without one is open to every role (its own objects, its own settings), and the use case
// decides which objects an actor sees.
var gates = map[string]gate{
	"POST /api/v1/organisations":       only("create organisations", admin),
	"PATCH /api/v1/organisations/{id}": unlessSeen("change organisations", admin, organisationSeen),
	"POST /api/v1/contracts":           only("create contracts", admin),
	"PATCH /api/v1/contracts/{id}":     unlessSeen("change contracts", admin, contractSeen),
	"POST /api/v1/users":               only("create users", userManager),
	"PATCH /api/v1/users/{id}":         userGate,
	"POST /api/v1/component-groups":    only("create component groups", admin),
	"POST /api/v1/components":          only("create components", admin),
	"PATCH /api/v1/components/{id}":    unlessSeen("change components", admin, componentSeen),

	"PUT /api/v1/components/{id}/status": unlessSeen("set component statuses", desk.Role.IsDesk, componentSeen),

	"GET /api/v1/public-incidents":                 only("publish on the status page", desk.Role.IsDesk),
	"POST /api/v1/public-incidents":                only("publish on the status page", desk.Role.IsDesk),
	"GET /api/v1/public-incidents/{id}":            only("publish on the status page", desk.Role.IsDesk),
	"PATCH /api/v1/public-incidents/{id}":          only("publish on the status page", desk.Role.IsDesk),
	"POST /api/v1/public-incidents/{id}/updates":   only("publish on the status page", desk.Role.IsDesk),
	"PUT /api/v1/public-incidents/{id}/postmortem": only("publish on the status page", desk.Role.IsDesk),
	"GET /api/v1/public-incidents/{id}/tickets":    only("publish on the status page", desk.Role.IsDesk),
	"POST /api/v1/public-incidents/{id}/tickets":   only("publish on the status page", desk.Role.IsDesk),

	"PUT /api/v1/incidents/{id}/public-incident":    unlessSeen("link tickets to public incidents", desk.Role.IsDesk, incidentSeen),
	"POST /api/v1/incidents/{id}/public-incident":   unlessSeen("link tickets to public incidents", desk.Role.IsDesk, incidentSeen),
	"DELETE /api/v1/incidents/{id}/public-incident": unlessSeen("link tickets to public incidents", desk.Role.IsDesk, incidentSeen),

	"POST /api/v1/incidents":                  only("register incidents", clientOrDesk),
	"PATCH /api/v1/incidents/{id}":            unlessSeen("change incidents", desk.Role.IsDesk, incidentSeen),
	"PUT /api/v1/incidents/{id}/assignment":   unlessSeen("assign incidents", desk.Role.IsDesk, incidentSeen),
	"POST /api/v1/incidents/{id}/assessment":  unlessSeen("assess reports", desk.Role.IsDesk, incidentSeen),
	"POST /api/v1/incidents/{id}/attachments": attachable,

	"PUT /api/v1/questionnaire":                    only("change the questionnaire", admin),
	"GET /api/v1/questionnaire/versions/{version}": hiddenFromClients("questionnaire"),
	"POST /api/v1/questionnaire/evaluate":          only("evaluate reports", clientOrDesk),
	"POST /api/v1/reports":                         only("file reports", clientOrDesk),

	"GET /api/v1/outbox":                       only("see the outbox", admin),
	"POST /api/v1/outbox/{id}/retry":           only("retry messages", admin),
	"GET /api/v1/webhooks":                     only("see webhooks", admin),
	"POST /api/v1/webhooks":                    only("register webhooks", admin),
	"GET /api/v1/webhooks/{id}":                only("see webhooks", admin),
	"PATCH /api/v1/webhooks/{id}":              only("change webhooks", admin),
	"DELETE /api/v1/webhooks/{id}":             only("delete webhooks", admin),
	"POST /api/v1/webhooks/{id}/test":          only("test webhooks", admin),
	"POST /api/v1/webhooks/{id}/rotate-secret": only("rotate webhook secrets", admin),
	"GET /api/v1/webhooks/{id}/deliveries":     only("see webhooks", admin),

	"GET /api/v1/changes":                   only("list change requests; see those of your incidents on their pages", desk.Role.IsStaff),
	"POST /api/v1/changes":                  only("create change requests", desk.Role.IsDesk),
	"PATCH /api/v1/changes/{id}":            unlessSeen("change change requests", desk.Role.IsDesk, changeSeen),
	"POST /api/v1/changes/{id}/transitions": unlessSeen("decide on change requests", desk.Role.IsDesk, changeSeen),

	"GET /api/v1/audit":                    only("read the audit log", admin),
	"PUT /api/v1/priority-matrix":          only("change the priority matrix", admin),
	"PUT /api/v1/calendars/{slug}":         only("change calendars", admin),
	"GET /api/v1/status-templates":         only("see status templates", desk.Role.IsStaff),
	"POST /api/v1/status-templates":        only("manage status templates", admin),
	"GET /api/v1/status-templates/{id}":    hiddenFromClients("status template"),
	"PUT /api/v1/status-templates/{id}":    both(hiddenFromClients("status template"), only("manage status templates", admin)),
	"DELETE /api/v1/status-templates/{id}": both(hiddenFromClients("status template"), only("manage status templates", admin)),
	"GET /api/v1/suppliers":                only("see suppliers", desk.Role.IsStaff),
	"POST /api/v1/suppliers":               only("manage suppliers", admin),
	"GET /api/v1/suppliers/{id}":           hiddenFromClients("supplier"),
	"PATCH /api/v1/suppliers/{id}":         both(hiddenFromClients("supplier"), only("manage suppliers", admin)),
	"GET /api/v1/settings/stale-after":     only("read the stale times", desk.Role.IsStaff),
	"PUT /api/v1/settings/stale-after":     only("change the stale times", admin),
	"GET /api/v1/reports/sla":              only("read SLA reports", slaReader),

	"GET /api/v1/status-page":         only("read the status page settings", desk.Role.IsStaff),
	"PUT /api/v1/status-page":         only("change the status page settings", admin),
	"PUT /api/v1/status-page/logo":    only("change the status page logo", admin),
	"DELETE /api/v1/status-page/logo": only("change the status page logo", admin),

	// Monitors are the provider's: staff read them, admins define them (monitors.go).
	"GET /api/v1/monitors":                   only("see monitors", desk.Role.IsStaff),
	"POST /api/v1/monitors":                  only("define monitors", admin),
	"GET /api/v1/monitors/{id}":              hiddenFromClients("monitor"),
	"PUT /api/v1/monitors/{id}":              both(hiddenFromClients("monitor"), only("change monitors", admin)),
	"DELETE /api/v1/monitors/{id}":           both(hiddenFromClients("monitor"), only("delete monitors", admin)),
	"GET /api/v1/monitors/{id}/results":      hiddenFromClients("monitor"),
	"GET /api/v1/monitors/{id}/uptime":       hiddenFromClients("monitor"),
	"GET /api/v1/monitors/{id}/history":      hiddenFromClients("monitor"),
	"GET /api/v1/components/{id}/monitoring": only("see monitors", desk.Role.IsStaff),
	"PUT /api/v1/components/{id}/monitoring": only("change what monitors may do", admin),
	"GET /api/v1/components/{id}/uptime":     only("see monitors", desk.Role.IsStaff),
}

func admin(r desk.Role) bool        { return r == desk.RoleAdmin }
func userManager(r desk.Role) bool  { return r == desk.RoleAdmin || r == desk.RoleClientAdmin }
func clientOrDesk(r desk.Role) bool { return r.IsClient() || r.IsDesk() }
func slaReader(r desk.Role) bool    { return r.IsDesk() || r == desk.RoleClientAdmin }

// forbidden is the answer to a role that may not do what.
func forbidden(what string) error {
	return desk.Errorf(desk.EFORBIDDEN, "your role may not %s", what)
}

// only lets the roles that ok accepts pass, and refuses the others with 403.
func only(what string, ok func(desk.Role) bool) gate {
	return func(_ *api, _ *http.Request, act desk.Actor) error {
		if act.System || ok(act.Role) {
			return nil
		}
		return forbidden(what)
	}
}

// hiddenFromClients answers 404 to anyone but staff: to them no such object exists.
func hiddenFromClients(kind string) gate {
	return func(_ *api, _ *http.Request, act desk.Actor) error {
		if act.System || act.Role.IsStaff() {
			return nil
		}
		return desk.NotFound(kind)
	}
}

// both runs the gates in turn; the first refusal is the answer.
func both(gs ...gate) gate {
	return func(a *api, r *http.Request, act desk.Actor) error {
		for _, g := range gs {
			if err := g(a, r, act); err != nil {
				return err
			}
		}
		return nil
	}
}

// unlessSeen lets the roles that ok accepts pass. For the others, the object the path
// names decides, as in the use case: one they may not see is not found (seen's error), one
// they see is refused with 403.
func unlessSeen(what string, ok func(desk.Role) bool, seen gate) gate {
	return func(a *api, r *http.Request, act desk.Actor) error {
		if act.System || ok(act.Role) {
			return nil
		}
		if err := seen(a, r, act); err != nil {
			return err
		}
		return forbidden(what)
	}
}

// The seen gates read the object the path names as the actor, so that what the actor may not
// see is not found.

func organisationSeen(a *api, r *http.Request, act desk.Actor) error {
	id, err := pathID(r, "organisation")
	if err == nil {
		_, err = a.svc.organisations.Get(r.Context(), act, id)
	}
	return err
}

func contractSeen(a *api, r *http.Request, act desk.Actor) error {
	id, err := pathID(r, "contract")
	if err == nil {
		_, err = a.svc.organisations.Contract(r.Context(), act, id)
	}
	return err
}

func componentSeen(a *api, r *http.Request, act desk.Actor) error {
	id, err := pathID(r, "component")
	if err == nil {
		_, err = a.svc.components.Get(r.Context(), act, id)
	}
	return err
}

func incidentSeen(a *api, r *http.Request, act desk.Actor) error {
	id, err := incidentID(r)
	if err == nil {
		_, err = a.svc.incidents.Get(r.Context(), act, id)
	}
	return err
}

func changeSeen(a *api, r *http.Request, act desk.Actor) error {
	id, err := changeID(r)
	if err == nil {
		_, err = a.svc.changes.Get(r.Context(), act, id)
	}
	return err
}

// userGate lets anyone change themself, admins anyone, and client admins try the users
// they see; anyone else gets 404 for a user they may not see and 403 for one they may.
func userGate(a *api, r *http.Request, act desk.Actor) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if act.System || act.Role == desk.RoleAdmin || id == act.UserID {
		return nil
	}
	if _, err := a.svc.identity.User(r.Context(), act, id); err != nil {
		return err
	}
	if act.Role == desk.RoleClientAdmin {
		return nil // which of them they may change, and how, is the use case's to say
	}
	return forbidden("change this user")
}

// attachable lets only those who see the incident send files to it: nobody uploads
// megabytes to learn that an incident does not exist for them.
func attachable(a *api, r *http.Request, act desk.Actor) error {
	if act.System {
		return nil
	}
	return incidentSeen(a, r, act)
}

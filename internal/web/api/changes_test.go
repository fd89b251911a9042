package api_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestChangeRequests follows a change request through the API: created from an incident of
// client A, linked to one of client B, edited, decided and implemented; each client sees
// only the title and state through its own incident, never the change request itself.
func TestChangeRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		userA, userB := e.users["clientUserA"].ID, e.users["clientUserB"].ID
		incA := must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.orgA.ID, ReporterID: &userA, Title: "Checkout fails",
			Urgency: desk.High, Impact: desk.High}))(t)
		incB := must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.orgB.ID, ReporterID: &userB, Title: "Payments time out",
			Urgency: desk.Normal, Impact: desk.Normal}))(t)
		e.vars["incA"], e.vars["incB"], e.vars["incBnum"] = itoa(incA.ID), itoa(incB.ID), incB.Number
		e.run(t, []scenario{
			// Creation: the desk only, with every bad field named.
			{name: "a client may not create", request: request{method: "POST", path: "/api/v1/changes", as: "clientAdminA",
				body: `{"title":"Fix","incident_ids":[{incA}]}`}, status: 403},
			{name: "an expert may not create", request: request{method: "POST", path: "/api/v1/changes", as: "expert",
				body: `{"title":"Fix","incident_ids":[{incA}]}`}, status: 403},
			{name: "every bad field is named", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"","description":"a\u202eb","incident_ids":[]}`},
				status: 422, errors: [][2]string{{"/title", "required"}, {"/description", "bidi_control"}, {"/incident_ids", "required"}}},
			{name: "a NUL is refused before anything else is checked", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"","description":"a\u0000b","incident_ids":[]}`},
				status: 422, errors: [][2]string{{"/description", "control_characters"}}},
			{name: "a C1 control is refused before anything else is checked", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"","description":"a\u0085b","incident_ids":[]}`},
				status: 422, errors: [][2]string{{"/description", "control_characters"}},
				check: func(t *testing.T, r *result) {
					if r.hasFieldError("/title", "required") {
						t.Errorf("the C1 control reached the validation: %s", r.body)
					}
				}},
			{name: "a missing incident is named", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"Fix","incident_ids":[999999,{incA},0]}`},
				status: 422, errors: [][2]string{{"/incident_ids/0", "exists"}, {"/incident_ids/2", "exists"}}},
			{name: "an unknown field", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"Fix","incident_ids":[{incA}],"state":"approved"}`},
				status: 422, errors: [][2]string{{"/state", "unknown_field"}}},
			{name: "a wrong type", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"Fix","incident_ids":["{incA}"]}`},
				status: 422, errors: [][2]string{{"/incident_ids/0", "type"}}},
			{name: "not JSON", request: request{method: "POST", path: "/api/v1/changes", as: "agent", body: `{"title":`}, status: 400},
			{name: "not a JSON body", request: request{method: "POST", path: "/api/v1/changes", as: "agent", body: `title=x`, ctype: "text/plain"}, status: 415},
			{name: "the agent creates it from A's incident", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"Replace the payment SDK","description":"Version 3 leaks connections; costs on us.","incident_ids":[{incA}]}`},
				status: 201, fields: map[string]any{"state": "requested", "incident_ids": []any{incA.ID}, "created_by_id": e.users["agent"].ID,
					"decisions": []any{}, "version": 1, "decided_at": nil, "implemented_at": nil},
				save: map[string]string{"chg": "id", "chgnum": "number"},
				check: func(t *testing.T, r *result) {
					if want := baseURL + "/api/v1/changes/" + itoa(r.id("id")); r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
					if n := r.str("number"); n != desk.FormatChangeNumber(r.id("id")) {
						t.Errorf("number %q", n)
					}
				}},

			// Reading: staff by id or number; clients never.
			{name: "the expert reads it by number", request: request{method: "GET", path: "/api/v1/changes/{chgnum}", as: "expert"},
				status: 200, fields: map[string]any{"id": "{chg}", "description": "Version 3 leaks connections; costs on us."}},
			{name: "A's client admin cannot read it", request: request{method: "GET", path: "/api/v1/changes/{chg}", as: "clientAdminA"}, status: 404},
			{name: "B's user cannot read it", request: request{method: "GET", path: "/api/v1/changes/{chg}", as: "clientUserB"}, status: 404},
			{name: "a client may not list", request: request{method: "GET", path: "/api/v1/changes", as: "clientUserA"}, status: 403},
			{name: "an id that is no id", request: request{method: "GET", path: "/api/v1/changes/CHG-x", as: "agent"}, status: 404},
			{name: "an id that does not exist", request: request{method: "GET", path: "/api/v1/changes/999999", as: "agent"}, status: 404},
			{name: "A's reporter sees title and state", request: request{method: "GET", path: "/api/v1/incidents/{incA}/changes", as: "clientUserA"},
				status: 200, fields: map[string]any{"items": []any{map[string]any{"title": "Replace the payment SDK", "state": "requested"}}},
				notContains: []string{"{chgnum}", "leaks"}},
			{name: "the agent sees id and number", request: request{method: "GET", path: "/api/v1/incidents/{incA}/changes", as: "agent"},
				status: 200, fields: map[string]any{"items.0.id": "{chg}", "items.0.number": "{chgnum}", "items.#": 1}},
			{name: "B's incident has none yet", request: request{method: "GET", path: "/api/v1/incidents/{incB}/changes", as: "clientUserB"},
				status: 200, fields: map[string]any{"items": []any{}}},
			{name: "B cannot ask A's incident", request: request{method: "GET", path: "/api/v1/incidents/{incA}/changes", as: "clientAdminB"}, status: 404},
			{name: "A's timeline says a fix was requested", request: request{method: "GET", path: "/api/v1/incidents/{incA}/entries", as: "clientUserA"},
				status: 200, contains: []string{`"event":"change_requested"`, `"args":["text:Replace the payment SDK"]`,
					"A structural fix was requested: Replace the payment SDK."}, notContains: []string{"{chgnum}", "leaks"}},

			// Links: B's incident too; only the desk, not twice, not a missing one.
			{name: "an expert may not link", request: request{method: "POST", path: "/api/v1/changes/{chg}/incidents/{incA}", as: "expert"}, status: 404},
			{name: "a client may not link", request: request{method: "POST", path: "/api/v1/changes/{chg}/incidents/{incA}", as: "clientAdminA"}, status: 404},
			{name: "link a missing incident", request: request{method: "POST", path: "/api/v1/changes/{chg}/incidents/999999", as: "agent"}, status: 404},
			{name: "link an incident that is no id", request: request{method: "POST", path: "/api/v1/changes/{chg}/incidents/x", as: "agent"}, status: 404},
			{name: "link B's incident by number", request: request{method: "POST", path: "/api/v1/changes/{chgnum}/incidents/{incBnum}", as: "agent"},
				status: 200, fields: map[string]any{"incident_ids": []any{incA.ID, incB.ID}, "version": 2}},
			{name: "not twice", request: request{method: "POST", path: "/api/v1/changes/{chg}/incidents/{incB}", as: "agent"},
				status: 409, fields: map[string]any{"code": "conflict"}},
			{name: "B now sees title and state", request: request{method: "GET", path: "/api/v1/incidents/{incB}/changes", as: "clientUserB"},
				status: 200, fields: map[string]any{"items": []any{map[string]any{"title": "Replace the payment SDK", "state": "requested"}}}},
			{name: "B's timeline says it was linked", request: request{method: "GET", path: "/api/v1/incidents/{incB}/entries", as: "clientUserB"},
				status: 200, contains: []string{`"event":"change_linked"`, `"args":["text:Replace the payment SDK","change_state:requested"]`},
				notContains: []string{"Checkout fails", "leaks"}},
			{name: "filter by incident", request: request{method: "GET", path: "/api/v1/changes?incident_id={incB}", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": "{chg}", "total": 1}},

			// Edits.
			{name: "an empty title", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent", body: `{"title":" "}`},
				status: 422, errors: [][2]string{{"/title", "required"}}},
			{name: "a stale version", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent", body: `{"title":"x","version":1}`},
				status: 409},
			{name: "an expert may not edit", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "expert", body: `{"title":"x"}`},
				status: 403},
			{name: "a client may not edit", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "clientAdminA", body: `{"title":"x"}`},
				status: 404},
			{name: "edit the title", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent",
				body: `{"title":"Replace the payment SDK by version 4","version":2}`},
				status: 200, fields: map[string]any{"title": "Replace the payment SDK by version 4", "version": 3}},

			// Decisions.
			{name: "an illegal move", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"implemented"}`},
				status: 409, fields: map[string]any{"code": "conflict", "allowed": []any{"approved", "rejected"}}},
			{name: "an unknown state", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"closed"}`},
				status: 422, errors: [][2]string{{"/to", "one_of"}}},
			{name: "no state", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"reason":"x"}`},
				status: 422, errors: [][2]string{{"/to", "required"}}},
			{name: "a reason that is no text", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"approved","reason":7}`},
				status: 422, errors: [][2]string{{"/reason", "type"}}},
			{name: "an expert may not decide", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "expert", body: `{"to":"approved"}`},
				status: 403},
			{name: "a client may not decide", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "clientUserA", body: `{"to":"approved"}`},
				status: 404},
			{name: "approve with a reason", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent",
				body: `{"to":"approved","reason":"Change board agreed; internal cost code 4711."}`},
				status: 200, fields: map[string]any{"state": "approved", "decisions.#": 1, "decisions.0.from": "requested", "decisions.0.to": "approved",
					"decisions.0.reason": "Change board agreed; internal cost code 4711.", "decisions.0.actor_id": e.users["agent"].ID},
				check: func(t *testing.T, r *result) {
					if r.str("decided_at") == "" {
						t.Errorf("decided_at not set: %s", r.body)
					}
				}},
			{name: "approved cannot be rejected", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"rejected"}`},
				status: 409, fields: map[string]any{"allowed": []any{"implemented"}}},
			{name: "implement", request: request{method: "POST", path: "/api/v1/changes/{chgnum}/transitions", as: "admin", body: `{"to":"implemented"}`},
				status: 200, fields: map[string]any{"state": "implemented", "decisions.#": 2, "decisions.1.reason": ""}},
			{name: "implemented is final", request: request{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"approved"}`},
				status: 409, fields: map[string]any{"allowed": []any{}}},
			{name: "an implemented one is not edited", request: request{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent", body: `{"title":"x"}`},
				status: 409},
			{name: "the clients read the decisions, not the reasons", request: request{method: "GET", path: "/api/v1/incidents/{incB}/entries", as: "clientUserB"},
				status: 200, contains: []string{`"event":"change_approved"`, `"event":"change_implemented"`,
					"The structural fix ‘Replace the payment SDK by version 4’ was implemented."},
				notContains: []string{"4711", "{chgnum}"}},
			{name: "and the new state", request: request{method: "GET", path: "/api/v1/incidents/{incA}/changes", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.0.state": "implemented", "items.0.title": "Replace the payment SDK by version 4"}},

			// Unlink: B's incident, not the last one.
			{name: "a client may not unlink", request: request{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{incB}", as: "clientAdminB"}, status: 404},
			{name: "unlink B's incident", request: request{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{incB}", as: "agent"},
				status: 200, fields: map[string]any{"incident_ids": []any{incA.ID}}},
			{name: "unlink twice", request: request{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{incB}", as: "agent"}, status: 404},
			{name: "the last one stays", request: request{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{incA}", as: "agent"},
				status: 409, fields: map[string]any{"code": "conflict"}},
			{name: "B sees it no more", request: request{method: "GET", path: "/api/v1/incidents/{incB}/changes", as: "clientUserB"},
				status: 200, fields: map[string]any{"items": []any{}}},

			// A second one, then the list with filters and pages.
			{name: "a second change request", request: request{method: "POST", path: "/api/v1/changes", as: "admin",
				body: `{"title":"Move to the new data centre","incident_ids":[{incB},{incA},{incB}]}`},
				status: 201, fields: map[string]any{"incident_ids": []any{incA.ID, incB.ID}}, save: map[string]string{"chg2": "id"}},
			{name: "reject it", request: request{method: "POST", path: "/api/v1/changes/{chg2}/transitions", as: "agent", body: `{"to":"rejected"}`},
				status: 200, fields: map[string]any{"state": "rejected"}},
			{name: "list all", request: request{method: "GET", path: "/api/v1/changes", as: "expert"},
				status: 200, fields: map[string]any{"items.#": 2, "items.0.id": "{chg2}", "items.1.id": "{chg}", "total": 2, "next_cursor": absent{}}},
			{name: "filter by states", request: request{method: "GET", path: "/api/v1/changes?state=implemented,approved", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": "{chg}", "total": 1}},
			{name: "filter by state twice", request: request{method: "GET", path: "/api/v1/changes?state=rejected&state=requested", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": "{chg2}"}},
			{name: "a page", request: request{method: "GET", path: "/api/v1/changes?limit=1", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": "{chg2}", "total": 2}, save: map[string]string{"cursor": "next_cursor"}},
			{name: "bad filters are named", request: request{method: "GET", path: "/api/v1/changes?state=closed&incident_id=x&limit=0&cursor=!!", as: "agent"},
				status: 422, errors: [][2]string{{"state", "one_of"}, {"incident_id", "id"}, {"limit", "range"}, {"cursor", "cursor"}}},
			{name: "the incident's list, newest first", request: request{method: "GET", path: "/api/v1/incidents/{incA}/changes", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 2, "items.0.state": "rejected", "items.1.state": "implemented"}},

			// The audit log records every change.
			{name: "audited", request: request{method: "GET", path: "/api/v1/audit?entity=change_request&entity_id={chg}", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 6, "items.0.action": "unlink", "items.5.action": "create",
					"items.0.organisation_id": e.orgB.ID}},
		})
		t.Run("the next page", func(t *testing.T) {
			r := e.do(t, request{method: "GET", path: "/api/v1/changes?limit=1&cursor=" + url.QueryEscape(e.vars["cursor"]), as: "agent"})
			e.assert(t, scenario{status: 200, fields: map[string]any{"items.#": 1, "items.0.id": "{chg}", "next_cursor": absent{}}}, r)
		})
	})
}

// changeCalls are TestOpenAPIConformance's calls of the change request routes: for each
// operation one that succeeds and one that fails, in an order that builds on itself.
func changeCalls(t *testing.T, e *env) []request {
	t.Helper()
	ctx := context.Background()
	inc, err := strconv.ParseInt(e.vars["inc"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	c := must(e.app.Changes.Create(ctx, sys, app.ChangeInput{Title: "Structural fix", IncidentIDs: []int64{inc}}))(t)
	e.vars["chg"] = itoa(c.ID)
	return []request{
		{method: "GET", path: "/api/v1/changes?state=requested", as: "agent"},
		{method: "GET", path: "/api/v1/changes?state=x", as: "agent"},
		{method: "POST", path: "/api/v1/changes", as: "agent", body: `{"title":"Fix","incident_ids":[{inc}]}`},
		{method: "POST", path: "/api/v1/changes", as: "clientUserA", body: `{"title":"Fix","incident_ids":[{inc}]}`},
		{method: "GET", path: "/api/v1/changes/{chg}", as: "expert"},
		{method: "GET", path: "/api/v1/changes/{chg}", as: "clientUserA"},
		{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent", body: `{"description":"How"}`},
		{method: "PATCH", path: "/api/v1/changes/{chg}", as: "agent", body: `{"title":""}`},
		{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"approved","reason":"ok"}`},
		{method: "POST", path: "/api/v1/changes/{chg}/transitions", as: "agent", body: `{"to":"requested"}`},
		{method: "POST", path: "/api/v1/changes/{chg}/incidents/{rep}", as: "agent"},
		{method: "POST", path: "/api/v1/changes/{chg}/incidents/{rep}", as: "agent"},
		{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{rep}", as: "agent"},
		{method: "DELETE", path: "/api/v1/changes/{chg}/incidents/{rep}", as: "agent"},
		{method: "GET", path: "/api/v1/incidents/{inc}/changes", as: "clientUserA"},
		{method: "GET", path: "/api/v1/incidents/{inc}/changes", as: "clientUserB"},
	}
}

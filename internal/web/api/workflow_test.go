package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestWorkflow follows an incident through its life: triage, assignment, notes and
// replies, waiting, resolving, the client's rejection and confirmation; and the audit
// records each change.
func TestWorkflow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "a client reports", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Checkout fails","urgency":"high","impact":"normal","kind":"urgent"}`},
				status: 201, save: map[string]string{"inc": "id", "num": "number"}},

			// Transitions.
			{name: "an illegal move", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"closed"}`},
				status: 409, fields: map[string]any{"allowed": []any{"triaged", "in_progress", "waiting"}, "code": "conflict"}},
			{name: "an unknown state", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"flying"}`},
				status: 422, errors: [][2]string{{"/to", "one_of"}}},
			{name: "a client may not triage", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserA", body: `{"to":"triaged"}`},
				status: 409, fields: map[string]any{"code": "conflict"}},
			{name: "another client cannot see it", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserB", body: `{"to":"triaged"}`},
				status: 404},
			{name: "triage by number", request: request{method: "POST", path: "/api/v1/incidents/{num}/transitions", as: "agent", body: `{"to":"triaged"}`},
				status: 200, fields: map[string]any{"state": "triaged", "owner_id": e.users["agent"].ID}},
			{name: "waiting needs a reason", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"waiting"}`},
				status: 422, errors: [][2]string{{"/waiting_on", "required"}}},
			{name: "wait on a third party", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent",
				body: `{"to":"waiting","waiting_on":"third_party"}`},
				status: 200, fields: map[string]any{"state": "waiting", "waiting_on": "third_party"}},
			{name: "work on it", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"in_progress"}`},
				status: 200, fields: map[string]any{"state": "in_progress", "waiting_on": absent{}}},

			// Assignment.
			{name: "an expert cannot see it yet", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "expert"}, status: 404},
			{name: "assign to the expert", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"assignee_id":{expert}}`},
				status: 200, fields: map[string]any{"assignee_id": e.users["expert"].ID, "owner_id": e.users["agent"].ID}},
			{name: "the expert sees it", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "expert"},
				status: 200, fields: map[string]any{"assignee_id": e.users["expert"].ID}},
			{name: "a client is no assignee", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"assignee_id":{clientUserA}}`},
				status: 422, errors: [][2]string{{"/assignee_id", "staff"}}},
			{name: "an expert is no owner", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"owner_id":{expert}}`},
				status: 422, errors: [][2]string{{"/owner_id", "desk"}}},
			{name: "an expert may not assign", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "expert",
				body: `{"assignee_id":{agent}}`},
				status: 403},
			{name: "a client may not assign", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "clientUserA",
				body: `{"assignee_id":{agent}}`},
				status: 403},
			{name: "hand ownership to the admin", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"owner_id":{admin}}`},
				status: 200, fields: map[string]any{"owner_id": e.users["admin"].ID, "assignee_id": e.users["expert"].ID}},

			// Replies and notes.
			{name: "the expert notes", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "expert",
				body: `{"kind":"note","body":"payment provider returns 502; internal only"}`},
				status: 201, fields: map[string]any{"kind": "note", "visibility": "internal", "author_id": e.users["expert"].ID},
				check: func(t *testing.T, r *result) {
					if want := baseURL + "/api/v1/incidents/" + e.vars["inc"] + "/entries"; r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
				}},
			{name: "the desk replies", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "agent",
				body: `{"body":"We are on it."}`},
				status: 201, fields: map[string]any{"kind": "reply", "visibility": "public"}},
			{name: "the first reply is recorded", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "agent"},
				status: 200, check: func(t *testing.T, r *result) {
					if r.str("first_response_at") == "" {
						t.Errorf("first_response_at not set: %s", r.body)
					}
				}},
			{name: "the client replies", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA",
				body: `{"kind":"reply","body":"Thanks!"}`},
				status: 201, fields: map[string]any{"author_id": e.users["clientUserA"].ID}},
			{name: "a client may not write notes", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA",
				body: `{"kind":"note","body":"secret"}`},
				status: 403},
			{name: "an unknown kind", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "agent",
				body: `{"kind":"shout","body":"HEY"}`},
				status: 422, errors: [][2]string{{"/kind", "one_of"}}},
			{name: "an empty body", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "agent",
				body: `{"body":""}`},
				status: 422, errors: [][2]string{{"/body", "required"}}},
			{name: "another client cannot write", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientAdminB",
				body: `{"body":"hello"}`},
				status: 404},
			{name: "the client's timeline has no notes", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA"},
				status: 200, contains: []string{"We are on it.", "Thanks!", `"to_state":"triaged"`},
				notContains: []string{"payment provider", `"internal"`, "Assigned"}},
			{name: "the staff timeline has them", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "expert"},
				status: 200, contains: []string{"payment provider returns 502", "Assigned: owner unchanged, assignee User expert.", "We are on it."},
				fields: map[string]any{"items.0.kind": "system", "items.1.kind": "state", "items.1.from_state": "new", "items.1.to_state": "triaged"}},

			// Resolution, rejection, confirmation.
			{name: "resolving needs a solution", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "expert",
				body: `{"to":"resolved"}`},
				status: 422, errors: [][2]string{{"/solution", "required"}}},
			{name: "resolving needs a kind of solution", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "expert",
				body: `{"to":"resolved","solution":"Switched to the backup provider.","solution_kind":"forever"}`},
				status: 422, errors: [][2]string{{"/solution_kind", "one_of"}}},
			{name: "the expert resolves", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "expert",
				body: `{"to":"resolved","solution":"Switched to the backup provider.","solution_kind":"temporary"}`},
				status: 200, fields: map[string]any{"state": "resolved", "solution": "Switched to the backup provider.", "solution_kind": "temporary"}},
			{name: "a rejection needs a reason", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserA",
				body: `{"to":"in_progress"}`},
				status: 422, errors: [][2]string{{"/reason", "required"}}},
			{name: "the client rejects", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserA",
				body: `{"to":"in_progress","reason":"Still failing for Visa."}`},
				status: 200, fields: map[string]any{"state": "in_progress", "resolved_at": nil, "auto_close_at": nil}},
			{name: "resolved again", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent",
				body: `{"to":"resolved","solution":"Visa fixed too.","solution_kind":"structural"}`},
				status: 200, fields: map[string]any{"state": "resolved", "solution_kind": "structural"}},
			{name: "a colleague may not confirm", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserA2",
				body: `{"to":"closed"}`},
				status: 404},
			{name: "the client confirms", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "clientUserA",
				body: `{"to":"closed"}`},
				status: 200, fields: map[string]any{"state": "closed"}},
			{name: "nothing moves a closed incident", request: request{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent",
				body: `{"to":"in_progress"}`},
				status: 409, fields: map[string]any{"allowed": []any{}}},
			{name: "no replies on a closed incident", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA",
				body: `{"body":"one more thing"}`},
				status: 409},
			{name: "no assignment of a closed incident", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"assignee_id":0}`},
				status: 409},

			// The audit log.
			{name: "the incident's audit", request: request{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "agent"},
				status: 200, fields: map[string]any{
					"items.0.action": "transition", "items.0.actor_id": e.users["clientUserA"].ID, "items.0.actor_name": "User clientUserA",
					"items.0.address": "127.0.0.1", "items.0.entity": "incident", "items.0.entity_id": "{inc}", "items.0.organisation_id": e.orgA.ID,
					"items.#": 11},
				contains: []string{`"action":"assign"`, `"action":"create"`, `"action":"first_response"`,
					`"before":"{\"owner_id\":null,\"state\":\"new\"}"`, `"after":"{\"owner_id\":` + itoa(e.users["agent"].ID) + `,\"state\":\"triaged\"}"`}},
			{name: "a client may not read the audit", request: request{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "clientAdminA"},
				status: 403},
			{name: "another client learns nothing", request: request{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "clientAdminB"},
				status: 404},
			{name: "the whole audit log is for admins", request: request{method: "GET", path: "/api/v1/audit", as: "agent"},
				status: 403},
			{name: "the replies are audited", request: request{method: "GET", path: "/api/v1/audit?entity=timeline_entry", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 3, "items.0.action": "create"}},
			{name: "an entity that is no name", request: request{method: "GET", path: "/api/v1/audit?entity=DROP%20TABLE", as: "admin"},
				status: 422, errors: [][2]string{{"entity", "entity"}}},
			{name: "an entity id that is no id", request: request{method: "GET", path: "/api/v1/audit?entity_id=x&limit=1000", as: "admin"},
				status: 422, errors: [][2]string{{"entity_id", "id"}, {"limit", "range"}}},
			{name: "an audit cursor that is no cursor", request: request{method: "GET", path: "/api/v1/audit?cursor=%3D%3D", as: "admin"},
				status: 422, errors: [][2]string{{"cursor", "cursor"}}},
		})

		t.Run("audit pages", func(t *testing.T) {
			var ids []int64
			path := "/api/v1/audit?entity=incident&entity_id=" + e.vars["inc"] + "&limit=4"
			for pages := 0; ; pages++ {
				r := e.do(t, request{method: "GET", path: path, as: "admin"})
				if r.status != 200 || pages > 10 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				for i := range r.items() {
					id := r.id(fmt.Sprintf("items.%d.id", i))
					if len(ids) > 0 && id >= ids[len(ids)-1] {
						t.Errorf("audit id %d after %d", id, ids[len(ids)-1])
					}
					ids = append(ids, id)
				}
				c := r.str("next_cursor")
				if c == "" {
					break
				}
				path = "/api/v1/audit?entity=incident&entity_id=" + e.vars["inc"] + "&limit=4&cursor=" + url.QueryEscape(c)
			}
			if len(ids) != 11 {
				t.Errorf("%d audit entries over the pages, want 11", len(ids))
			}
		})
	})
}

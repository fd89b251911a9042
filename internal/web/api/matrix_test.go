package api_test

import (
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestPriorityMatrixAndReclassification checks that the priority follows the matrix on
// creation, that a new matrix applies to new incidents and to reclassified ones, and that
// existing incidents keep theirs until then.
func TestPriorityMatrixAndReclassification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const flatter = `{"high":{"high":"P1","normal":"P2","low":"P3"},
			"normal":{"high":"P1","normal":"P2","low":"P3"},
			"low":{"high":"P3","normal":"P4","low":"P5"}}`
		e.run(t, []scenario{
			{name: "everyone reads the matrix", request: request{method: "GET", path: "/api/v1/priority-matrix", as: "clientUserA"},
				status: 200, fields: map[string]any{"high.high": "P1", "normal.high": "P2", "normal.normal": "P3", "low.low": "P5"}},
			{name: "low × normal", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Printer jam","urgency":"low","impact":"normal"}`},
				status: 201, save: map[string]string{"inc": "id", "version": "version"}, fields: map[string]any{"priority": "P4"}},
			{name: "normal × high", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Office offline","urgency":"normal","impact":"high"}`},
				status: 201, save: map[string]string{"inc2": "id"}, fields: map[string]any{"priority": "P2"}},

			{name: "an agent may not change the matrix", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "agent", body: flatter},
				status: 403},
			{name: "a cell that is no priority", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P9","normal":2,"low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/high/high", "one_of"}, {"/high/normal", "one_of"}}},
			{name: "a missing row", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P1","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"}}`},
				status: 422, errors: [][2]string{{"/low/high", "required"}}},
			{name: "a wrong cell and missing ones: every problem at once", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P9"},"normal":{"high":"P2","normal":"P3","low":"P4"}}`},
				status: 422, errors: [][2]string{{"/high/high", "one_of"}, {"/high/normal", "required"}, {"/high/low", "required"}, {"/low/high", "required"}, {"/low/low", "required"}}},
			{name: "a row that is no object", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":"P1","normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/high", "type"}}},
			{name: "an unknown urgency", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"extreme":{},"high":{"high":"P1","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/extreme", "one_of"}}},
			{name: "a matrix that ranks a smaller problem higher", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P3","normal":"P2","low":"P3"},"normal":{"high":"P3","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/high/normal", "monotonic"}}},
			{name: "the matrix is unchanged", request: request{method: "GET", path: "/api/v1/priority-matrix", as: "admin"},
				status: 200, fields: map[string]any{"high.high": "P1", "normal.high": "P2"}},
			{name: "admin sets a matrix", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin", body: flatter},
				status: 200, fields: map[string]any{"normal.high": "P1", "normal.normal": "P2", "low.normal": "P4"}},
			{name: "it is read back", request: request{method: "GET", path: "/api/v1/priority-matrix", as: "agent"},
				status: 200, fields: map[string]any{"normal.high": "P1", "normal.low": "P3"}},
			{name: "the change is audited", request: request{method: "GET", path: "/api/v1/audit?entity=setting", as: "admin"},
				status: 200, fields: map[string]any{"items.0.action": "priority_matrix", "items.0.actor_id": e.users["admin"].ID},
				contains: []string{`\"normal\":{\"high\":\"P1\"`}},

			{name: "existing incidents keep their priority", request: request{method: "GET", path: "/api/v1/incidents/{inc2}", as: "agent"},
				status: 200, fields: map[string]any{"priority": "P2"}},
			{name: "new incidents follow the new matrix", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Office offline again","urgency":"normal","impact":"high"}`},
				status: 201, fields: map[string]any{"priority": "P1"}},
			{name: "a client may not reclassify", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "clientUserA",
				body: `{"urgency":"high"}`},
				status: 403},
			{name: "another client cannot see it", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "clientAdminB",
				body: `{"urgency":"high"}`},
				status: 404},
			{name: "a stale version", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent",
				body: `{"urgency":"normal","version":99}`},
				status: 409},
			{name: "an unknown urgency", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent",
				body: `{"urgency":"extreme","title":""}`},
				status: 422, errors: [][2]string{{"/urgency", "one_of"}, {"/title", "required"}}},
			{name: "the desk raises the urgency", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent",
				body: `{"urgency":"normal","reason":"the whole floor prints there","version":{version}}`},
				status: 200, fields: map[string]any{"urgency": "normal", "impact": "normal", "priority": "P2", "version": 2}},
			{name: "the client sees why", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA"},
				status: 200, contains: []string{"Classification changed: urgency low → normal, priority P4 → P2. Reason: the whole floor prints there"}},
			{name: "the audit log has before and after", request: request{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "agent"},
				status: 200, fields: map[string]any{"items.0.action": "update", "items.0.actor_id": e.users["agent"].ID,
					"items.0.address": "127.0.0.1", "items.0.before": `{"priority":"P4","urgency":"low"}`,
					"items.0.after": `{"priority":"P2","urgency":"normal"}`}},
			{name: "the desk changes the title only", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent",
				body: `{"title":"Printer jammed"}`},
				status: 200, fields: map[string]any{"title": "Printer jammed", "priority": "P2"}},
		})
	})
}

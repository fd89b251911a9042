package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// addComponent creates a component used by the clients, through the app.
func (e *env) addComponent(t *testing.T, name string, clients ...int64) desk.Component {
	t.Helper()
	return must(e.app.Components.Create(context.Background(), sys, desk.Component{Name: name, ClientIDs: clients}))(t)
}

func TestIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.vars["compA"] = itoa(e.addComponent(t, "Mail", e.orgA.ID).ID)
		e.vars["compB"] = itoa(e.addComponent(t, "Shop", e.orgB.ID).ID)
		e.run(t, []scenario{
			// Creation: the priority follows from the matrix; text comes back HTML-escaped.
			{name: "a client reports an urgent incident", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Site down","description":"<script>alert(1)</script>","kind":"urgent","urgency":"high","impact":"high"}`},
				status: 201, save: map[string]string{"inc1": "id", "inc1num": "number"},
				contains: []string{`\u003cscript\u003ealert(1)\u003c/script\u003e`}, notContains: []string{"<script>"},
				fields: map[string]any{"priority": "P1", "state": "new", "channel": "portal", "kind": "urgent",
					"organisation_id": e.orgA.ID, "reporter_id": e.users["clientUserA"].ID, "owner_id": nil, "version": 1},
				check: func(t *testing.T, r *result) {
					if want := desk.FormatNumber(r.id("id")); r.str("number") != want {
						t.Errorf("number %q, want %q", r.str("number"), want)
					}
					if want := baseURL + "/api/v1/incidents/" + itoa(r.id("id")); r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
				}},
			{name: "a client reports through the API, naming a component", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Mail bounces","urgency":"normal","impact":"low","channel":"api","component_ids":[{compA}]}`},
				status: 201, save: map[string]string{"inc2": "id"},
				fields: map[string]any{"priority": "P4", "kind": "regular", "channel": "api", "component_ids.0": "{compA}"}},
			{name: "the desk registers a phone call", request: request{method: "POST", path: "/api/v1/incidents", as: "agent",
				body: `{"organisation_id":{orgB},"reporter_id":{clientUserB},"title":"Shop slow","urgency":"low","impact":"low","component_ids":[{compB}]}`},
				status: 201, save: map[string]string{"inc3": "id"},
				fields: map[string]any{"priority": "P5", "channel": "phone", "reporter_id": e.users["clientUserB"].ID}},
			{name: "a client admin reports", request: request{method: "POST", path: "/api/v1/incidents", as: "clientAdminA",
				body: `{"title":"Printer jam","urgency":"low","impact":"normal"}`},
				status: 201, save: map[string]string{"inc4": "id"}, fields: map[string]any{"priority": "P4"}},
			{name: "the desk registers an email", request: request{method: "POST", path: "/api/v1/incidents", as: "admin",
				body: `{"organisation_id":{orgA},"reporter_id":{clientUserA2},"channel":"email","title":"VPN flaky","urgency":"normal","impact":"normal"}`},
				status: 201, save: map[string]string{"inc5": "id", "inc5num": "number"}, fields: map[string]any{"priority": "P3", "channel": "email"}},
			{name: "the desk must name the client", request: request{method: "POST", path: "/api/v1/incidents", as: "agent",
				body: `{"title":"Whose?","urgency":"low","impact":"low"}`},
				status: 422, errors: [][2]string{{"/organisation_id", "required"}}},
			{name: "an expert may not register", request: request{method: "POST", path: "/api/v1/incidents", as: "expert",
				body: `{"organisation_id":{orgA},"title":"X","urgency":"low","impact":"low"}`},
				status: 403},
			{name: "a client reports for another client", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"organisation_id":{orgB},"title":"X","urgency":"low","impact":"low"}`},
				status: 422, errors: [][2]string{{"/organisation_id", "own"}}},
			{name: "a client pretends to phone", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"channel":"phone","title":"X","urgency":"low","impact":"low"}`},
				status: 422, errors: [][2]string{{"/channel", "one_of"}}},
			{name: "a reporter of another client", request: request{method: "POST", path: "/api/v1/incidents", as: "agent",
				body: `{"organisation_id":{orgA},"reporter_id":{clientUserB},"title":"X","urgency":"low","impact":"low"}`},
				status: 422, errors: [][2]string{{"/reporter_id", "exists"}}},
			{name: "a component the client does not use", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"X","urgency":"low","impact":"low","component_ids":[{compB}]}`},
				status: 422, errors: [][2]string{{"/component_ids/0", "exists"}}},

			// Reading: by id or number; what one may not see is not found.
			{name: "read by number", request: request{method: "GET", path: "/api/v1/incidents/{inc1num}", as: "clientUserA"},
				status: 200, fields: map[string]any{"title": "Site down", "number": "{inc1num}"}},
			{name: "read by lower-case number", request: request{method: "GET", path: "/api/v1/incidents/inc-{inc1}", as: "agent"},
				status: 200, fields: map[string]any{"title": "Site down"}},
			{name: "read by id", request: request{method: "GET", path: "/api/v1/incidents/{inc1}", as: "clientAdminA"},
				status: 200, fields: map[string]any{"title": "Site down"}},
			{name: "a colleague's report", request: request{method: "GET", path: "/api/v1/incidents/{inc1}", as: "clientUserA2"}, status: 404},
			{name: "another client's report", request: request{method: "GET", path: "/api/v1/incidents/{inc1}", as: "clientUserB"}, status: 404},
			{name: "an expert not assigned", request: request{method: "GET", path: "/api/v1/incidents/{inc1}", as: "expert"}, status: 404},
			{name: "a number that is no number", request: request{method: "GET", path: "/api/v1/incidents/INC-abc", as: "agent"}, status: 404},
			{name: "id zero", request: request{method: "GET", path: "/api/v1/incidents/0", as: "agent"}, status: 404},
			{name: "an id that does not exist", request: request{method: "GET", path: "/api/v1/incidents/INC-999999", as: "agent"}, status: 404},

			// Work that the list filters then find.
			{name: "triage", request: request{method: "POST", path: "/api/v1/incidents/{inc1}/transitions", as: "agent", body: `{"to":"triaged"}`},
				status: 200, fields: map[string]any{"state": "triaged", "owner_id": e.users["agent"].ID}},
			{name: "assign", request: request{method: "PUT", path: "/api/v1/incidents/{inc2}/assignment", as: "agent", body: `{"assignee_id":{expert}}`},
				status: 200, fields: map[string]any{"assignee_id": e.users["expert"].ID}},
			{name: "close one", request: request{method: "POST", path: "/api/v1/incidents/{inc3}/transitions", as: "agent",
				body: `{"to":"waiting","waiting_on":"client"}`}, status: 200, fields: map[string]any{"waiting_on": "client"}},

			// Listing, with every filter.
			{name: "list everything", request: request{method: "GET", path: "/api/v1/incidents", as: "agent"},
				status: 200, fields: map[string]any{"total": 5, "items.#": 5, "items.0.id": "{inc5}", "items.4.id": "{inc1}",
					"next_cursor": absent{}, "items.0.number": "{inc5num}"}},
			{name: "by organisation", request: request{method: "GET", path: "/api/v1/incidents?organisation_id={orgB}", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc3}"}},
			{name: "by reporter", request: request{method: "GET", path: "/api/v1/incidents?reporter_id={clientUserA}", as: "agent"},
				status: 200, fields: map[string]any{"total": 2}},
			{name: "by owner", request: request{method: "GET", path: "/api/v1/incidents?owner_id={agent}", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc1}"}},
			{name: "by assignee", request: request{method: "GET", path: "/api/v1/incidents?assignee_id={expert}", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc2}"}},
			{name: "by state", request: request{method: "GET", path: "/api/v1/incidents?state=triaged", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.state": "triaged"}},
			{name: "by states, comma-separated", request: request{method: "GET", path: "/api/v1/incidents?state=triaged,waiting", as: "agent"},
				status: 200, fields: map[string]any{"total": 2}},
			{name: "by states, repeated", request: request{method: "GET", path: "/api/v1/incidents?state=new&state=waiting", as: "agent"},
				status: 200, fields: map[string]any{"total": 4}},
			{name: "open", request: request{method: "GET", path: "/api/v1/incidents?open=true", as: "agent"},
				status: 200, fields: map[string]any{"total": 5}},
			{name: "closed", request: request{method: "GET", path: "/api/v1/incidents?open=false", as: "agent"},
				status: 200, fields: map[string]any{"total": 0, "items": []any{}}},
			{name: "by kind", request: request{method: "GET", path: "/api/v1/incidents?kind=urgent", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc1}"}},
			{name: "by channel", request: request{method: "GET", path: "/api/v1/incidents?channel=phone", as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc3}"}},
			{name: "by priority", request: request{method: "GET", path: "/api/v1/incidents?priority=P4", as: "agent"},
				status: 200, fields: map[string]any{"total": 2}},
			{name: "by words in the title", request: request{method: "GET", path: "/api/v1/incidents?q=" + url.QueryEscape("DOWN site"), as: "agent"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc1}"}},
			{name: "filters combine", request: request{method: "GET", path: "/api/v1/incidents?organisation_id={orgA}&priority=P4&kind=regular&open=true", as: "agent"},
				status: 200, fields: map[string]any{"total": 2}},
			{name: "a client user sees its own reports", request: request{method: "GET", path: "/api/v1/incidents", as: "clientUserA"},
				status: 200, fields: map[string]any{"total": 2}},
			{name: "a client admin sees the organisation's", request: request{method: "GET", path: "/api/v1/incidents", as: "clientAdminA"},
				status: 200, fields: map[string]any{"total": 4}, notContains: []string{"Shop slow"}},
			{name: "another client", request: request{method: "GET", path: "/api/v1/incidents", as: "clientUserB"},
				status: 200, fields: map[string]any{"total": 1, "items.0.title": "Shop slow"}},
			{name: "an expert sees what is assigned", request: request{method: "GET", path: "/api/v1/incidents", as: "expert"},
				status: 200, fields: map[string]any{"total": 1, "items.0.id": "{inc2}"}},
			{name: "a client admin asks for another client's", request: request{method: "GET", path: "/api/v1/incidents?organisation_id={orgB}", as: "clientAdminA"},
				status: 200, fields: map[string]any{"total": 0, "items": []any{}}},
			{name: "a client user asks for a colleague's", request: request{method: "GET", path: "/api/v1/incidents?reporter_id={clientUserA2}", as: "clientUserA"},
				status: 200, fields: map[string]any{"total": 0}},
			{name: "an expert asks for another's assignments", request: request{method: "GET", path: "/api/v1/incidents?assignee_id={agent}", as: "expert"},
				status: 200, fields: map[string]any{"total": 0}},

			// Invalid query parameters are named.
			{name: "unknown state", request: request{method: "GET", path: "/api/v1/incidents?state=nonsense", as: "agent"},
				status: 422, errors: [][2]string{{"state", "one_of"}}},
			{name: "limit not a number", request: request{method: "GET", path: "/api/v1/incidents?limit=abc", as: "agent"},
				status: 422, errors: [][2]string{{"limit", "range"}}},
			{name: "limit zero", request: request{method: "GET", path: "/api/v1/incidents?limit=0", as: "agent"},
				status: 422, errors: [][2]string{{"limit", "range"}}},
			{name: "limit too large", request: request{method: "GET", path: "/api/v1/incidents?limit=201", as: "agent"},
				status: 422, errors: [][2]string{{"limit", "range"}}},
			{name: "unknown priority", request: request{method: "GET", path: "/api/v1/incidents?priority=P9", as: "agent"},
				status: 422, errors: [][2]string{{"priority", "one_of"}}},
			{name: "open not a boolean", request: request{method: "GET", path: "/api/v1/incidents?open=maybe", as: "agent"},
				status: 422, errors: [][2]string{{"open", "boolean"}}},
			{name: "unknown kind and channel", request: request{method: "GET", path: "/api/v1/incidents?kind=minor&channel=fax", as: "agent"},
				status: 422, errors: [][2]string{{"kind", "one_of"}, {"channel", "one_of"}}},
			{name: "ids that are no ids", request: request{method: "GET", path: "/api/v1/incidents?organisation_id=acme&reporter_id=0&owner_id=1.5&assignee_id=-1", as: "agent"},
				status: 422, errors: [][2]string{{"organisation_id", "id"}, {"reporter_id", "id"}, {"owner_id", "id"}, {"assignee_id", "id"}}},
			{name: "a cursor that is not base64", request: request{method: "GET", path: "/api/v1/incidents?cursor=!!!", as: "agent"},
				status: 422, errors: [][2]string{{"cursor", "cursor"}}},
			{name: "a cursor that holds no id", request: request{method: "GET", path: "/api/v1/incidents?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("abc")), as: "agent"},
				status: 422, errors: [][2]string{{"cursor", "cursor"}}},
			{name: "a query too long", request: request{method: "GET", path: fmt.Sprintf("/api/v1/incidents?q=%0201d", 0), as: "agent"},
				status: 422, errors: [][2]string{{"q", "max_length"}}},
		})
	})
}

// TestIncidentPagination walks every page of a list and checks that each incident comes
// exactly once, newest first, and that the total counts every page.
func TestIncidentPagination(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var urgent []int64
		for i := range 12 {
			in := app.IncidentInput{OrgID: e.orgA.ID, Title: fmt.Sprintf("Incident %d", i), Urgency: desk.Low, Impact: desk.Low}
			if i%3 == 0 {
				in.Kind = desk.KindUrgent
			}
			inc := must(e.app.Incidents.Create(ctx, sys, in))(t)
			if in.Kind == desk.KindUrgent {
				urgent = append(urgent, inc.ID)
			}
		}
		for _, tc := range []struct {
			query string
			want  int
			sizes []int
		}{
			{"limit=5", 12, []int{5, 5, 2}},
			{"limit=4", 12, []int{4, 4, 4}},
			{"limit=3&kind=urgent", len(urgent), []int{3, 1}},
			{"", 12, []int{12}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				var seen []int64
				path := "/api/v1/incidents?" + tc.query
				for page := 0; ; page++ {
					r := e.do(t, request{method: "GET", path: path, as: "agent"})
					if r.status != 200 {
						t.Fatalf("page %d: %d %s", page, r.status, r.body)
					}
					if page >= len(tc.sizes) || len(r.items()) != tc.sizes[page] {
						t.Fatalf("page %d has %d items, want sizes %v", page, len(r.items()), tc.sizes)
					}
					if r.id("total") != int64(tc.want) {
						t.Errorf("page %d: total %d, want %d", page, r.id("total"), tc.want)
					}
					for i := range r.items() {
						id := r.id(fmt.Sprintf("items.%d.id", i))
						if len(seen) > 0 && id >= seen[len(seen)-1] {
							t.Errorf("id %d after %d: not newest first, or repeated", id, seen[len(seen)-1])
						}
						seen = append(seen, id)
					}
					cursor := r.str("next_cursor")
					if cursor == "" {
						break
					}
					path = "/api/v1/incidents?" + tc.query + "&cursor=" + url.QueryEscape(cursor)
				}
				if len(seen) != tc.want {
					t.Errorf("saw %d incidents, want %d", len(seen), tc.want)
				}
			})
		}
	})
}

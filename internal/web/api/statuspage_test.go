package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// The Statuspage v2 format, written from Atlassian's documents (not from our handler): a
// document decodes into it with unknown fields refused.
type spPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type spComponent struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type spSummary struct {
	Page                  spPage        `json:"page"`
	Components            []spComponent `json:"components"`
	Incidents             []any         `json:"incidents"`
	ScheduledMaintenances []any         `json:"scheduled_maintenances"`
	Status                spStatus      `json:"status"`
}

// spKeys is the golden list of the raw keys and their JSON types in Statuspage's documents
// ("null|string": either). A component that is no group has no "components" key.
var (
	spPageKeys      = map[string]string{"id": "string", "name": "string", "url": "string", "time_zone": "string", "updated_at": "string"}
	spComponentKeys = map[string]string{"id": "string", "name": "string", "status": "string", "created_at": "string",
		"updated_at": "string", "position": "number", "description": "null|string", "showcase": "bool",
		"start_date": "null|string", "group_id": "null|string", "page_id": "string", "group": "bool",
		"only_show_if_degraded": "bool"}
	spStatusKeys = map[string]string{"indicator": "string", "description": "string"}
)

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// checkKeys compares an object's keys and their types with the golden list.
func checkKeys(t *testing.T, what string, obj any, want map[string]string) {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Fatalf("%s: %T, want an object", what, obj)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(got)
	sort.Strings(keys)
	if !slices.Equal(got, keys) {
		t.Errorf("%s: keys %v, want %v", what, got, keys)
	}
	for k, types := range want {
		if v, ok := m[k]; ok && !slices.Contains(strings.Split(types, "|"), jsonType(v)) {
			t.Errorf("%s.%s: %s, want %s", what, k, jsonType(v), types)
		}
	}
}

func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestStatusPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "a public group", request: request{method: "POST", path: "/api/v1/component-groups", as: "admin", body: `{"name":"Platform","position":1}`},
				status: 201, save: map[string]string{"platform": "id"}},
			{name: "a group of clients-only components", request: request{method: "POST", path: "/api/v1/component-groups", as: "admin", body: `{"name":"Secret Group","position":2}`},
				status: 201, save: map[string]string{"secretGroup": "id"}},
			{name: "a new component is operational and clients-only", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"group_id":{platform},"name":"Mail","description":"Mail for all","position":2}`},
				status: 201, save: map[string]string{"mail": "id"}, fields: map[string]any{"status": "operational", "visibility": "clients"}},
			{name: "a public component with a status", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"group_id":{platform},"name":"Portal","position":1,"visibility":"public","status":"degraded_performance"}`},
				status: 201, save: map[string]string{"portal": "id"}, fields: map[string]any{"status": "degraded_performance", "visibility": "public"}},
			{name: "a public ungrouped component", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Website","visibility":"public"}`},
				status: 201, save: map[string]string{"web": "id"}},
			{name: "a clients-only component of client A", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"group_id":{secretGroup},"name":"Acme Dedicated Server","client_ids":[{orgA}],"status":"major_outage"}`},
				status: 201, save: map[string]string{"dedicated": "id"}},
			{name: "an unknown status on create", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"X","status":"down"}`}, status: 422, errors: [][2]string{{"/status", "one_of"}}},

			{name: "make Mail public", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"visibility":"public"}`},
				status: 200, fields: map[string]any{"visibility": "public", "status": "operational"}},
			{name: "Mail has a partial outage", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"status":"partial_outage"}`},
				status: 200, fields: map[string]any{"status": "partial_outage", "name": "Mail"}},
			{name: "the same status again", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"status":"partial_outage","position":3}`},
				status: 200, fields: map[string]any{"status": "partial_outage", "position": 3}},
			{name: "an unknown status", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"status":"Operational"}`},
				status: 422, errors: [][2]string{{"/status", "one_of"}}},
			{name: "an empty status", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"status":""}`},
				status: 422, errors: [][2]string{{"/status", "required"}}},
			{name: "an unknown visibility", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"visibility":"world"}`},
				status: 422, errors: [][2]string{{"/visibility", "one_of"}}},
			{name: "a status of the wrong type", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "admin", body: `{"status":3}`},
				status: 422, errors: [][2]string{{"/status", "type"}}},
			{name: "an agent may not PATCH a component (it has PUT …/status)", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "agent", body: `{"status":"operational"}`},
				status: 403},
			{name: "a client admin may not change a component it uses", request: request{method: "PATCH", path: "/api/v1/components/{dedicated}", as: "clientAdminA", body: `{"status":"operational"}`},
				status: 403},
			{name: "nor see one it does not use", request: request{method: "PATCH", path: "/api/v1/components/{mail}", as: "clientAdminA", body: `{"status":"operational"}`},
				status: 404},
		})

		mail, _ := strconv.ParseInt(e.vars["mail"], 10, 64)
		t.Run("every status change is in the history, once", func(t *testing.T) {
			hs, err := e.app.Components.StatusHistory(context.Background(), sys, mail)
			if err != nil {
				t.Fatal(err)
			}
			var got []desk.ComponentStatus
			for _, h := range hs {
				got = append(got, h.Status)
				if h.ComponentID != mail || h.At.IsZero() {
					t.Errorf("history row %+v", h)
				}
			}
			want := []desk.ComponentStatus{desk.StatusOperational, desk.StatusPartialOutage}
			if !slices.Equal(got, want) {
				t.Errorf("history %v, want %v", got, want)
			}
			if len(hs) == 2 && hs[1].At.Before(hs[0].At) {
				t.Errorf("history out of order: %+v", hs)
			}
		})

		get := func(t *testing.T, path string) []byte {
			t.Helper()
			r := e.do(t, request{method: "GET", path: path})
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", path, r.status, r.body)
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", path, got)
			}
			for _, secret := range []string{"Acme Dedicated Server", "Secret Group", "Acme Client", "client_ids", "visibility"} {
				if bytes.Contains(r.body, []byte(secret)) {
					t.Errorf("GET %s shows %q: %s", path, secret, r.body)
				}
			}
			return r.body
		}

		t.Run("summary.json", func(t *testing.T) {
			b := get(t, "/api/v2/summary.json")
			var s spSummary
			strictDecode(t, b, &s)
			if s.Page.ID == "" || s.Page.TimeZone != "Europe/Amsterdam" || !strings.HasSuffix(s.Page.URL, "/status") {
				t.Errorf("page %+v", s.Page)
			}
			if s.Status != (spStatus{"major", "Partial System Outage"}) {
				t.Errorf("status %+v, want major (the worst public status is partial_outage)", s.Status)
			}
			if s.Incidents == nil || len(s.Incidents) != 0 || s.ScheduledMaintenances == nil || len(s.ScheduledMaintenances) != 0 {
				t.Errorf("incidents %v, maintenances %v: want two empty lists", s.Incidents, s.ScheduledMaintenances)
			}
			byName := map[string]spComponent{}
			for _, c := range s.Components {
				byName[c.Name] = c
				if c.PageID != s.Page.ID {
					t.Errorf("%s: page_id %q, want %q", c.Name, c.PageID, s.Page.ID)
				}
			}
			if len(s.Components) != 4 {
				t.Fatalf("components %+v, want Platform, Portal, Mail, Website", s.Components)
			}
			g, portal, m, web := byName["Platform"], byName["Portal"], byName["Mail"], byName["Website"]
			if !g.Group || g.GroupID != nil || g.Status != "partial_outage" || !slices.Equal(g.Components, []string{portal.ID, m.ID}) {
				t.Errorf("group %+v: want a group holding Portal and Mail, at the worst of their statuses", g)
			}
			if portal.Group || portal.GroupID == nil || *portal.GroupID != g.ID || portal.Status != "degraded_performance" || portal.Description != nil {
				t.Errorf("Portal %+v", portal)
			}
			if m.Status != "partial_outage" || m.Description == nil || *m.Description != "Mail for all" || m.Position != 3 {
				t.Errorf("Mail %+v", m)
			}
			if web.GroupID != nil || web.Status != "operational" {
				t.Errorf("Website %+v", web)
			}
			ids := map[string]bool{}
			for _, c := range s.Components {
				if ids[c.ID] {
					t.Errorf("id %q twice", c.ID)
				}
				ids[c.ID] = true
			}
			var raw map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			checkKeys(t, "summary", raw, map[string]string{"page": "object", "components": "array", "incidents": "array", "scheduled_maintenances": "array", "status": "object"})
			checkKeys(t, "page", raw["page"], spPageKeys)
			checkKeys(t, "status", raw["status"], spStatusKeys)
			for i, c := range raw["components"].([]any) {
				want := spComponentKeys
				if c.(map[string]any)["group"] == true {
					want = maps(spComponentKeys, "components", "array")
				}
				checkKeys(t, "components["+strconv.Itoa(i)+"]", c, want)
			}
		})

		t.Run("components.json", func(t *testing.T) {
			b := get(t, "/api/v2/components.json")
			var d struct {
				Page       spPage        `json:"page"`
				Components []spComponent `json:"components"`
			}
			strictDecode(t, b, &d)
			if len(d.Components) != 4 || d.Page.ID == "" {
				t.Errorf("components.json: %s", b)
			}
			var raw map[string]any
			_ = json.Unmarshal(b, &raw)
			checkKeys(t, "components.json", raw, map[string]string{"page": "object", "components": "array"})
		})

		t.Run("status.json", func(t *testing.T) {
			b := get(t, "/api/v2/status.json")
			var d struct {
				Page   spPage   `json:"page"`
				Status spStatus `json:"status"`
			}
			strictDecode(t, b, &d)
			if d.Status.Indicator != "major" {
				t.Errorf("status.json: %s", b)
			}
			var raw map[string]any
			_ = json.Unmarshal(b, &raw)
			checkKeys(t, "status.json", raw, map[string]string{"page": "object", "status": "object"})
			checkKeys(t, "status.json status", raw["status"], spStatusKeys)
		})

		t.Run("a clients-only component's outage does not reach the indicator", func(t *testing.T) {
			// The dedicated server has a major outage; the page says major (Mail's partial
			// outage), not critical.
			b := get(t, "/api/v2/status.json")
			if !bytes.Contains(b, []byte(`"indicator":"major"`)) {
				t.Errorf("status.json: %s", b)
			}
		})
	})
}

// maps returns a copy of m with k set to v.
func maps(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

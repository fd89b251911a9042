package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/checkstub"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// monitorCalls are TestOpenAPIConformance's calls of the monitors' routes: one that
// succeeds and one that fails for each. The env runs without checks, so settings are not
// shown (null) and any JSON object passes.
func monitorCalls(t *testing.T, e *env) []request {
	t.Helper()
	ctx := context.Background()
	comp := e.addComponent(t, "Monitored", e.orgA.ID)
	e.vars["moncomp"] = itoa(comp.ID)
	for _, name := range []string{"mon", "mondoomed"} {
		v, _, err := e.app.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: comp.ID, Name: name, Kind: "tcp",
			Settings: json.RawMessage(`{"host":"127.0.0.1","port":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		e.vars[name] = itoa(v.ID)
	}
	return []request{
		{method: "GET", path: "/api/v1/monitors?component_id={moncomp}", as: "agent"},
		{method: "GET", path: "/api/v1/monitors", as: "clientUserA"},
		{method: "POST", path: "/api/v1/monitors", as: "admin", body: `{"component_id":{moncomp},"name":"Web","kind":"http","settings":{"url":"http://127.0.0.1:1/"}}`},
		{method: "POST", path: "/api/v1/monitors", as: "admin", body: `{"component_id":{moncomp},"name":"Web","kind":"gopher"}`},
		{method: "GET", path: "/api/v1/monitors/{mon}", as: "expert"},
		{method: "GET", path: "/api/v1/monitors/{mon}", as: "clientAdminA"},
		{method: "PUT", path: "/api/v1/monitors/{mon}", as: "admin", body: `{"component_id":{moncomp},"name":"TCP","kind":"tcp","settings":{"host":"127.0.0.1","port":2},"interval_seconds":30}`},
		{method: "PUT", path: "/api/v1/monitors/{mon}", as: "agent", body: `{"component_id":{moncomp},"name":"TCP","kind":"tcp"}`},
		{method: "GET", path: "/api/v1/monitors/{mon}/results?limit=10", as: "agent"},
		{method: "GET", path: "/api/v1/monitors/{mon}/results?cursor=x", as: "agent"},
		{method: "GET", path: "/api/v1/monitors/{mon}/uptime", as: "agent"},
		{method: "GET", path: "/api/v1/monitors/{mon}/uptime", as: "clientUserA"},
		{method: "GET", path: "/api/v1/monitors/{mon}/history?level=daily", as: "agent"},
		{method: "GET", path: "/api/v1/monitors/{mon}/history?level=weekly", as: "agent"},
		{method: "GET", path: "/api/v1/components/{moncomp}/monitoring", as: "agent"},
		{method: "GET", path: "/api/v1/components/{moncomp}/monitoring", as: "clientAdminA"},
		{method: "PUT", path: "/api/v1/components/{moncomp}/monitoring", as: "admin", body: `{"monitor_mode":"auto","monitor_autoresolve":true}`},
		{method: "PUT", path: "/api/v1/components/{moncomp}/monitoring", as: "admin", body: `{"monitor_mode":"yolo"}`},
		{method: "GET", path: "/api/v1/components/{moncomp}/uptime", as: "agent"},
		{method: "GET", path: "/api/v1/components/{moncomp}/uptime", as: "clientUserA"},
		{method: "DELETE", path: "/api/v1/monitors/{mondoomed}", as: "admin"},
		{method: "DELETE", path: "/api/v1/monitors/{mondoomed}", as: "admin"},
	}
}

// storedSettings reads a monitor's settings as stored, secrets and all.
func storedSettings(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	var s string
	err := db.Read(context.Background(), func(tx app.Tx) error {
		m, err := tx.Monitor(context.Background(), id)
		s = string(m.Settings)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMonitorsAPI: staff read monitors, admins define them, clients never see them;
// secrets never come back, and sent back redacted they stay; bad settings are named by
// their place in the body; results come a page at a time, newest first.
func TestMonitorsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvConfig(t, db, app.Config{Monitors: app.MonitorConfig{Checks: checkstub.Checks{}}})
		comp := e.addComponent(t, "Webshop", e.orgA.ID)
		e.vars["c"] = itoa(comp.ID)
		const secret = "Bearer s3cr3t-t0ken"
		create := `{"component_id":{c},"name":"Shop","kind":"http","interval_seconds":30,"timeout_seconds":5,` +
			`"settings":{"url":"https://shop:pa55word@127.0.0.1:8443/health","headers":{"Authorization":"` + secret + `","Accept":"text/html"},"expect_status":[200]}}`
		e.run(t, []scenario{
			{name: "an agent may not define one", request: request{method: "POST", path: "/api/v1/monitors", as: "agent", body: create}, status: 403},
			{name: "nor may a client", request: request{method: "POST", path: "/api/v1/monitors", as: "clientAdminA", body: create}, status: 403},
			{name: "an admin may", request: request{method: "POST", path: "/api/v1/monitors", as: "admin", body: create}, status: 201,
				fields: map[string]any{"name": "Shop", "interval_seconds": 30.0, "timeout_seconds": 5.0, "fail_after": 2.0, "recover_after": 1.0,
					"enabled": true, "state.status": "up", "state.last_at": nil, "settings.method": "GET",
					"settings.headers.Authorization": "********", "settings.headers.Accept": "text/html", "heartbeat_url": absent{}},
				notContains: []string{"s3cr3t", "pa55word"}, save: map[string]string{"m": "id"}},
			{name: "an agent reads it, without secrets", request: request{method: "GET", path: "/api/v1/monitors/{m}", as: "agent"}, status: 200,
				fields: map[string]any{"settings.url": "https://shop:********@127.0.0.1:8443/health"}, notContains: []string{"s3cr3t", "pa55word"}},
			{name: "and lists it", request: request{method: "GET", path: "/api/v1/monitors?component_id={c}", as: "expert"}, status: 200,
				fields: map[string]any{"items.#": 1.0, "items.0.id": "{m}"}, notContains: []string{"s3cr3t", "pa55word"}},
			{name: "a client does not see it", request: request{method: "GET", path: "/api/v1/monitors/{m}", as: "clientAdminA"}, status: 404},
			{name: "nor the list", request: request{method: "GET", path: "/api/v1/monitors", as: "clientUserA"}, status: 403},
		})
		id := e.vars["m"]
		if s := storedSettings(t, db, mustID(t, id)); !strings.Contains(s, secret) || !strings.Contains(s, "pa55word") {
			t.Fatalf("stored settings lost the secrets: %s", s)
		}

		// Sent back as read, the secrets stay; a changed secret is stored.
		got := e.do(t, request{method: "GET", path: "/api/v1/monitors/{m}", as: "admin"})
		var back map[string]any
		if err := json.Unmarshal(got.body, &back); err != nil {
			t.Fatal(err)
		}
		put := map[string]any{"component_id": back["component_id"], "name": "Shop front", "kind": "http", "settings": back["settings"],
			"interval_seconds": 60, "timeout_seconds": 5}
		e.run(t, []scenario{
			{name: "a round trip keeps the secrets", request: request{method: "PUT", path: "/api/v1/monitors/{m}", as: "admin", body: put}, status: 200,
				fields: map[string]any{"name": "Shop front", "interval_seconds": 60.0, "settings.headers.Authorization": "********"}},
		})
		if s := storedSettings(t, db, mustID(t, id)); !strings.Contains(s, secret) || !strings.Contains(s, "pa55word") || strings.Contains(s, "********") {
			t.Fatalf("after a round trip the stored settings are %s", s)
		}
		put["settings"].(map[string]any)["headers"].(map[string]any)["Authorization"] = "Bearer new-one"
		e.run(t, []scenario{
			{name: "a new secret replaces the old", request: request{method: "PUT", path: "/api/v1/monitors/{m}", as: "admin", body: put}, status: 200},
			{name: "an agent may not change it", request: request{method: "PUT", path: "/api/v1/monitors/{m}", as: "agent", body: put}, status: 403},
		})
		if s := storedSettings(t, db, mustID(t, id)); !strings.Contains(s, "Bearer new-one") || strings.Contains(s, secret) {
			t.Fatalf("after a new secret the stored settings are %s", s)
		}
		e.run(t, []scenario{
			{name: "settings left out are kept", request: request{method: "PUT", path: "/api/v1/monitors/{m}", as: "admin",
				body: `{"component_id":{c},"name":"Shop","interval_seconds":45}`}, status: 200,
				fields: map[string]any{"name": "Shop", "interval_seconds": 45.0, "kind": "http", "settings.headers.Authorization": "********",
					"settings.expect_status.0": 200.0}},
		})
		if s := storedSettings(t, db, mustID(t, id)); !strings.Contains(s, "Bearer new-one") || strings.Contains(s, "****") {
			t.Fatalf("after a PUT without settings the stored settings are %s", s)
		}

		// Bad input names the field where the client sent it, and the rule.
		post := func(body string) request {
			return request{method: "POST", path: "/api/v1/monitors", as: "admin", body: body}
		}
		e.run(t, []scenario{
			{name: "a status code out of range", request: post(`{"component_id":{c},"name":"X","kind":"http","settings":{"url":"http://127.0.0.1/","expect_status":[200,99]}}`),
				status: 422, errors: [][2]string{{"/settings/expect_status/1", "range"}}},
			{name: "an unknown setting", request: post(`{"component_id":{c},"name":"X","kind":"tcp","settings":{"host":"h","port":1,"hots":"x"}}`),
				status: 422, errors: [][2]string{{"/settings/hots", "unknown_field"}}},
			{name: "a redaction mark on a new monitor", request: post(`{"component_id":{c},"name":"X","kind":"http","settings":{"url":"http://127.0.0.1/","headers":{"X-Api-Key":"********"}}}`),
				status: 422, errors: [][2]string{{"/settings/headers/X-Api-Key", "redacted"}}},
			{name: "every shared field at once", request: post(`{"component_id":999999,"name":"","kind":"tcp","settings":{"host":"h","port":1},"interval_seconds":5,"fail_after":101}`),
				status: 422, errors: [][2]string{{"/name", "required"}, {"/interval_seconds", "min"}, {"/fail_after", "range"}}},
			{name: "a component that does not exist", request: post(`{"component_id":999999,"name":"X","kind":"tcp","settings":{"host":"h","port":1}}`),
				status: 422, errors: [][2]string{{"/component_id", "exists"}}},
			{name: "an unknown kind", request: post(`{"component_id":{c},"name":"X","kind":"gopher"}`),
				status: 422, errors: [][2]string{{"/kind", "one_of"}}},
			{name: "settings that are no object", request: post(`{"component_id":{c},"name":"X","kind":"tcp","settings":[1]}`),
				status: 422},
			{name: "a timeout as long as the interval", request: post(`{"component_id":{c},"name":"X","kind":"tcp","settings":{"host":"h","port":1},"interval_seconds":20,"timeout_seconds":20}`),
				status: 422, errors: [][2]string{{"/timeout_seconds", "below_interval"}}},
			{name: "a bad mark on update", request: request{method: "PUT", path: "/api/v1/monitors/{m}", as: "admin",
				body: `{"component_id":{c},"name":"X","settings":{"url":"http://127.0.0.1/","headers":{"Cookie":"********"}}}`},
				status: 422, errors: [][2]string{{"/settings/headers/Cookie", "redacted"}}},
		})

		// A heartbeat's URL is shown once.
		e.run(t, []scenario{
			{name: "a heartbeat monitor", request: post(`{"component_id":{c},"name":"Backup","kind":"heartbeat","interval_seconds":3600}`), status: 201,
				fields: map[string]any{"fail_after": 1.0}, contains: []string{`"heartbeat_url":"` + baseURL + `/heartbeat/`}, save: map[string]string{"hb": "id"}},
			{name: "never again", request: request{method: "GET", path: "/api/v1/monitors/{hb}", as: "admin"}, status: 200,
				fields: map[string]any{"heartbeat_url": absent{}}},
		})

		// Results, a page at a time, newest first.
		base := time.Now().Add(-time.Hour).Truncate(time.Second)
		var rs []desk.MonitorResult
		for i := range 5 {
			st := desk.MonitorUp
			errText := ""
			if i == 3 {
				st, errText = desk.MonitorDown, "connection refused"
			}
			rs = append(rs, desk.MonitorResult{MonitorID: mustID(t, id), At: base.Add(time.Duration(i) * time.Minute), Status: st,
				Duration: time.Duration(10+i) * time.Millisecond, Error: errText})
		}
		if err := db.Write(context.Background(), func(tx app.Tx) error { return tx.AddMonitorResults(context.Background(), rs) }); err != nil {
			t.Fatal(err)
		}
		var seen []string
		path := "/api/v1/monitors/{m}/results?limit=2"
		for range 4 {
			r := e.do(t, request{method: "GET", path: path, as: "agent"})
			if r.status != 200 {
				t.Fatalf("results: %d %s", r.status, r.body)
			}
			for _, it := range r.items() {
				m := it.(map[string]any)
				seen = append(seen, m["at"].(string)+"/"+m["status"].(string)+"/"+m["error"].(string))
			}
			next := r.str("next_cursor")
			if next == "" {
				break
			}
			path = "/api/v1/monitors/{m}/results?limit=2&cursor=" + next
		}
		var want []string
		for i := 4; i >= 0; i-- {
			want = append(want, rs[i].At.UTC().Format(time.RFC3339)+"/"+string(rs[i].Status)+"/"+rs[i].Error)
		}
		if strings.Join(seen, " ") != strings.Join(want, " ") {
			t.Errorf("pages gave\n  %v\nwant\n  %v", seen, want)
		}

		e.run(t, []scenario{
			{name: "uptime over five windows", request: request{method: "GET", path: "/api/v1/monitors/{m}/uptime", as: "agent"}, status: 200,
				fields: map[string]any{"items.#": 5.0, "items.0.window": "24h", "items.0.known": true, "items.0.checks": 5.0, "items.0.uptime": 0.8, "items.4.window": "1y"}},
			{name: "the component's uptime", request: request{method: "GET", path: "/api/v1/components/{c}/uptime", as: "agent"}, status: 200,
				fields: map[string]any{"items.0.checks": 5.0, "items.0.uptime": 0.8}},
			{name: "no hours rolled up yet", request: request{method: "GET", path: "/api/v1/monitors/{m}/history", as: "agent"}, status: 200,
				fields: map[string]any{"items.#": 0.0}},
			{name: "a history that ends before it starts", request: request{method: "GET", path: "/api/v1/monitors/{m}/history?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", as: "agent"},
				status: 422, errors: [][2]string{{"to", "after"}}},
			{name: "a history too long for hours", request: request{method: "GET", path: "/api/v1/monitors/{m}/history?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", as: "agent"},
				status: 422, errors: [][2]string{{"from", "range"}}},
			{name: "a date that is no date", request: request{method: "GET", path: "/api/v1/monitors/{m}/history?from=yesterday", as: "agent"},
				status: 422, errors: [][2]string{{"from", "date_time"}}},
			{name: "a page too large", request: request{method: "GET", path: "/api/v1/monitors/{m}/results?limit=201", as: "agent"},
				status: 422, errors: [][2]string{{"limit", "range"}}},
		})

		// A component's monitoring settings.
		e.run(t, []scenario{
			{name: "propose by default", request: request{method: "GET", path: "/api/v1/components/{c}/monitoring", as: "agent"}, status: 200,
				fields: map[string]any{"monitor_mode": "propose", "monitor_autoresolve": false, "observed_status": ""}},
			{name: "an agent may not change them", request: request{method: "PUT", path: "/api/v1/components/{c}/monitoring", as: "agent",
				body: `{"monitor_mode":"auto"}`}, status: 403},
			{name: "an admin may", request: request{method: "PUT", path: "/api/v1/components/{c}/monitoring", as: "admin",
				body: `{"monitor_mode":"auto","monitor_autoresolve":true}`}, status: 200,
				fields: map[string]any{"monitor_mode": "auto", "monitor_autoresolve": true}},
			{name: "a mode that does not exist", request: request{method: "PUT", path: "/api/v1/components/{c}/monitoring", as: "admin",
				body: `{"monitor_mode":"maybe"}`}, status: 422, errors: [][2]string{{"/monitor_mode", "one_of"}}},
			{name: "a client does not see them", request: request{method: "GET", path: "/api/v1/components/{c}/monitoring", as: "clientAdminA"}, status: 403},
		})

		// Deleting.
		e.run(t, []scenario{
			{name: "an agent may not delete", request: request{method: "DELETE", path: "/api/v1/monitors/{m}", as: "agent"}, status: 403},
			{name: "an admin may", request: request{method: "DELETE", path: "/api/v1/monitors/{m}", as: "admin"}, status: 204},
			{name: "then it is gone", request: request{method: "GET", path: "/api/v1/monitors/{m}", as: "agent"}, status: 404},
			{name: "with its results", request: request{method: "GET", path: "/api/v1/monitors/{m}/results", as: "agent"}, status: 404},
		})

		// The audit log holds no secret either.
		a := e.do(t, request{method: "GET", path: "/api/v1/audit?limit=200", as: "admin"})
		for _, s := range []string{"s3cr3t", "pa55word", "new-one"} {
			if strings.Contains(string(a.body), s) {
				t.Errorf("the audit log holds %q", s)
			}
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if err := json.Unmarshal([]byte(s), &id); err != nil || id <= 0 {
		t.Fatalf("id %q", s)
	}
	return id
}

package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/ops"
)

// TestHeartbeatOverHTTP: a backup script calls its heartbeat URL; when the calls stop for
// longer than the interval and grace, the scheduler finds the monitor down and an incident
// opens; the next call brings it back. The script may report its own failure.
func TestHeartbeatOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		mux := web.NewMux()
		ops.RegisterHeartbeat(mux, a.Monitors, nil)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		m, token, err := a.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: w.comp.ID, Name: "Nightly backup", Kind: "heartbeat",
			IntervalSeconds: 3600, TimeoutSeconds: 600})
		if err != nil || token == "" || m.FailAfter != 1 {
			t.Fatalf("create: %+v %q %v", m, token, err)
		}
		call := func(method, query, form string) (int, string) {
			t.Helper()
			var body io.Reader
			if form != "" {
				body = strings.NewReader(form)
			}
			req, err := http.NewRequest(method, srv.URL+"/heartbeat/"+token+query, body)
			if err != nil {
				t.Fatal(err)
			}
			if form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, body := call("GET", "?msg="+url.QueryEscape("backup of 3 GB"), ""); code != 200 || !strings.Contains(body, "recorded") {
			t.Fatalf("GET beat: %d %s", code, body)
		}
		state := func() desk.MonitorState {
			v, err := a.Monitors.Get(ctx, sys, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v.State
		}
		if st := state(); st.Status != desk.MonitorUp || !st.LastBeatAt.Equal(w.clock.now()) || st.LastEvidence["message"] != "backup of 3 GB" {
			t.Fatalf("after a beat: %+v", st)
		}
		// Due within the hour, but a beat came in time: nothing to record.
		if got := w.round(t, m.ID); sum(got) != 0 {
			t.Errorf("a heartbeat in time was recorded as a check: %v", got)
		}
		// No beat for interval + grace: the next due check finds it down.
		for w.clock.now().Sub(state().LastBeatAt) <= time.Hour+10*time.Minute {
			w.round(t, m.ID)
		}
		if st := state(); st.Status != desk.MonitorDown || !strings.Contains(st.LastError, "no beat since") {
			t.Fatalf("after the beats stopped: %+v", st)
		}
		if n := len(w.monitorIncidents(t)); n != 1 {
			t.Fatalf("%d incidents, want 1", n)
		}
		w.clock.set(w.clock.now().Add(time.Minute))
		if code, body := call("POST", "", "status=up"); code != 200 {
			t.Fatalf("POST beat: %d %s", code, body)
		}
		if st := state(); st.Status != desk.MonitorUp {
			t.Errorf("the beat did not bring it back: %+v", st)
		}
		if code, _ := call("POST", "", "status=down&msg="+url.QueryEscape("disk full")); code != 200 {
			t.Fatalf("a down beat: %d", code)
		}
		if st := state(); st.Status != desk.MonitorDown || !strings.Contains(st.LastError, "disk full") {
			t.Errorf("a reported failure: %+v", st)
		}
		code, body := call("GET", "?status=sideways", "")
		var p struct {
			Errors []struct{ Field, Rule string }
		}
		if err := json.Unmarshal([]byte(body), &p); code != 422 || err != nil || len(p.Errors) != 1 || p.Errors[0].Field != "status" {
			t.Errorf("a bad status: %d %s", code, body)
		}
		if code, _ := call("POST", "", strings.Repeat("msg=x&", 2000)); code != 413 {
			t.Errorf("a huge body: %d, want 413", code)
		}
		token = "not-" + token
		if code, _ := call("GET", "", ""); code != 404 {
			t.Errorf("an unknown token: %d, want 404", code)
		}
	})
}

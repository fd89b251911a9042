package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusHost sends real requests carrying each Host header to a server started with a
// status host: on it, / is the status page and only the public status routes answer; the
// desk's host is served as before; and without a status host nothing changes.
func TestStatusHost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, sys := context.Background(), desk.SystemActor("test")
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := app.New(db, time.Now, log, app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.example.nl", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
		org, err := a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Components.Create(ctx, sys, desk.Component{Name: "Public hosting", Visibility: desk.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Components.Create(ctx, sys, desk.Component{Name: "Acme secret router", ClientIDs: []int64{org.ID}}); err != nil {
			t.Fatal(err)
		}
		start := func(statusHost string) *httptest.Server {
			srv := httptest.NewServer(Handler(Config{BaseURL: "http://desk.example.nl", Texts: loadTexts(t), StatusHost: statusHost}, a, log, prometheus.NewRegistry()))
			t.Cleanup(srv.Close)
			return srv
		}
		with := start("status.example.nl")
		without := start("")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		type answer struct {
			status          int
			ctype, location string
			body            string
		}
		get := func(srv *httptest.Server, method, host, path string) answer {
			t.Helper()
			req, err := http.NewRequest(method, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = host
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return answer{res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Location"), string(b)}
		}

		// The status host, whatever the case of its name and with any port.
		for _, host := range []string{"status.example.nl", "STATUS.Example.NL:8443", "status.example.nl."} {
			r := get(with, "GET", host, "/")
			if r.status != 200 || !strings.Contains(r.body, `id="status-banner"`) || !strings.Contains(r.body, "Public hosting") {
				t.Errorf("GET / on %s: %d, status page %v", host, r.status, strings.Contains(r.body, "status-banner"))
			}
			if strings.Contains(r.body, "secret") {
				t.Errorf("GET / on %s shows a clients-only component", host)
			}
		}
		for _, c := range []struct {
			method, path string
			want         int
		}{
			{"GET", "/status", 200},
			{"HEAD", "/", 200},
			{"GET", "/status?lang=en", 200},
			{"GET", "/api/v2/summary.json", 200},
			{"GET", "/api/v2/components.json", 200},
			{"GET", "/status/history.atom", 200},
			{"GET", "/status/history.rss?lang=en", 200},
			{"GET", "/status/maintenance.ics", 200},
			{"GET", "/login", 404},
			{"POST", "/login", 404},
			{"GET", "/incidents", 404},
			{"GET", "/service-status", 404},
			{"GET", "/setup", 404},
			{"GET", "/metrics", 404},
			{"GET", "/healthz", 404},
			{"GET", "/api/v1/me", 404},
			{"GET", "/api/v1/openapi.json", 404},
			{"GET", "/api/v1/status", 404},
			{"GET", "/statusx", 404},
			{"GET", "/static/../login", 404},
		} {
			r := get(with, c.method, "status.example.nl", c.path)
			if r.status != c.want {
				t.Errorf("%s %s on the status host: %d, want %d (%s)", c.method, c.path, r.status, c.want, r.location)
			}
			if c.want == 404 && strings.HasPrefix(c.path, "/api/") && !strings.HasPrefix(r.ctype, "application/problem+json") {
				t.Errorf("%s %s on the status host: %s, want a problem document", c.method, c.path, r.ctype)
			}
		}
		// Every link and asset of the page answers on both hosts.
		page := get(with, "GET", "status.example.nl", "/").body
		refs := regexp.MustCompile(`(?:href|src)="(/[^"]*)"`).FindAllStringSubmatch(page, -1)
		if len(refs) < 3 {
			t.Fatalf("the page has %d links", len(refs))
		}
		for _, m := range refs {
			path := strings.ReplaceAll(m[1], "&amp;", "&")
			if r := get(with, "GET", "status.example.nl", path); r.status != 200 {
				t.Errorf("the status page's link %s on the status host: %d", path, r.status)
			}
			if r := get(with, "GET", "desk.example.nl", path); r.status != 200 && r.status != 303 {
				t.Errorf("the status page's link %s on the desk's host: %d", path, r.status)
			}
		}

		// The desk's host is served as before, also by a server with a status host.
		for _, srv := range []*httptest.Server{with, without} {
			if r := get(srv, "GET", "desk.example.nl", "/"); r.status != 303 {
				t.Errorf("GET / on the desk: %d to %q", r.status, r.location)
			}
			if r := get(srv, "GET", "desk.example.nl", "/login"); r.status != 303 || r.location != "/setup" {
				t.Errorf("GET /login on the desk before setup: %d to %q", r.status, r.location)
			}
			for _, path := range []string{"/setup", "/status", "/api/v2/status.json", "/api/v1/openapi.json"} {
				if r := get(srv, "GET", "desk.example.nl", path); r.status != 200 {
					t.Errorf("GET %s on the desk: %d", path, r.status)
				}
			}
		}
		// Without a status host, the name means nothing special.
		if r := get(without, "GET", "status.example.nl", "/setup"); r.status != 200 {
			t.Errorf("GET /setup without a status host: %d", r.status)
		}
		if r := get(without, "GET", "status.example.nl", "/"); r.status != 303 {
			t.Errorf("GET / without a status host: %d", r.status)
		}
	})
}

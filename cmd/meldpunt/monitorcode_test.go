package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/checkstub"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
)

// runMonitors runs a command with the stub checks (the build's checks land with package
// monitor) and stdin.
func runMonitors(t *testing.T, e env, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	m := &Main{Getenv: func(k string) string { return e[k] }, Checks: checkstub.Checks{}, Stdin: strings.NewReader(stdin)}
	err := m.Run(ctx, args, &out, &errOut)
	return out.String(), err
}

func mustMonitors(t *testing.T, e env, args ...string) string {
	t.Helper()
	out, err := runMonitors(t, e, "", args...)
	if err != nil {
		t.Fatalf("meldpunt %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// monitorsFile is a file of three monitors: an HTTP check with a secret header and a
// supplier, a TCP check, and a heartbeat.
const monitorsFile = `# the provider's monitors
monitors:
  - name: Shop
    component: Webshop
    supplier: Hoster
    kind: http
    interval: 30s
    timeout: 5s
    http:
      url: https://shop.example.com/health
      headers: {Authorization: "Bearer t0p-s3cret", Accept: text/html}
      expect_status: [200, 204]
  - name: SMTP port
    component: Mail
    kind: tcp
    interval: 1m
    fail_after: 3
    tcp: {host: 127.0.0.1, port: 25}
  - name: Nightly backup
    component: Mail
    kind: heartbeat
    interval: 24h
    timeout: 1h
`

// TestMonitorsApplyExport runs `monitors apply` and `monitors export` on both databases:
// apply creates, is idempotent, updates, prunes only when asked; export writes a file
// without secrets that applies as "unchanged" and keeps them; a bad file is refused
// whole, every problem named by its path and line.
func TestMonitorsApplyExport(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			e := env{"MELDPUNT_DATA": dir}
			dsn := filepath.Join(dir, "meldpunt.db")
			if dialect == "postgres" {
				dsn = postgresDatabase(t)
				e["MELDPUNT_DB"] = dsn
			}
			mustRun(t, e, "migrate")
			a := openTestApp(t, dsn)
			ctx, sys := t.Context(), desk.SystemActor("test")
			for _, name := range []string{"Webshop", "Mail"} {
				if _, err := a.Components.Create(ctx, sys, desk.Component{Name: name, Status: desk.StatusOperational, Visibility: desk.VisibilityPublic}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Hoster", Active: true}); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "monitors.yaml")
			write := func(s string) {
				if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write(monitorsFile)

			out := mustMonitors(t, e, "monitors", "apply", "-f", file)
			for _, want := range []string{"created: Shop of Webshop\n", "created: SMTP port of Mail\n", "created: Nightly backup of Mail\n",
				"  heartbeat URL, shown this once: http://localhost:8080/heartbeat/", "3 created, 0 updated, 0 unchanged\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("first apply printed %q, want %q in it", out, want)
				}
			}
			ms := monitorsByName(t, a)
			shop := ms["Shop"]
			if len(ms) != 3 || shop.Interval != 30*time.Second || shop.Timeout != 5*time.Second || shop.SupplierID == nil ||
				ms["SMTP port"].FailAfter != 3 || ms["Nightly backup"].Kind != "heartbeat" || ms["Nightly backup"].Interval != 24*time.Hour {
				t.Fatalf("monitors after apply: %+v", ms)
			}
			if s := rawSettings(t, dsn, shop.ID); !strings.Contains(s, "Bearer t0p-s3cret") {
				t.Fatalf("stored settings %s", s)
			}

			// serve reports them on /metrics, read from the database.
			in := serveInstance(t, e, "--addr", "127.0.0.1:0")
			code, body := get(t, in.url+"/metrics")
			for _, want := range []string{`meldpunt_monitor_up{component="Webshop",kind="http",monitor="Shop",monitor_id="`,
				`meldpunt_monitor_up{component="Mail",kind="heartbeat",monitor="Nightly backup",monitor_id="`,
				`meldpunt_monitor_check_lag_seconds_bucket{le="5"} `} { // the scheduler's, docs/monitors.md "Metrics"
				if code != 200 || !strings.Contains(body, want) {
					t.Errorf("/metrics = %d, lacks %s", code, want)
				}
			}
			if err := in.stop(); err != nil {
				t.Fatal(err)
			}

			// Applied again, nothing changes.
			if out := mustMonitors(t, e, "monitors", "apply", "-f", file); out != "0 created, 0 updated, 3 unchanged\n" {
				t.Errorf("second apply printed %q", out)
			}

			// Export: no secret; applied back, unchanged, and the secret is still stored.
			exported := mustMonitors(t, e, "monitors", "export")
			if strings.Contains(exported, "t0p-s3cret") || !strings.Contains(exported, "Authorization: '********'") && !strings.Contains(exported, `Authorization: "********"`) {
				t.Errorf("export:\n%s", exported)
			}
			for _, want := range []string{"name: Shop\n", "component: Webshop\n", "supplier: Hoster\n", "interval: 30s\n", "timeout: 5s\n", "interval: 24h\n", "    heartbeat:", "fail_after: 3\n"} {
				if !strings.Contains(exported, want) {
					t.Errorf("export lacks %q:\n%s", want, exported)
				}
			}
			if out, err := runMonitors(t, e, exported, "monitors", "apply", "-f", "-"); err != nil || out != "0 created, 0 updated, 3 unchanged\n" {
				t.Errorf("applying the export: %q %v", out, err)
			}
			if s := rawSettings(t, dsn, shop.ID); !strings.Contains(s, "Bearer t0p-s3cret") || strings.Contains(s, "****") {
				t.Errorf("after applying the export the stored settings are %s", s)
			}
			exportFile := filepath.Join(dir, "export.yaml")
			if out := mustMonitors(t, e, "monitors", "export", "-o", exportFile); out != "" {
				t.Errorf("export -o printed %q", out)
			}
			if b, err := os.ReadFile(exportFile); err != nil || !strings.Contains(string(b), "name: SMTP port") {
				t.Errorf("export -o wrote %q (%v)", b, err)
			}

			// A change, and a monitor left out.
			changed := strings.Replace(monitorsFile, "interval: 1m", "interval: 2m", 1)
			changed = changed[:strings.Index(changed, "  - name: Nightly backup")]
			write(changed)
			out = mustMonitors(t, e, "monitors", "apply", "-f", file)
			if !strings.Contains(out, "updated: SMTP port of Mail\n") || !strings.Contains(out, "0 created, 1 updated, 1 unchanged; 1 not in the file left alone (--prune deletes them)\n") {
				t.Errorf("apply of a change printed %q", out)
			}
			if ms := monitorsByName(t, a); ms["SMTP port"].Interval != 2*time.Minute || len(ms) != 3 {
				t.Errorf("after the change: %+v", ms)
			}
			out = mustMonitors(t, e, "monitors", "apply", "-f", file, "--prune", "--dry-run")
			if !strings.Contains(out, "would be deleted: Nightly backup of Mail\n") || !strings.Contains(out, "a dry run: nothing was stored") {
				t.Errorf("dry run printed %q", out)
			}
			if ms := monitorsByName(t, a); len(ms) != 3 {
				t.Errorf("a dry run deleted: %+v", ms)
			}
			out = mustMonitors(t, e, "monitors", "apply", "--prune", "-f", file)
			if !strings.Contains(out, "deleted: Nightly backup of Mail\n") || !strings.Contains(out, "0 created, 0 updated, 2 unchanged, 1 deleted\n") {
				t.Errorf("prune printed %q", out)
			}
			if ms := monitorsByName(t, a); len(ms) != 2 {
				t.Errorf("after prune: %+v", ms)
			}

			// A bad file: every problem named, nothing stored.
			write(`monitors:
  - name: Shop
    component: Webshop
    kind: http
    colour: red
    http: {url: "https://shop.example.com/", expect_status: [200, 999], follow: true}
  - name: New one
    component: Warehouse
    kind: tcp
    interval: soon
    tcp: {host: 127.0.0.1, port: 25}
  - name: Mixed up
    component: Mail
    kind: tcp
    http: {url: "https://x.example.com/"}
  - name: SMTP port
    component: Mail
    kind: tcp
    fail_after: many
    tcp: {host: 127.0.0.1, port: 70000}
  - name: Shop
    component: Webshop
    kind: http
    http: {url: "https://shop.example.com/", headers: {X-Api-Key: "********"}}
`)
			_, err := runMonitors(t, e, "", "monitors", "apply", "-f", file)
			if err == nil {
				t.Fatal("a bad file was applied")
			}
			msg := err.Error()
			for _, want := range []string{
				"monitors[0].colour: is not a key of a monitor", "(line 5)",
				"monitors[1].interval: must be a duration such as 30s",
				"monitors[2].http: holds the settings of kind http, but the monitor's kind is tcp",
				"monitors[3].fail_after: must be a whole number",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q:\n%s", want, msg)
				}
			}
			// Once the file reads, the app's rules name the rest, with the monitor's line.
			write(`monitors:
  - name: Shop
    component: Webshop
    kind: http
    http: {url: "https://shop.example.com/", expect_status: [200, 999]}
  - name: New one
    component: Warehouse
    kind: tcp
    tcp: {host: 127.0.0.1, port: 25}
  - name: SMTP port
    component: Mail
    kind: tcp
    interval: 5s
    tcp: {host: 127.0.0.1, port: 70000, hots: x}
  - name: Shop
    component: Webshop
    kind: http
    http: {url: "https://shop.example.com/", headers: {X-Api-Key: "********"}}
`)
			_, err = runMonitors(t, e, "", "monitors", "apply", "-f", file, "--prune")
			if err == nil {
				t.Fatal("a bad file was applied")
			}
			msg = err.Error()
			for _, want := range []string{
				"monitors[0].http.expect_status[1]: must be an HTTP status code between 100 and 599 (monitor at line 2)",
				`monitors[1].component: no component is named "Warehouse" (monitor at line 6)`,
				"monitors[2].interval: must be at least 10s",
				"monitors[2].tcp.hots",
				"monitors[3].name: names the same monitor as monitors[0]",
				"monitors[3].http.headers.X-Api-Key: holds ********",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q:\n%s", want, msg)
				}
			}
			if ms := monitorsByName(t, a); len(ms) != 2 || ms["SMTP port"].Interval != 2*time.Minute {
				t.Errorf("a refused file changed the monitors: %+v", ms)
			}

			// Not YAML, and no file.
			if _, err := runMonitors(t, e, "monitors: [", "monitors", "apply", "-f", "-"); err == nil || !strings.Contains(err.Error(), "not YAML") {
				t.Errorf("broken YAML: %v", err)
			}
			if _, err := runMonitors(t, e, "", "monitors", "apply"); err == nil || !strings.Contains(err.Error(), "needs -f FILE") {
				t.Errorf("no -f: %v", err)
			}
		})
	}
}

// monitorsByName reads the monitors through the app, by name.
func monitorsByName(t *testing.T, a *app.Services) map[string]desk.Monitor {
	t.Helper()
	vs, err := a.Monitors.List(t.Context(), desk.SystemActor("test"), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]desk.Monitor{}
	for _, v := range vs {
		out[v.Name] = v.Monitor
	}
	return out
}

// rawSettings reads a monitor's stored settings, secrets and all.
func rawSettings(t *testing.T, dsn string, id int64) string {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	err = db.Read(t.Context(), func(tx app.Tx) error {
		m, err := tx.Monitor(t.Context(), id)
		s = string(m.Settings)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

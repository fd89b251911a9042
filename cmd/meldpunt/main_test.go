package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"meldpunt/internal/logtest"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/store"
)

// syncBuffer is a bytes.Buffer that the command and the test may use at once.
type syncBuffer = logtest.Buffer

// env is the environment a test gives Main; the real environment stays out.
type env map[string]string

func (e env) main() *Main { return &Main{Getenv: func(k string) string { return e[k] }} }

// run runs a command that ends by itself and returns its output.
func run(t *testing.T, e env, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	err = e.main().Run(ctx, args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustRun is run for commands that must succeed.
func mustRun(t *testing.T, e env, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, e, args...)
	if err != nil {
		t.Fatalf("meldpunt %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// instance is a serve command running in-process.
type instance struct {
	t      *testing.T
	url    string // http://127.0.0.1:PORT
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
	err    error
	ended  bool
}

// guardTimeout is how long tests wait for a server to start or stop before they give up.
const guardTimeout = 5 * time.Minute

// serveInstance starts `meldpunt serve` with args and waits until it logs "listening".
// Tests pass --addr 127.0.0.1:0 (or set MELDPUNT_ADDR), so they listen on loopback only.
func serveInstance(t *testing.T, e env, args ...string) *instance {
	t.Helper()
	in, err := launch(t, e, args...)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// launch is serveInstance for any goroutine: it reports failure instead of ending the test.
func launch(t *testing.T, e env, args ...string) (*instance, error) {
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { in.done <- e.main().Run(ctx, append([]string{"serve"}, args...), in.stdout, in.stderr) }()
	t.Cleanup(func() { _ = in.stop() })
	// A guard against a hang, not a timed assertion: a test binary with the race detector
	// on a busy machine, its tests in parallel, can take more than a minute to migrate and
	// load the demo.
	deadline := time.After(guardTimeout)
	for {
		if addr := listeningAddr(in.stderr.String()); addr != "" {
			in.url = "http://" + addr
			return in, nil
		}
		select {
		case err := <-in.done:
			in.ended, in.err = true, err
			return nil, fmt.Errorf("serve ended before listening: %v\nstdout:\n%s\nstderr:\n%s", err, in.stdout, in.stderr)
		case <-deadline:
			return nil, fmt.Errorf("serve did not log \"listening\" within %v\nstderr:\n%s", guardTimeout, in.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// listeningAddr returns the address of the JSON log record "listening", if there is one.
func listeningAddr(logs string) string {
	for line := range strings.Lines(logs) {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
			return rec.Addr
		}
	}
	return ""
}

// stop cancels the instance's context and returns what Run returned.
func (in *instance) stop() error {
	in.t.Helper()
	if in.ended {
		return in.err
	}
	in.cancel()
	select {
	case in.err = <-in.done:
	case <-time.After(guardTimeout):
		in.t.Fatalf("serve did not return within %v of the cancel", guardTimeout)
	}
	in.ended = true
	return in.err
}

// client makes requests without keeping connections, so no goroutine outlives a test.
func client() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// get requests url with optional headers "Name: value" and returns the status and body.
func get(t *testing.T, url string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, string(b)
}

var setupLinkRE = regexp.MustCompile(`Create the first admin at (http://localhost:\d+)/setup\?token=([A-Za-z0-9_-]{20,})`)

func TestServeWithZeroConfiguration(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data") // does not exist yet
	e := env{"MELDPUNT_DATA": data}
	in := serveInstance(t, e, "--addr", "127.0.0.1:0")

	if code, body := get(t, in.url+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", code, body)
	}
	if code, body := get(t, in.url+"/readyz"); code != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("GET /readyz = %d %q, want 200 ready", code, body)
	}
	code, metrics := get(t, in.url+"/metrics")
	for _, want := range []string{
		`meldpunt_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`,
		"go_goroutines ", "process_resident_memory_bytes ", `meldpunt_build_info{goversion="` + runtime.Version() + `",version="dev"} 1`,
		`meldpunt_outbox_messages{state="failed"} 0`, // a new installation has sent nothing
	} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("GET /metrics (%d) lacks %q", code, want)
		}
	}

	// The first-start message, once, with a link to this server's port.
	out := in.stdout.String()
	m := setupLinkRE.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("stdout has %d setup links, want 1:\n%s", len(m), out)
	}
	if base := m[0][1]; strings.TrimPrefix(in.url, "http://127.0.0.1") != strings.TrimPrefix(base, "http://localhost") {
		t.Errorf("setup link base %s does not name the port of %s", base, in.url)
	}
	if !strings.Contains(out, "meldpunt --data "+data+` user create --email you@example.com --name "Your Name" --role admin --password`) {
		t.Errorf("stdout lacks the command-line alternative for this data directory:\n%s", out)
	}
	secret := m[0][2]
	if code, _ := get(t, in.url+"/setup?token="+secret); code != 200 {
		t.Errorf("GET the setup link = %d, want the setup page", code)
	}
	if err := in.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	logs := in.stderr.String()
	if strings.Contains(logs, secret) {
		t.Errorf("the setup secret is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no \"stopped\" record in the logs:\n%s", logs)
	}

	// The schema was created in <data>/meldpunt.db.
	db, err := store.Open(t.Context(), filepath.Join(data, "meldpunt.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(t.Context()); err != nil {
		t.Errorf("schema after serve: %v", err)
	}
	db.Close()

	// Without users, the next start offers setup again, with a new secret (the old one
	// is replaced).
	in2 := serveInstance(t, e, "--addr", "127.0.0.1:0")
	m2 := setupLinkRE.FindAllStringSubmatch(in2.stdout.String(), -1)
	if len(m2) != 1 || m2[0][2] == secret {
		t.Fatalf("restart without users: setup links %v, want one new one", m2)
	}
	if err := in2.stop(); err != nil {
		t.Fatal(err)
	}

	// The last link printed is the one that works.
	a := openTestApp(t, filepath.Join(data, "meldpunt.db"))
	setup := app.SetupInput{ProviderName: "Studio", Name: "Ann", Email: "ann@example.com", Password: "long enough password"}
	if _, err := a.Identity.CompleteSetup(t.Context(), secret, setup, "127.0.0.1"); err == nil {
		t.Error("the setup secret of the first start still works after a restart")
	}
	if _, err := a.Identity.CompleteSetup(t.Context(), m2[0][2], setup, "127.0.0.1"); err != nil {
		t.Fatalf("the printed setup secret does not work: %v", err)
	}

	// Once someone can sign in, a start prints nothing of it.
	in3 := serveInstance(t, e, "--addr", "127.0.0.1:0")
	if out := in3.stdout.String(); strings.Contains(out, "setup") || strings.Contains(out, "new here") {
		t.Errorf("restart with a user printed the first-start message:\n%s", out)
	}
}

func TestServeStopsCleanly(t *testing.T) {
	// Not parallel: it counts goroutines, and no other test's may run meanwhile.
	before := runtime.NumGoroutine()
	in := serveInstance(t, env{}, "--addr", "127.0.0.1:0", "--data", t.TempDir())
	get(t, in.url+"/readyz")
	if err := in.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	// The jobs have stopped when Run returns: it waits for them.
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "meldpunt/internal/jobs.") {
		t.Errorf("job goroutines remain after serve returned:\n%s", stacks)
	}
	// Goroutines of the server and the database end too; a few (closing connections)
	// may take a moment.
	var stacks string
	for range 200 {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !leftovers(stacks) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if leftovers(stacks) {
		t.Errorf("goroutines remain after serve returned:\n%s", stacks)
	}
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Errorf("%d goroutines before serve, %d after", before, after)
	}
}

// leftovers tells whether goroutine stacks show a part of a stopped server.
func leftovers(stacks string) bool {
	for _, s := range []string{"meldpunt/internal/jobs.", "net/http.(*Server).Serve", "net/http.(*conn).serve", "database/sql.(*DB).connectionOpener", "main.serve(", "main.serveHTTP("} {
		if strings.Contains(stacks, s) {
			return true
		}
	}
	return false
}

func TestServeRefusesAnAddressInUse(t *testing.T) {
	t.Parallel()
	in := serveInstance(t, env{}, "--addr", "127.0.0.1:0", "--data", t.TempDir())
	addr := strings.TrimPrefix(in.url, "http://")
	_, _, err := run(t, env{}, "serve", "--addr", addr, "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "listen on "+addr) {
		t.Errorf("second serve on %s: %v, want a listen error", addr, err)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out := mustRun(t, env{}, "version")
	if out != "meldpunt dev\n" {
		t.Errorf("version printed %q", out)
	}
}

// TestMain keeps the package's tests from reading a developer's MELDPUNT_* settings
// through code that does use os.Getenv (only main itself; Main gets env{}). The settings
// of the tests themselves (MELDPUNT_TEST_*) stay.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "MELDPUNT_") && !strings.HasPrefix(k, "MELDPUNT_TEST_") {
			os.Unsetenv(k)
		}
	}
	os.Exit(m.Run())
}

func ExampleMain_Run() {
	var out bytes.Buffer
	err := (&Main{Getenv: func(string) string { return "" }}).Run(context.Background(), []string{"version"}, &out, io.Discard)
	fmt.Print(out.String(), err)
	// Output: meldpunt dev
	// <nil>
}

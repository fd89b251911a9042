package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// crashSeed fixes where the crash test kills the server; MELDPUNT_CRASH_SEED picks another
// (the test logs the one it used, so a failure can be repeated).
const crashSeed = 20261202

// Bounds of the crash test: kills per database, goroutines creating incidents, and the
// range of acknowledged incidents (per kill) after which the kill comes.
const (
	crashKills   = 3
	crashWorkers = 6
	crashMinAcks = 15
	crashMaxAcks = 60
)

// TestCrashUnderLoad kills a real `meldpunt serve` process with SIGKILL while goroutines
// create incidents through the API, restarts it on the same database, and checks that
// nothing acknowledged was lost: every incident that got a 201 is there with its title, its
// webhook message (written in the same transaction) is in the outbox, and on SQLite
// PRAGMA integrity_check says ok after every kill. See docs/robustness.md.
func TestCrashUnderLoad(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	seed := uint64(crashSeed)
	if s := os.Getenv("MELDPUNT_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("MELDPUNT_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (MELDPUNT_CRASH_SEED repeats a run)", seed)
	bin := buildBinary(t, "meldpunt-crash") // a name of its own: it never races TestBinary's build
	// The webhook endpoint every incident notifies; what it receives does not matter.
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hooks.Close)

	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		data := t.TempDir()
		dsn := filepath.Join(data, dbFile)
		crashRun(t, bin, dsn, data, hooks.URL, seed, func(t *testing.T) { checkIntegrity(t, dsn) })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := postgresDatabase(t)
		crashRun(t, bin, dsn, t.TempDir(), hooks.URL, seed+1, nil)
	})
}

// crashServer is a `meldpunt serve` process.
type crashServer struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan struct{} // closed when the process has ended and its logs are read
}

// startCrashServer starts the binary on dsn and waits until it listens.
func startCrashServer(t *testing.T, bin, dsn, data string) *crashServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--data", data,
		"--log-format", "json", "--webhook-allow-private")
	cmd.Env = append(os.Environ(), "MELDPUNT_SMTP_HOST=") // mail goes to .eml files
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &crashServer{cmd: cmd, logs: &syncBuffer{}, done: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.logs.Write(append(sc.Bytes(), '\n'))
			if a := listeningAddr(sc.Text() + "\n"); a != "" {
				listening <- a
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
	}()
	t.Cleanup(func() { s.kill() })
	select {
	case addr := <-listening:
		s.url = "http://" + addr
	case <-s.done:
		t.Fatalf("the server ended before listening:\n%s", s.logs)
	case <-time.After(guardTimeout):
		t.Fatalf("no \"listening\" within %v:\n%s", guardTimeout, s.logs)
	}
	return s
}

// kill sends SIGKILL and waits until the process is gone.
func (s *crashServer) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop ends the server gracefully (SIGTERM) and reports whether it said "stopped".
func (s *crashServer) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(guardTimeout):
		t.Fatalf("the server did not stop within %v", guardTimeout)
	}
	if !strings.Contains(s.logs.String(), `"msg":"stopped"`) {
		t.Errorf("no \"stopped\" in the logs after SIGTERM:\n%s", s.logs)
	}
}

// crashClient speaks to the API with a token.
type crashClient struct {
	http  *http.Client
	token string
}

// do sends a JSON request and returns the status and body; err is a transport error.
func (c *crashClient) do(method, url string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// must is do for requests that must get want.
func (c *crashClient) must(t *testing.T, want int, method, url string, body, into any) {
	t.Helper()
	status, b, err := c.do(method, url, body)
	if err != nil || status != want {
		t.Fatalf("%s %s: %d %s (%v), want %d", method, url, status, b, err, want)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
}

// crashRun is the crash test on one database: an admin and a client organisation, a
// webhook endpoint for incident.created, then crashKills rounds of load, SIGKILL, restart
// and checks. afterKill, when set, runs while the server is down.
func crashRun(t *testing.T, bin, dsn, data, hookURL string, seed uint64, afterKill func(*testing.T)) {
	e := env{"MELDPUNT_DB": dsn, "MELDPUNT_DATA": data}
	mustRun(t, e, "user", "create", "--email", "crash@example.com", "--name", "Crash Admin", "--role", "admin", "--password", "crash test password")
	// An agent, whom every incident the admin registers notifies by email (new_report).
	mustRun(t, e, "user", "create", "--email", "agent@example.com", "--name", "Crash Agent", "--role", "agent")
	words := strings.Fields(mustRun(t, e, "token", "create", "--email", "crash@example.com", "--name", "crash"))
	c := &crashClient{http: &http.Client{Timeout: time.Minute}, token: words[len(words)-1]}

	srv := startCrashServer(t, bin, dsn, data)
	var org struct{ ID int64 }
	c.must(t, 201, "POST", srv.url+"/api/v1/organisations", map[string]any{"name": "Crash client"}, &org)
	c.must(t, 201, "POST", srv.url+"/api/v1/webhooks", map[string]any{"url": hookURL + "/hook", "events": []string{"incident.created"}}, nil)

	rng := rand.New(rand.NewPCG(seed, 0x6d656c64))
	acked := map[int64]string{} // every incident that got a 201: id → title
	for round := range crashKills {
		killAt := crashMinAcks + rng.IntN(crashMaxAcks-crashMinAcks+1)
		before := len(acked)
		load(t, c, srv, org.ID, round, killAt, acked)
		t.Logf("round %d: killed after %d acknowledged incidents (%d in all)", round, len(acked)-before, len(acked))
		if afterKill != nil {
			afterKill(t)
		}
		srv = startCrashServer(t, bin, dsn, data)
		checkAcknowledged(t, c, srv.url, acked)
		if t.Failed() {
			t.Logf("the restarted server's warnings and errors:\n%s", notInfo(srv.logs.String()))
			return
		}
	}
	srv.stop(t)
	if afterKill != nil {
		afterKill(t)
	}
}

// load runs crashWorkers goroutines that create incidents until the server dies, and kills
// it with SIGKILL once killAt of them have been acknowledged in this round. Every
// acknowledged incident is added to acked.
func load(t *testing.T, c *crashClient, srv *crashServer, orgID int64, round, killAt int, acked map[int64]string) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	killed := make(chan struct{})
	var killing atomic.Bool // set before the signal: a request that fails after it is no error
	var once sync.Once
	kill := func() {
		once.Do(func() {
			killing.Store(true)
			srv.kill()
			close(killed)
		})
	}
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				title := fmt.Sprintf("crash r%d w%d #%d", round, w, i)
				status, b, err := c.do("POST", srv.url+"/api/v1/incidents", map[string]any{
					"organisation_id": orgID, "title": title, "urgency": "high", "impact": "low",
					"description": strings.Repeat("Crash test load. ", 20),
				})
				if err != nil {
					if !killing.Load() {
						t.Errorf("POST /api/v1/incidents before the kill: %v", err)
						kill()
					}
					return
				}
				if status != http.StatusCreated {
					t.Errorf("POST /api/v1/incidents: %d %s", status, b)
					kill()
					return
				}
				var inc struct {
					ID    int64
					Title string
				}
				if err := json.Unmarshal(b, &inc); err != nil || inc.ID == 0 || inc.Title != title {
					t.Errorf("POST /api/v1/incidents answered %s (%v)", b, err)
					kill()
					return
				}
				mu.Lock()
				acked[inc.ID] = title
				n++
				due := n >= killAt
				mu.Unlock()
				if due {
					kill() // the other workers' requests are in flight
				}
			}
		})
	}
	wg.Wait()
}

// checkAcknowledged asserts that every acknowledged incident is there with its title, and
// that the outbox holds the messages it made: its incident.created webhook message and
// the agent's new_report email, once each.
func checkAcknowledged(t *testing.T, c *crashClient, url string, acked map[int64]string) {
	t.Helper()
	ids := slices.Sorted(maps.Keys(acked))
	for _, id := range ids {
		title := acked[id]
		var inc struct {
			ID    int64
			Title string
		}
		status, b, err := c.do("GET", fmt.Sprintf("%s/api/v1/incidents/%d", url, id), nil)
		if err != nil || status != 200 || json.Unmarshal(b, &inc) != nil || inc.ID != id || inc.Title != title {
			t.Errorf("acknowledged incident %d %q after the restart: %d %s (%v)", id, title, status, b, err)
		}
	}
	type message struct {
		kind string
		id   int64
	}
	messages := map[message]int{}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				Kind       string `json:"kind"`
				IncidentID *int64 `json:"incident_id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		c.must(t, 200, "GET", url+"/api/v1/outbox?limit=200"+cursor, nil, &page)
		for _, n := range page.Items {
			if n.IncidentID != nil {
				messages[message{n.Kind, *n.IncidentID}]++
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + page.NextCursor
	}
	for _, id := range ids {
		for _, kind := range []string{"incident.created", "new_report"} {
			if n := messages[message{kind, id}]; n != 1 {
				t.Errorf("acknowledged incident %d has %d %s messages in the outbox, want 1", id, n, kind)
			}
		}
	}
}

// notInfo returns the log lines above INFO.
func notInfo(logs string) string {
	var b strings.Builder
	for l := range strings.Lines(logs) {
		if !strings.Contains(l, `"level":"INFO"`) && !strings.Contains(l, `"level":"DEBUG"`) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// checkIntegrity runs PRAGMA integrity_check on the SQLite file as the crash left it.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), "PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("PRAGMA integrity_check: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != "ok" {
		t.Errorf("PRAGMA integrity_check: %q, want ok", out)
	}
}

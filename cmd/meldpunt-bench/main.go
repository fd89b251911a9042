// Command meldpunt-bench measures Meldpunt where it counts: incidents created through the
// real HTTP API by many concurrent clients on SQLite with full durability, against the
// ceiling of plain single-row SQLite insert transactions on the same disk, and the idle
// memory of the server. It builds and starts the real binary; nothing is simulated.
//
//	go run ./cmd/meldpunt-bench [-clients 64] [-n 5000] [-dir ./.bench]
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "meldpunt-bench:", err)
		os.Exit(1)
	}
}

type config struct {
	clients  int
	n        int
	ceilingN int
	dir      string
	limit    time.Duration
}

func run() error {
	var c config
	flag.IntVar(&c.clients, "clients", 64, "concurrent API clients")
	flag.IntVar(&c.n, "n", 20000, "incidents to create through the API")
	flag.IntVar(&c.ceilingN, "ceiling-n", 20000, "single-row insert transactions for the ceiling")
	flag.StringVar(&c.dir, "dir", ".bench", "where the databases go (the disk being measured)")
	flag.DurationVar(&c.limit, "max", 2*time.Minute, "stop the load after this long, whatever -n says")
	flag.Parse()
	if c.clients < 1 || c.clients > 1024 || c.n < c.clients || c.n > 1_000_000 {
		return errors.New("-clients must be 1…1024 and -n at least -clients, at most 1000000")
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(c.dir, "run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "meldpunt")
	step("building the server")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/meldpunt").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}

	step("measuring the ceiling: single-row insert transactions, WAL, synchronous=FULL")
	ceiling, err := measureCeiling(filepath.Join(work, "ceiling.db"), c.ceilingN)
	if err != nil {
		return err
	}

	data := filepath.Join(work, "data")
	step("creating an admin and an API token")
	if _, err := command(bin, "--data", data, "user", "create", "--email", "bench@bench.test", "--name", "Bench", "--role", "admin", "--password", "bench-password-1"); err != nil {
		return err
	}
	out, err := command(bin, "--data", data, "token", "create", "--email", "bench@bench.test", "--name", "bench")
	if err != nil {
		return err
	}
	fields := strings.Fields(out)
	token := fields[len(fields)-1]

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	step("starting the server on " + addr)
	logf, err := os.Create(filepath.Join(work, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	srv := exec.Command(bin, "--data", data, "--addr", addr, "--log-level", "warn", "serve")
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	if err := waitReady(base); err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // let start-up garbage settle
	idle := rssKB(srv.Process.Pid)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients, MaxConnsPerHost: c.clients}, Timeout: 30 * time.Second}
	var org struct {
		ID int64 `json:"id"`
	}
	if err := call(client, base, token, "POST", "/api/v1/organisations", map[string]any{"name": "Bench Client"}, &org); err != nil {
		return err
	}

	step(fmt.Sprintf("creating %d incidents through the API with %d concurrent clients", c.n, c.clients))
	cpu0 := cpuTime(srv.Process.Pid)
	res, err := load(client, base, token, org.ID, c)
	if err != nil {
		return err
	}
	serverCPU := cpuTime(srv.Process.Pid) - cpu0
	after := rssKB(srv.Process.Pid)

	fmt.Printf("\nMeldpunt benchmark, %s, %d CPUs, %s/%s, disk: %s\n", time.Now().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, c.dir)
	fmt.Printf("ceiling  single-row insert transactions (WAL, synchronous=FULL): %8.0f /s\n", ceiling)
	fmt.Printf("api      POST /api/v1/incidents, %d clients, %d incidents:    %8.0f /s  (p50 %.2f ms, p99 %.2f ms, %d errors)\n",
		c.clients, res.done, res.rate, ms(res.p50), ms(res.p99), res.errors)
	fmt.Printf("cpu      server CPU per incident: %.0f µs (the load generator shares the %d CPUs)\n",
		float64(serverCPU.Microseconds())/float64(res.done), runtime.NumCPU())
	fmt.Printf("ratio    api / ceiling:                                         %8.2f\n", res.rate/ceiling)
	fmt.Printf("memory   idle RSS after start: %.1f MB; after the load: %.1f MB\n", float64(idle)/1024, float64(after)/1024)
	if res.errors > 0 {
		return fmt.Errorf("%d requests failed; see %s", res.errors, logf.Name())
	}
	return nil
}

func step(s string) { fmt.Fprintln(os.Stderr, "…", s) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// measureCeiling inserts n rows, one transaction each, on one connection with the pragmas
// Meldpunt uses, and returns transactions per second.
func measureCeiling(path string, n int) (float64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL)`); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`INSERT INTO t (title, created_at) VALUES ($1, $2)`, "incident "+strconv.Itoa(i), time.Now().UnixMilli()); err != nil {
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

type result struct {
	done, errors int
	rate         float64
	p50, p99     time.Duration
}

func load(client *http.Client, base, token string, orgID int64, c config) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.limit)
	defer cancel()
	var next, errs atomic.Int64
	lat := make([][]time.Duration, c.clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(c.n) {
					return
				}
				body := map[string]any{
					"organisation_id": orgID, "title": "Checkout fails for some customers #" + strconv.FormatInt(i, 10),
					"description": "Customers report an error after paying.", "urgency": "high", "impact": "normal", "channel": "api",
				}
				t0 := time.Now()
				if err := call(client, base, token, "POST", "/api/v1/incidents", body, nil); err != nil {
					errs.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return result{}, errors.New("no request succeeded")
	}
	slices.Sort(all)
	return result{
		done: len(all), errors: int(errs.Load()), rate: float64(len(all)) / elapsed.Seconds(),
		p50: all[len(all)*50/100], p99: all[len(all)*99/100],
	}, nil
}

func call(client *http.Client, base, token, method, path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func command(bin string, args ...string) (string, error) {
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("meldpunt %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitReady(base string) error {
	for range 100 {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not become ready in 10 s")
}

// cpuTime reads the user and system CPU time a process has used from /proc (Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses): utime and stime are the
	// 12th and 13th of them, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// rssKB reads the resident set size of a process from /proc (Linux).
func rssKB(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

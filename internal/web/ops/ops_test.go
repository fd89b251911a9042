package ops

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// pinger is a database stand-in whose answer the test sets.
type pinger struct {
	err   error
	block bool // wait for the context, like a database that does not answer
	calls atomic.Int32
}

func (p *pinger) Ping(ctx context.Context) error {
	p.calls.Add(1)
	if p.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return p.err
}

func serve(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func newMux(db Pinger) (*web.Mux, *prometheus.Registry) {
	mux := web.NewMux()
	reg := prometheus.NewRegistry()
	Register(mux, db, reg)
	return mux, reg
}

func TestHealthzNeverTouchesTheDatabase(t *testing.T) {
	t.Parallel()
	db := &pinger{err: errors.New("down")}
	mux, _ := newMux(db)
	res, body := serve(t, mux, "/healthz")
	if res.StatusCode != http.StatusOK || body != "ok\n" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\\n\"", res.StatusCode, body)
	}
	if n := db.calls.Load(); n != 0 {
		t.Errorf("/healthz pinged the database %d times", n)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	t.Run("ready", func(t *testing.T) {
		mux, _ := newMux(&pinger{})
		res, body := serve(t, mux, "/readyz")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200; body %s", res.StatusCode, body)
		}
		var r readiness
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "ready" {
			t.Errorf("body %q (%v), want status ready", body, err)
		}
	})
	t.Run("database error", func(t *testing.T) {
		secret := "dial tcp 10.1.2.3:5432: password authentication failed for user meldpunt"
		mux, _ := newMux(&pinger{err: errors.New(secret)})
		res, body := serve(t, mux, "/readyz")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", res.StatusCode)
		}
		var r readiness
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "unavailable" || r.Reason == "" {
			t.Errorf("body %q (%v), want status unavailable with a reason", body, err)
		}
		for _, leak := range []string{"10.1.2.3", "password", "meldpunt"} {
			if strings.Contains(body, leak) {
				t.Errorf("body %q shows the internal error (%q)", body, leak)
			}
		}
	})
	t.Run("database does not answer", func(t *testing.T) {
		h := readyz(&pinger{block: true}, 50*time.Millisecond)
		start := time.Now()
		res, body := serve(t, h, "/readyz")
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "did not answer within 50ms") {
			t.Fatalf("got %d %q, want 503 naming the timeout", res.StatusCode, body)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("answered after %v, want about the timeout", d)
		}
	})
	t.Run("ping ignores its context", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		h := readyz(pingFunc(func(context.Context) error { <-release; return nil }), 50*time.Millisecond)
		res, _ := serve(t, h, "/readyz")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", res.StatusCode)
		}
	})
}

type pingFunc func(context.Context) error

func (f pingFunc) Ping(ctx context.Context) error { return f(ctx) }

func TestMetricsServesTheRegistry(t *testing.T) {
	t.Parallel()
	mux, reg := newMux(&pinger{})
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "meldpunt_test_total", Help: "A test counter."})
	reg.MustRegister(c)
	c.Add(3)
	res, body := serve(t, mux, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	if !strings.Contains(body, "meldpunt_test_total 3") {
		t.Errorf("/metrics lacks the registered counter:\n%s", body)
	}
}

func TestRoutesAreGETOnly(t *testing.T) {
	t.Parallel()
	mux, _ := newMux(&pinger{})
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s = %d, want 405", p, rec.Code)
		}
	}
}

func TestOutboxMetrics(t *testing.T) {
	t.Parallel()
	mux, reg := newMux(&pinger{})
	var fail atomic.Bool
	reg.MustRegister(OutboxCollector(func(context.Context) (map[desk.DeliveryState]int, error) {
		if fail.Load() {
			return nil, errors.New("database down")
		}
		return map[desk.DeliveryState]int{desk.DeliveryPending: 3, desk.DeliverySent: 40, desk.DeliveryFailed: 1}, nil
	}))
	_, body := serve(t, mux, "/metrics")
	for _, want := range []string{
		`meldpunt_outbox_messages{state="pending"} 3`, `meldpunt_outbox_messages{state="sent"} 40`,
		`meldpunt_outbox_messages{state="failed"} 1`, `meldpunt_outbox_messages{state="skipped"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	fail.Store(true) // no stale numbers during an outage
	if _, body := serve(t, mux, "/metrics"); strings.Contains(body, "meldpunt_outbox_messages{") {
		t.Errorf("/metrics reports outbox numbers it could not read:\n%s", body)
	}
}

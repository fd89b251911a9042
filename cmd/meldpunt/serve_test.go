package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowServer serves, through serveHTTP, a handler that answers only when released.
type slowServer struct {
	url      string
	started  chan struct{} // closed when the request is in the handler
	release  chan struct{} // close to let the handler answer
	cancel   context.CancelFunc
	returned chan error // what serveHTTP returned
}

func startSlowServer(t *testing.T, grace time.Duration) *slowServer {
	t.Helper()
	s := &slowServer{started: make(chan struct{}), release: make(chan struct{}), returned: make(chan error, 1)}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(s.started)
		<-s.release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "http://" + ln.Addr().String()
	var ctx context.Context
	ctx, s.cancel = context.WithCancel(t.Context())
	srv := newHTTPServer(h, slog.New(slog.DiscardHandler))
	go func() { s.returned <- serveHTTP(ctx, srv, ln, grace) }()
	return s
}

type result struct {
	body string
	err  error
}

func (s *slowServer) request() chan result {
	out := make(chan result, 1)
	go func() {
		res, err := client().Get(s.url)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		out <- result{string(b), err}
	}()
	return out
}

func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	t.Parallel()
	s := startSlowServer(t, 15*time.Second)
	inflight := s.request()
	<-s.started
	s.cancel()

	// Shutting down: new connections are refused while the request runs on.
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after the cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-s.returned:
		t.Fatalf("serveHTTP returned (%v) before the request in flight finished", err)
	case <-time.After(100 * time.Millisecond):
	}

	close(s.release)
	r := <-inflight
	if r.err != nil || r.body != "finished" {
		t.Errorf("the request in flight got %q, %v; want it to finish", r.body, r.err)
	}
	select {
	case err := <-s.returned:
		if err != nil {
			t.Errorf("serveHTTP returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveHTTP did not return after the last request finished")
	}
}

func TestShutdownCutsOffAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	s := startSlowServer(t, 100*time.Millisecond)
	defer close(s.release)
	inflight := s.request()
	<-s.started
	s.cancel()
	select {
	case err := <-s.returned:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "cut off") {
			t.Errorf("serveHTTP returned %v, want a cut-off error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveHTTP waited past its grace period")
	}
	if r := <-inflight; r.err == nil {
		t.Errorf("the cut-off request got an answer: %q", r.body)
	}
}

func TestHTTPServerLimits(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.ErrorLog == nil {
		t.Errorf("server without limits: %+v", srv)
	}
}

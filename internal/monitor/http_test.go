package monitor

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// target is a small site with the paths the HTTP tests need.
func target(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "all systems go") })
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", http.StatusServiceUnavailable) })
	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":{"indicator":"none","ok":true},"items":[{"state":"ok"}],"count":3,"gone":null}`)
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"auth":%q,"method":%q}`, r.Header.Get("Authorization"), r.Method)
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "posted %s with %s", b, r.Header.Get("X-Probe"))
	})
	mux.HandleFunc("GET /r/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := atoi(t, r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/ok", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("GET /loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		fmt.Fprint(w, "slow but fine")
	})
	mux.HandleFunc("GET /hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("GET /huge", func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("a", 64<<10)
		for range 40 { // 2.5 MiB, then the keyword
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, "NEEDLE")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// httpReasons are the reasons of TestHTTP's cases that are not up.
var httpReasons = map[string]string{
	"503": ReasonStatus, "404": ReasonStatus, "keyword missing": ReasonKeyword, "keyword present": ReasonKeyword,
	"json differs": ReasonJSON, "json index out": ReasonJSON, "json null": ReasonJSON, "not json": ReasonJSON,
	"redirect not followed, 200 expected": ReasonStatus, "redirect loop": ReasonRedirects,
	"degraded": ReasonSlow, "closed port": ReasonRefused,
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	srv := target(t)
	c := &Checker{}
	for _, tc := range []struct {
		name   string
		s      map[string]any
		status Status
		errs   []string
		ev     map[string]string
	}{
		{"ok", map[string]any{"url": srv.URL + "/ok"}, Up, nil, map[string]string{"status_code": "200"}},
		{"503", map[string]any{"url": srv.URL + "/fail"}, Down, []string{"status 503, expected 200–399"}, map[string]string{"status_code": "503"}},
		{"503 expected", map[string]any{"url": srv.URL + "/fail", "expect_status": []int{503}}, Up, nil, nil},
		{"404", map[string]any{"url": srv.URL + "/nothing", "expect_status": []int{200, 204}}, Down, []string{"status 404, expected 200 or 204"}, nil},
		{"keyword", map[string]any{"url": srv.URL + "/ok", "keyword": "systems go"}, Up, nil, nil},
		{"keyword missing", map[string]any{"url": srv.URL + "/ok", "keyword": "on fire"}, Down, []string{`does not contain "on fire"`}, nil},
		{"keyword absent", map[string]any{"url": srv.URL + "/ok", "keyword": "on fire", "keyword_absent": true}, Up, nil, nil},
		{"keyword present", map[string]any{"url": srv.URL + "/ok", "keyword": "go", "keyword_absent": true}, Down, []string{`contains "go", which must not appear`}, nil},
		{"json equals", map[string]any{"url": srv.URL + "/json", "json_path": "status.indicator", "json_equals": "none"}, Up, nil, map[string]string{"json_value": "none"}},
		{"json differs", map[string]any{"url": srv.URL + "/json", "json_path": "status.indicator", "json_equals": "minor"}, Down, []string{`status.indicator is "none", expected "minor"`}, nil},
		{"json bool", map[string]any{"url": srv.URL + "/json", "json_path": "status.ok", "json_equals": "true"}, Up, nil, nil},
		{"json number", map[string]any{"url": srv.URL + "/json", "json_path": "count", "json_equals": "3"}, Up, nil, nil},
		{"json index", map[string]any{"url": srv.URL + "/json", "json_path": "items.0.state"}, Up, nil, map[string]string{"json_value": "ok"}},
		{"json index out", map[string]any{"url": srv.URL + "/json", "json_path": "items.1.state"}, Down, []string{"nothing at items.1.state"}, nil},
		{"json null", map[string]any{"url": srv.URL + "/json", "json_path": "gone"}, Down, []string{"nothing at gone"}, nil},
		{"not json", map[string]any{"url": srv.URL + "/ok", "json_path": "status"}, Down, []string{"not JSON"}, nil},
		{"post", map[string]any{"url": srv.URL + "/echo", "method": "POST", "body": "ping", "headers": map[string]string{"X-Probe": "probe-1"}, "keyword": "posted ping with probe-1"}, Up, nil, nil},
		{"redirects followed", map[string]any{"url": srv.URL + "/r/3", "expect_status": []int{200}}, Up, nil, map[string]string{"status_code": "200", "final_url": srv.URL + "/ok"}},
		{"redirect not followed", map[string]any{"url": srv.URL + "/r/3", "follow_redirects": false}, Up, nil, map[string]string{"status_code": "302"}},
		{"redirect not followed, 200 expected", map[string]any{"url": srv.URL + "/r/3", "follow_redirects": false, "expect_status": []int{200}}, Down, []string{"status 302, expected 200"}, nil},
		{"redirect loop", map[string]any{"url": srv.URL + "/loop"}, Down, []string{"stopped after 10 redirects"}, nil},
		{"nine redirects", map[string]any{"url": srv.URL + "/r/8"}, Up, nil, nil},
		{"degraded", map[string]any{"url": srv.URL + "/slow", "degraded_after": "10ms"}, Degraded, []string{"response time", "above 10ms"}, nil},
		{"slow within limit", map[string]any{"url": srv.URL + "/ok", "degraded_after": "1h"}, Up, nil, nil},
		{"closed port", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/", closedPort(t))}, Down, []string{"connection refused"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, c, KindHTTP, settings(t, tc.s))
			expect(t, r, tc.status, tc.errs...)
			if want, ok := httpReasons[tc.name]; ok {
				because(t, r, want)
			}
			for k, v := range tc.ev {
				if r.Evidence[k] != v {
					t.Errorf("evidence %s = %q, want %q (all: %v)", k, r.Evidence[k], v, r.Evidence)
				}
			}
		})
	}
}

// TestHTTPUnknownHost: a name that does not resolve is down, naming it (or, where the
// machine's resolver does not answer at all, saying the check ran out of time).
func TestHTTPUnknownHost(t *testing.T) {
	t.Parallel()
	r := (&Checker{}).Run(context.Background(), KindHTTP, settings(t, map[string]any{"url": "http://no-such-host.invalid/"}), 3*time.Second)
	expect(t, r, Down)
	if !strings.Contains(r.Error, "no-such-host.invalid") && !strings.Contains(r.Error, "timeout") {
		t.Fatalf("error %q names neither the host nor the timeout", r.Error)
	}
}

// TestHTTPTimeout: a server that never answers is cut at the check's timeout.
func TestHTTPTimeout(t *testing.T) {
	t.Parallel()
	srv := target(t)
	c := &Checker{}
	r := c.Run(context.Background(), KindHTTP, settings(t, map[string]any{"url": srv.URL + "/hang"}), 200*time.Millisecond)
	expect(t, r, Down, "no answer within the timeout")
	because(t, r, ReasonTimeout)
}

// TestHTTPHugeBody: only the body limit is read; the keyword past it is not found, and the
// evidence says the body was cut.
func TestHTTPHugeBody(t *testing.T) {
	t.Parallel()
	srv := target(t)
	c := &Checker{}
	r := run(t, c, KindHTTP, settings(t, map[string]any{"url": srv.URL + "/huge", "keyword": "NEEDLE"}))
	expect(t, r, Down, `does not contain "NEEDLE"`)
	if !strings.Contains(r.Evidence["body_truncated"], "1048576 bytes") {
		t.Fatalf("evidence %v, want body_truncated naming the limit", r.Evidence)
	}
	// Without a keyword the body is read up to the limit and dropped: up.
	expect(t, run(t, c, KindHTTP, settings(t, map[string]any{"url": srv.URL + "/huge"})), Up)
	// A smaller limit is the Checker's to set.
	small := &Checker{BodyLimit: 1024}
	r = run(t, small, KindHTTP, settings(t, map[string]any{"url": srv.URL + "/json", "json_path": "count"}))
	expect(t, r, Up)
	r = run(t, small, KindHTTP, settings(t, map[string]any{"url": srv.URL + "/huge", "json_path": "count"}))
	expect(t, r, Down, "not JSON within the first 1024 bytes")
}

// TestHTTPSecrets: neither a header's secret nor a URL's password or token reaches an error
// or the evidence, even when the server echoes them.
func TestHTTPSecrets(t *testing.T) {
	t.Parallel()
	srv := target(t)
	c := &Checker{}
	u := strings.Replace(srv.URL, "http://", "http://admin:hunter2-pw@", 1)
	r := run(t, c, KindHTTP, settings(t, map[string]any{
		"url":         u + "/echo?api_token=tok-123456&page=2",
		"headers":     map[string]string{"Authorization": "Bearer s3cr3t-t0ken"},
		"json_path":   "auth",
		"json_equals": "nothing",
	}))
	expect(t, r, Down, `auth is "********", expected "nothing"`)
	all := r.Error + fmt.Sprint(r.Evidence)
	for _, secret := range []string{"s3cr3t-t0ken", "hunter2-pw", "tok-123456"} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q in %s", secret, all)
		}
	}
	// A refused connection names the address, not the password.
	r = run(t, c, KindHTTP, settings(t, map[string]any{"url": fmt.Sprintf("http://admin:hunter2-pw@127.0.0.1:%d/?token=tok-123456", closedPort(t))}))
	expect(t, r, Down, "connection refused")
	if strings.Contains(r.Error, "hunter2-pw") || strings.Contains(r.Error, "tok-123456") {
		t.Errorf("secret in %q", r.Error)
	}
}

// TestHTTPS: certificates made in the test; verification on and off; the certificate's end
// in the evidence.
func TestHTTPS(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secure") }))
	notAfter := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, notAfter)}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)

	trusting := &Checker{RootCAs: ca.pool}
	r := run(t, trusting, KindHTTP, settings(t, map[string]any{"url": srv.URL, "keyword": "secure"}))
	expect(t, r, Up)
	if r.Evidence["cert_not_after"] != notAfter.UTC().Format(time.RFC3339) {
		t.Errorf("cert_not_after %q, want %s", r.Evidence["cert_not_after"], notAfter.UTC().Format(time.RFC3339))
	}
	// The system's roots do not know the test CA.
	system := &Checker{}
	expect(t, run(t, system, KindHTTP, settings(t, map[string]any{"url": srv.URL})), Down, "certificate")
	expect(t, run(t, system, KindHTTP, settings(t, map[string]any{"url": srv.URL, "verify_tls": false})), Up)
}

// TestHTTPKeepAlives: a Checker that keeps connections alive checks the same.
func TestHTTPKeepAlives(t *testing.T) {
	t.Parallel()
	srv := target(t)
	c := &Checker{KeepAlives: true}
	for range 3 {
		expect(t, run(t, c, KindHTTP, settings(t, map[string]any{"url": srv.URL + "/ok", "keyword": "go"})), Up)
	}
}

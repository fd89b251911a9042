package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts requests and their durations per route pattern.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

// NewMetrics registers the HTTP metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meldpunt_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "meldpunt_http_request_duration_seconds", Help: "HTTP request durations by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "meldpunt_http_requests_in_flight", Help: "HTTP requests being served now.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight)
	return m
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Observe gives every request an id (the X-Request-Id response header), logs it, counts it
// in the metrics, and turns a panic into a 500 that names the request id. mux reports the
// matched route pattern, so metrics are labelled by route, not by path, and the log names
// the route and the URL with its secrets redacted (Redact): a solution link's token, a
// reset link's, never reach the log.
func Observe(log *slog.Logger, m *Metrics, mux *http.ServeMux, onErr func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := newRequestID()
			r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
			w.Header().Set("X-Request-Id", id)
			rec := &recorder{ResponseWriter: w}
			m.inflight.Inc()
			defer func() {
				m.inflight.Dec()
				_, pat := mux.Handler(r)
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.ErrorContext(r.Context(), "panic", "request_id", id, "route", pat, "url", Redact(pat, r.URL), "panic", p)
					if rec.status == 0 {
						onErr(rec, r, errPanic)
					}
				}
				route := "unmatched"
				if pat != "" {
					route = pat
				}
				st := rec.status
				if st == 0 {
					st = http.StatusOK
				}
				d := time.Since(start)
				m.requests.WithLabelValues(route, r.Method, strconv.Itoa(st)).Inc()
				m.duration.WithLabelValues(route, r.Method).Observe(d.Seconds())
				lvl := slog.LevelInfo
				if route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" {
					lvl = slog.LevelDebug // probes and scrapes would drown the log
				}
				if st >= 500 {
					lvl = slog.LevelError
				}
				if log.Enabled(r.Context(), lvl) {
					log.LogAttrs(r.Context(), lvl, "request", slog.String("request_id", id), slog.String("method", r.Method),
						slog.String("route", route), slog.String("url", Redact(pat, r.URL)), slog.Int("status", st), slog.Int("bytes", rec.bytes),
						slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("remote", ClientAddress(r)))
				}
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

type panicError struct{}

func (panicError) Error() string { return "panic in handler" }

var errPanic = panicError{}

// SecureHeaders sets the headers every response carries: no sniffing, no framing, a
// strict content security policy (scripts only from Meldpunt itself), no referrer leaks.
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range secureHeaders {
			h.Set(k, v)
		}
		next.ServeHTTP(w, r)
	})
}

// secureHeaders are the headers SecureHeaders sets.
var secureHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "same-origin",
	"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}

// EveryAnswer returns the headers SecureHeaders (and, with https, StrictTransport) put on
// every answer, for answers served before the middleware (the status page's snapshot).
func EveryAnswer(https bool) http.Header {
	h := http.Header{}
	for k, v := range secureHeaders {
		h.Set(k, v)
	}
	if https {
		h.Set("Strict-Transport-Security", hsts)
	}
	return h
}

// hsts is the Strict-Transport-Security StrictTransport sets.
const hsts = "max-age=31536000"

// StrictTransport tells browsers to reach Meldpunt over HTTPS only, for a year, on every
// answer; the server uses it when the base URL is https. It leaves out includeSubDomains:
// other hosts under the same domain are not Meldpunt's to promise HTTPS for.
func StrictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", hsts)
		next.ServeHTTP(w, r)
	})
}

// LimitBody caps the size of every request body at what limit says for the request.
func LimitBody(limit func(*http.Request) int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, limit(r))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Chain applies middleware, the first outermost.
func Chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

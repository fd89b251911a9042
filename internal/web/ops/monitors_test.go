package ops

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"meldpunt/internal/app"
	"meldpunt/internal/checkstub"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// tlsServer serves 200 on loopback over TLS with a certificate made here, which expires
// at notAfter; the pool trusts it.
func tlsServer(t *testing.T, notAfter time.Time) (*httptest.Server, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "shop.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return srv, pool
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// scrape reads /metrics with the Prometheus text parser.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := serve(t, h, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics = %d\n%s", res.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// byMonitor returns a family's values by the monitor label, failing on any label but
// the four bounded ones.
func byMonitor(t *testing.T, fams map[string]*dto.MetricFamily, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	f := fams[name]
	if f == nil {
		return out
	}
	if f.GetType() != dto.MetricType_GAUGE || f.GetHelp() == "" {
		t.Errorf("%s: type %v, help %q", name, f.GetType(), f.GetHelp())
	}
	for _, m := range f.GetMetric() {
		var names []string
		var monitor string
		for _, l := range m.GetLabel() {
			names = append(names, l.GetName())
			if l.GetName() == "monitor" {
				monitor = l.GetValue()
			}
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"component", "kind", "monitor", "monitor_id"}) {
			t.Errorf("%s has labels %v", name, names)
		}
		out[monitor] = m.GetGauge().GetValue()
	}
	return out
}

// TestMonitorMetrics: after real checks against loopback servers, /metrics gives every
// enabled monitor's verdict, response time and certificate expiry, read from the
// database at scrape time (a deleted monitor is gone at once), with the four bounded
// labels only; on both databases.
func TestMonitorMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, sys := context.Background(), desk.SystemActor("test")
		notAfter := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
		srv, pool := tlsServer(t, notAfter)
		started := time.Now()
		clk := &clock{t: started}
		a := app.New(db, clk.Now, slog.New(slog.DiscardHandler), app.Config{Monitors: app.MonitorConfig{Checks: checkstub.Checks{RootCAs: pool}}})
		if _, err := a.Identity.Bootstrap(ctx); err != nil { // the provider, whose desk an outage's incident goes to
			t.Fatal(err)
		}
		comp, err := a.Components.Create(ctx, sys, desk.Component{Name: "Webshop", Status: desk.StatusOperational, Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		create := func(name, kind string, settings any, failAfter int, enabled bool) app.MonitorView {
			b, _ := json.Marshal(settings)
			v, _, err := a.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: comp.ID, Name: name, Kind: kind, Settings: b,
				FailAfter: failAfter, Enabled: &enabled, IntervalSeconds: 60, TimeoutSeconds: 5})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		shop := create("Shop", "http", map[string]any{"url": srv.URL + "/health?token=abc", "expect_status": []int{200}}, 1, true)
		create("SMTP", "tcp", map[string]any{"host": "127.0.0.1", "port": closedPort(t)}, 1, true)
		create("Paused", "tcp", map[string]any{"host": "127.0.0.1", "port": 1}, 1, false)
		create("Backup", "heartbeat", map[string]any{}, 0, true)

		mux, reg := newMux(&pinger{})
		reg.MustRegister(MonitorCollector(a.Monitors.Gauges))

		// Before any check: every enabled monitor up (the benefit of the doubt), nothing else.
		fams := scrape(t, mux)
		if up := byMonitor(t, fams, "meldpunt_monitor_up"); len(up) != 3 || up["Shop"] != 1 || up["SMTP"] != 1 || up["Backup"] != 1 {
			t.Errorf("up before checks: %v", up)
		}
		if fams["meldpunt_monitor_response_seconds"] != nil {
			t.Error("response times before any check")
		}

		// One round of real checks; the heartbeat never beat, so it is down too.
		clk.Add(2 * time.Minute)
		due, err := a.Monitors.Claim(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var done []app.Checked
		for _, d := range due {
			done = append(done, a.Monitors.Check(ctx, d))
		}
		if n, err := a.Monitors.Record(ctx, done); err != nil || n != 3 {
			t.Fatalf("recorded %d of %d checks: %v", n, len(due), err)
		}

		fams = scrape(t, mux)
		up := byMonitor(t, fams, "meldpunt_monitor_up")
		if len(up) != 3 || up["Shop"] != 1 || up["SMTP"] != 0 || up["Backup"] != 0 {
			t.Errorf("up after checks: %v", up)
		}
		resp := byMonitor(t, fams, "meldpunt_monitor_response_seconds")
		if _, beat := resp["Backup"]; len(resp) != 2 || beat || resp["Shop"] <= 0 || resp["Shop"] > 5 {
			t.Errorf("response seconds: %v", resp)
		}
		if last := byMonitor(t, fams, "meldpunt_monitor_last_check_timestamp_seconds"); len(last) != 3 || last["Shop"] < float64(started.Unix()-1) {
			t.Errorf("last checks: %v", last)
		}
		if cert := byMonitor(t, fams, "meldpunt_monitor_certificate_expiry_timestamp_seconds"); len(cert) != 1 || cert["Shop"] != float64(notAfter.Unix()) {
			t.Errorf("certificate expiry: %v, want Shop at %d", cert, notAfter.Unix())
		}
		_, body := serve(t, mux, "/metrics")
		for _, leak := range []string{"127.0.0.1", "token", "abc", "refused", "health"} {
			if strings.Contains(body, leak) {
				t.Errorf("/metrics holds %q", leak)
			}
		}
		if !strings.Contains(body, `meldpunt_monitor_up{component="Webshop",kind="http",monitor="Shop",monitor_id="`) {
			t.Errorf("/metrics:\n%s", body)
		}

		// Deleted, a monitor's series end at once.
		if err := a.Monitors.Delete(ctx, sys, shop.ID); err != nil {
			t.Fatal(err)
		}
		fams = scrape(t, mux)
		if up := byMonitor(t, fams, "meldpunt_monitor_up"); len(up) != 2 {
			t.Errorf("up after delete: %v", up)
		}
		if fams["meldpunt_monitor_certificate_expiry_timestamp_seconds"] != nil {
			t.Error("a deleted monitor's certificate is still reported")
		}
	})
}

// TestMonitorCollectorValues: degraded is 0.5; a failed read shows no stale numbers.
func TestMonitorCollectorValues(t *testing.T) {
	t.Parallel()
	mux, reg := newMux(&pinger{})
	var fail bool
	var mu sync.Mutex
	reg.MustRegister(MonitorCollector(func(context.Context) ([]desk.MonitorGauge, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return nil, errors.New("database down")
		}
		at := time.Unix(1_800_000_000, 0)
		return []desk.MonitorGauge{
			{ID: 1, Name: "Slow", Kind: "http", Enabled: true, Component: "Web", Status: desk.MonitorDegraded, LastAt: at, LastDuration: 2500 * time.Millisecond},
			{ID: 2, Name: "Cert", Kind: "tls", Enabled: true, Component: "Web", Status: desk.MonitorUp, LastAt: at,
				LastEvidence: map[string]string{"not_after": "2027-01-02T03:04:05Z", "days_left": "31"}},
			{ID: 3, Name: "Beat", Kind: "heartbeat", Enabled: true, Component: "Jobs", Status: desk.MonitorDown, LastAt: at},
		}, nil
	}))
	fams := scrape(t, mux)
	if up := byMonitor(t, fams, "meldpunt_monitor_up"); up["Slow"] != 0.5 || up["Cert"] != 1 || up["Beat"] != 0 {
		t.Errorf("up: %v", up)
	}
	if resp := byMonitor(t, fams, "meldpunt_monitor_response_seconds"); resp["Slow"] != 2.5 || len(resp) != 2 {
		t.Errorf("response seconds (none for a heartbeat): %v", resp)
	}
	if cert := byMonitor(t, fams, "meldpunt_monitor_certificate_expiry_timestamp_seconds"); len(cert) != 1 || cert["Cert"] != 1798859045 {
		t.Errorf("certificate expiry: %v", cert)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	if _, body := serve(t, mux, "/metrics"); strings.Contains(body, "meldpunt_monitor_up{") {
		t.Errorf("a failed read still reports monitors:\n%s", body)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"meldpunt/internal/app"
	"meldpunt/internal/demo"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/jobs"
	"meldpunt/internal/monitor"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/webhook"
	"meldpunt/internal/web"
	"meldpunt/internal/web/ops"
	"meldpunt/internal/web/server"
	"meldpunt/internal/web/snapshot"
)

// shutdownTimeout is how long requests in flight get to finish when the server stops.
const shutdownTimeout = 15 * time.Second

// serve is the serve command. It prepares the database, prints the first-start message
// when nobody can sign in yet, serves HTTP and runs the background jobs until ctx is
// cancelled, then shuts down in order: stop accepting, let requests in flight finish (up
// to shutdownTimeout), stop the listener for incoming mail (--smtp-listen), stop the jobs
// and wait for them, close the database.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return fmt.Errorf("create the data directory: %w", err)
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB(db, log)

	texts, err := i18n.Load()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // in case serving never starts; closing twice is harmless
	base := cfg.baseURL(ln.Addr())
	sender, err := cfg.mailSender()
	if err != nil {
		return err
	}
	from := cfg.mailFrom(base)
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		zone = time.UTC // no time zone database: chat messages show UTC, and say so
	}
	poster := webhook.NewPoster(webhook.Options{AllowPrivate: cfg.WebhookAllowPrivate, Location: zone,
		Texts: webhook.TextsFunc(func(l, key string, args ...any) string { return texts.T(desk.Locale(l), key, args...) })})
	defer poster.Close()
	// The status page's snapshot reads the change counter through the services; a write on
	// this instance makes it look at once, the poll (Run, below) sees other instances' writes.
	var a *app.Services
	snap := snapshot.New(snapshot.Options{Log: log, Header: web.EveryAnswer(strings.HasPrefix(base, "https://")),
		Version: func(ctx context.Context) (int64, error) { return a.Components.PageVersion(ctx) }})
	a = app.New(app.NotifyWrites(db, snap.Poke), time.Now, log, app.Config{BaseURL: base, WarnShare: cfg.SLAWarnShare, Holidays: holidays.NL(),
		Outbox: app.OutboxConfig{Mailer: email.NewMailer(sender, email.NewRenderer(texts)), Poster: poster,
			From: from, MaxAttempts: cfg.MailMaxAttempts}, MaintenanceReminder: cfg.MaintenanceReminder,
		Monitors: app.MonitorConfig{Checks: &monitor.Checker{}, Retention: cfg.MonitorRetention}})
	log.InfoContext(ctx, "sending mail", "via", sender.Describe(), "from", from.Email)

	if cfg.Demo {
		s, err := demo.Load(ctx, a)
		if err != nil {
			return err
		}
		if err := s.Print(stdout); err != nil {
			return err
		}
	}
	secret, err := bootstrap(ctx, a.Identity)
	if err != nil {
		return err
	}
	if secret != "" {
		printSetup(stdout, cfg, base, secret)
	}

	stopMail, err := listenMail(cfg, a.Inbox, base, log)
	if err != nil {
		return err
	}
	defer stopMail()

	reg := newRegistry()
	reg.MustRegister(ops.OutboxCollector(a.Outbox.Stats))
	reg.MustRegister(ops.MonitorCollector(a.Monitors.Gauges)) // one query a scrape (docs/monitors.md "Metrics")
	proxies, err := web.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	if cfg.TrustedProxies != "" {
		log.InfoContext(ctx, "trusting forwarding headers from proxies", "trusted_proxies", proxies.String())
	}
	if cfg.StatusHost != "" {
		if u, err := url.Parse(base); err == nil && web.HostName(u.Host) == cfg.StatusHost {
			return fmt.Errorf("--status-host %s is the base URL's host: the desk would not be reachable; give the status page a name of its own", cfg.StatusHost)
		}
		log.InfoContext(ctx, "serving the status page on its own host", "status_host", cfg.StatusHost)
	}
	srv := newHTTPServer(server.Handler(server.Config{BaseURL: base, Texts: texts, TrustedProxies: proxies, StatusHost: cfg.StatusHost, Snapshot: snap}, a, log, reg), log)
	runner := jobs.New(log)
	work := jobs.Work{Purge: a.Identity, SLA: a.SLA, Reminders: a.Suppliers,
		AutoClose: a.Incidents, Deliver: a.Outbox, Maintenance: a.PublicIncidents, MonitorRollup: a.Monitors}
	if a.Monitors.Running() {
		lag := ops.MonitorLag()
		reg.MustRegister(lag)
		work.Monitors = &jobs.MonitorScheduler{Runner: a.Monitors, Concurrency: cfg.MonitorConcurrency, Lag: lag, Log: log}
	} else {
		log.WarnContext(ctx, "monitors are stored but not run: this build has no checks")
	}
	jobs.Standard(runner, work, log)
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		runner.Run(jobsCtx)
	}()
	snapDone := make(chan struct{})
	go func() {
		defer close(snapDone)
		tick := time.NewTicker(snapshot.DefaultPoll)
		defer tick.Stop()
		snap.Run(jobsCtx, tick.C)
	}()

	log.InfoContext(ctx, "listening", "addr", ln.Addr().String(), "base_url", base,
		"version", version, "database", cfg.describeDB())
	// The status page's snapshot answers its plain GETs on the listener itself, before
	// net/http (snapshot.Listen); every other request goes to srv.
	fast := snap.Listen(ln, snapshot.ListenOptions{Handler: srv.Handler, IdleTimeout: srv.IdleTimeout,
		ReadHeaderTimeout: srv.ReadHeaderTimeout, WriteTimeout: srv.WriteTimeout})
	err = serveHTTP(ctx, srv, fast, shutdownTimeout)
	if !waitUntil(fast.Wait, shutdownTimeout) {
		log.Warn("status page connections still writing after the shutdown grace period", "grace", shutdownTimeout)
	}
	stopMail()
	stopJobs()
	<-jobsDone
	<-snapDone
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// bootstrap prepares a new installation and returns the setup secret while nobody can sign
// in. Instances starting together on one PostgreSQL may both try to create the provider
// organisation; the loser finds it created and tries again.
func bootstrap(ctx context.Context, a *app.Identity) (string, error) {
	for attempt := 1; ; attempt++ {
		secret, err := a.Bootstrap(ctx)
		if desk.ErrorCode(err) == desk.ECONFLICT && attempt < 3 {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("prepare the installation: %w", err)
		}
		return secret, nil
	}
}

// printSetup tells, once, how to create the first admin: through the setup link (which
// holds a secret, so it goes to stdout and never into the logs) or the command line.
func printSetup(w io.Writer, cfg Config, base, secret string) {
	cli := "meldpunt"
	switch {
	case cfg.DB == "" && cfg.Data != defaultData:
		cli += " --data " + shellQuote(cfg.Data)
	case cfg.DB != "" && !cfg.isPostgres():
		cli += " --db " + shellQuote(cfg.DB)
	case cfg.DB != "":
		cli += " --db '<the same database URL>'"
	}
	fmt.Fprintf(w, `
Meldpunt is new here. Create the first admin at %s/setup?token=%s
(the link works until the first user exists). Or on the command line:
  %s user create --email you@example.com --name "Your Name" --role admin --password …

`, base, secret, cli)
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@,+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// newRegistry returns the Prometheus registry /metrics serves: the runtime's and the
// process's collectors and meldpunt_build_info; the HTTP layer adds its own.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "meldpunt_build_info",
		Help:        "Always 1; the labels tell the version of Meldpunt and of Go.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	info.Set(1)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		info,
	)
	return reg
}

// newHTTPServer returns the server for h, with limits that keep slow or malicious clients
// from holding connections and memory.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// waitUntil runs wait and reports whether it returned within d.
func waitUntil(wait func(), d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait()
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// serveHTTP serves on ln until ctx is done, then shuts the server down: it stops
// accepting at once and gives requests in flight up to grace to finish; those still
// running then are cut off, and serveHTTP says so in its error.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve HTTP: %w", err) // Serve never returns nil
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close() // cut off what is left
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve HTTP: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("shut down HTTP: requests still running after %v were cut off: %w", grace, err)
	}
	return nil
}

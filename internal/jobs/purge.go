package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// PurgeInterval is how often expired sessions and password-reset links are deleted. They
// stop working the moment they expire; the purge only keeps the tables small.
const PurgeInterval = 10 * time.Minute

// Purger deletes expired sessions and reset links; *app.Identity is one.
type Purger interface {
	DeleteExpired(ctx context.Context) (int64, error)
}

// PurgeExpired returns the job that deletes expired sessions and reset links, logging how
// many it deleted when there were any.
func PurgeExpired(p Purger, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := p.DeleteExpired(ctx)
		if err != nil {
			return fmt.Errorf("delete expired sessions and reset links: %w", err)
		}
		if n > 0 {
			log.InfoContext(ctx, "deleted expired sessions and reset links", "count", n)
		}
		return nil
	}
}

// Work names what the standard jobs run: the service that does each.
type Work struct {
	Purge     Purger     // app.Identity
	SLA       SLAChecker // app.SLA
	Reminders Reminder   // app.Suppliers
	AutoClose AutoCloser // app.Incidents
	Deliver   Deliverer  // app.Outbox
	// Maintenance starts and completes scheduled maintenances (app.PublicIncidents); nil
	// runs no such job.
	Maintenance MaintenanceScheduler
	// Monitors runs the monitors' checks (app.Monitors behind a MonitorScheduler); nil runs
	// none. MonitorRollup rolls up their history; nil runs no such job.
	Monitors      *MonitorScheduler
	MonitorRollup MonitorRollup
}

// Standard registers the jobs every Meldpunt instance runs.
func Standard(r *Runner, w Work, log *slog.Logger) {
	r.Every("purge-expired", PurgeInterval, PurgeExpired(w.Purge, log))
	r.Every("sla-checks", SLAInterval, SLAChecks(w.SLA, log))
	r.Every("reminders", RemindersInterval, Reminders(w.Reminders, log))
	r.Every("auto-close", AutoCloseInterval, AutoClose(w.AutoClose, log))
	r.Every("deliver", DeliverInterval, Deliver(w.Deliver, log))
	if w.Maintenance != nil {
		r.Every("maintenance", MaintenanceInterval, Maintenance(w.Maintenance, log))
	}
	if w.Monitors != nil {
		// Run holds until shutdown; the Runner waits for it like for every job.
		r.Every("monitors", time.Second, func(ctx context.Context) error { w.Monitors.Run(ctx); return nil })
	}
	if w.MonitorRollup != nil {
		r.Every("monitor-rollup", MonitorRollupInterval, MonitorHistory(w.MonitorRollup, log))
	}
}

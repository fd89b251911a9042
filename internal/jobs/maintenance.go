package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// MaintenanceInterval is how often each instance starts and completes the scheduled
// maintenances whose time has come. The times themselves are exact (stored per
// maintenance); a maintenance starts or ends at most this long after its time.
const MaintenanceInterval = 10 * time.Second

// MaintenanceScheduler starts, completes and reminds of scheduled maintenances;
// *app.PublicIncidents is one. It must be safe on any number of instances at once (each
// step is claimed with a conditional update in the database).
type MaintenanceScheduler interface {
	RunMaintenance(ctx context.Context) (int, error)
}

// Maintenance returns the job that moves the due maintenances, logging how many steps this
// instance took when there were any.
func Maintenance(m MaintenanceScheduler, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := m.RunMaintenance(ctx)
		if n > 0 {
			log.InfoContext(ctx, "moved scheduled maintenances", "steps", n)
		}
		if err != nil {
			return fmt.Errorf("maintenance schedule: %w", err)
		}
		return nil
	}
}

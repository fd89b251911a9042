package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// SLAInterval is how often each instance looks for SLA warnings and breaches that are due:
// a warning or escalation goes out at most this long after its time.
const SLAInterval = 30 * time.Second

// SLAChecker sends the SLA warnings and escalations that are due; *app.SLA is one. It must
// be safe to run on any number of instances at once (app.SLA.RunChecks claims each one with a
// conditional update in the database).
type SLAChecker interface {
	RunChecks(ctx context.Context) (int, error)
}

// SLAChecks returns the job that sends the due SLA warnings and escalations, logging how
// many this instance sent when there were any.
func SLAChecks(c SLAChecker, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := c.RunChecks(ctx)
		if n > 0 {
			log.InfoContext(ctx, "sent SLA warnings and escalations", "count", n)
		}
		if err != nil {
			return fmt.Errorf("SLA checks: %w", err)
		}
		return nil
	}
}

package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// AutoCloseInterval is how often each instance closes the resolved incidents whose
// deadline has come. The deadline itself is exact (stored per incident); the job only has
// to run often, so an incident closes at most this long after its time.
const AutoCloseInterval = 30 * time.Second

// AutoCloser closes resolved incidents without a reaction in time; *app.Incidents is one. It
// must be safe to run on any number of instances at once (app.RunAutoClose claims each
// incident with a conditional update in the database).
type AutoCloser interface {
	RunAutoClose(ctx context.Context) (int, error)
}

// AutoClose returns the job that closes the due resolved incidents, logging how many this
// instance closed when there were any.
func AutoClose(c AutoCloser, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := c.RunAutoClose(ctx)
		if n > 0 {
			log.InfoContext(ctx, "closed resolved incidents automatically", "count", n)
		}
		if err != nil {
			return fmt.Errorf("auto-close: %w", err)
		}
		return nil
	}
}

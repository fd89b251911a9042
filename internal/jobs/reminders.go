package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// RemindersInterval is how often each instance looks for follow-up dates that passed and
// incidents that went stale: a reminder goes out at most this long after its time.
const RemindersInterval = 60 * time.Second

// Reminder reminds owners of passed follow-up dates and stale incidents; *app.Suppliers is one.
// Like SLAChecker it must be safe to run on any number of instances at once.
type Reminder interface {
	RunReminders(ctx context.Context) (int, error)
}

// Reminders returns the job that sends the due reminders, logging how many this instance
// sent when there were any.
func Reminders(rm Reminder, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := rm.RunReminders(ctx)
		if n > 0 {
			log.InfoContext(ctx, "sent follow-up and stale reminders", "count", n)
		}
		if err != nil {
			return fmt.Errorf("reminders: %w", err)
		}
		return nil
	}
}

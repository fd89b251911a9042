package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// DeliverInterval is how often each instance sends the outbox's due messages: a new
// message goes out at most this long after the change that caused it.
const DeliverInterval = 5 * time.Second

// Deliverer sends the outbox's due messages; *app.Outbox is one. It must be safe to run on any
// number of instances at once (app.Outbox.RunDelivery leases each message in the database).
type Deliverer interface {
	RunDelivery(ctx context.Context) (int, error)
}

// Deliver returns the job that sends the due messages, logging how many this instance sent
// when there were any.
func Deliver(d Deliverer, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := d.RunDelivery(ctx)
		if n > 0 {
			log.InfoContext(ctx, "sent mail", "count", n)
		}
		if err != nil {
			return fmt.Errorf("deliver mail: %w", err)
		}
		return nil
	}
}

package app_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store/storetest"
)

// TestSigningKeyShared: instances that make the signing key at the same moment end up with
// one key, so a reply address made by one is good on the other.
func TestSigningKeyShared(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			for round := range 5 {
				db1, db2 := storetest.OpenTwice(t, dialect)
				log := slog.New(slog.NewTextHandler(io.Discard, nil))
				cfg := app.Config{Holidays: holidays.NL(), BaseURL: "https://desk.example.com"}
				apps := []*app.Services{app.New(db1, time.Now, log, cfg), app.New(db2, time.Now, log, cfg)}
				addrs := make([]string, len(apps))
				var wg sync.WaitGroup
				for i, a := range apps {
					wg.Go(func() {
						addr, err := a.Outbox.ReplyAddress(context.Background(), 42)
						if err != nil {
							t.Error(err)
						}
						addrs[i] = addr
					})
				}
				wg.Wait()
				if addrs[0] == "" || addrs[0] != addrs[1] {
					t.Fatalf("round %d: the instances sign differently: %q and %q", round, addrs[0], addrs[1])
				}
				for _, a := range apps { // and each accepts the other's
					if err := a.Inbox.AcceptRecipient(context.Background(), addrs[0]); err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
			}
		})
	}
}

package main

import (
	"context"
	"io"
	"log/slog"

	"meldpunt/internal/demo"
)

// loadDemo is the demo command: it loads the demo data into the configured database,
// unless it is there already, and prints the accounts.
func loadDemo(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	a, done, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer done()
	s, err := demo.Load(ctx, a)
	if err != nil {
		return err
	}
	return s.Print(stdout)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"meldpunt/internal/store"
)

// openDB opens the configured database and applies the migration policy: pending
// migrations are applied (on PostgreSQL under an advisory lock, so instances starting
// together are safe), unless cfg.NoMigrate, which refuses a schema that is behind instead.
// A schema newer than this binary is always refused: an older binary must not write to it.
func openDB(ctx context.Context, cfg Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.dsn(), log)
	if err != nil {
		return nil, fmt.Errorf("open database (%s): %w", cfg.describeDB(), err)
	}
	if err := prepareSchema(ctx, db, cfg.NoMigrate, log); err != nil {
		closeDB(db, log)
		return nil, err
	}
	return db, nil
}

func prepareSchema(ctx context.Context, db *store.DB, noMigrate bool, log *slog.Logger) error {
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the database schema version: %w", err)
	}
	switch {
	case current > latest:
		return newerSchema(current, latest)
	case current == latest:
		return nil
	case noMigrate:
		return fmt.Errorf("the database schema is at version %d and this meldpunt needs version %d; "+
			"run 'meldpunt migrate' first (or start without --no-migrate to migrate on start)", current, latest)
	}
	n, err := db.Migrate(ctx)
	if errors.Is(err, store.ErrSchemaNewer) {
		return fmt.Errorf("%w; run a newer meldpunt, or restore a backup made with this version", err)
	}
	if err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	after, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the database schema version: %w", err)
	}
	log.InfoContext(ctx, "migrated the database", "applied", n, "from_version", current, "version", after)
	return nil
}

func newerSchema(current, latest int) error {
	return fmt.Errorf("the database schema is at version %d but this meldpunt knows only up to %d: %w; "+
		"run a newer meldpunt, or restore a backup made with this version", current, latest, store.ErrSchemaNewer)
}

// closeDB closes the database, logging a failure: at that point nobody can act on it.
func closeDB(db *store.DB, log *slog.Logger) {
	if err := db.Close(); err != nil {
		log.Error("close the database", "err", err)
	}
}

// migrate is the migrate command: it applies pending migrations and reports the version.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	db, err := store.Open(ctx, cfg.dsn(), log)
	if err != nil {
		return fmt.Errorf("open database (%s): %w", cfg.describeDB(), err)
	}
	defer closeDB(db, log)
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the database schema version: %w", err)
	}
	if current > latest {
		return newerSchema(current, latest)
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate the database (%s): %w", cfg.describeDB(), err)
	}
	after, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the database schema version: %w", err)
	}
	switch n {
	case 0:
		_, err = fmt.Fprintf(stdout, "The database schema is up to date (version %d); nothing to migrate.\n", after)
	case 1:
		_, err = fmt.Fprintf(stdout, "Applied 1 migration; the database schema is at version %d.\n", after)
	default:
		_, err = fmt.Fprintf(stdout, "Applied %d migrations; the database schema is at version %d.\n", n, after)
	}
	return err
}

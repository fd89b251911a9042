package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the numbered migrations of each dialect, migrations/<dialect>/NNNN_name.sql.
//
//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaNewer is returned by CheckSchema (and Migrate) when the database has migrations
// this binary does not know: a newer Meldpunt ran against it, and this older one must not
// write to a schema it does not understand.
var ErrSchemaNewer = errors.New("the database schema is newer than this version of meldpunt")

// migrateLockKey names the PostgreSQL advisory lock that serialises Migrate across
// instances; the value is arbitrary but fixed ("meld").
const migrateLockKey = 0x6d656c64

// migration is one embedded .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's migrations, ordered by version.
func (db *DB) migrations() ([]migration, error) {
	dir := path.Join("migrations", db.dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// SchemaDigest returns a short hash of the dialect's embedded migrations: two binaries with
// the same digest build the same schema. Tests use it to name a migrated template database
// that every test of one schema can copy.
func SchemaDigest(dialect string) (string, error) {
	ms, err := (&DB{dialect: dialect}).migrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s %d\n%s\n", m.version, m.name, len(m.sql), m.sql)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Migrate applies the pending embedded migrations, each with its version row in its own
// transaction, and returns how many it applied. On PostgreSQL it holds an advisory lock
// meanwhile, so several instances starting at once do not race.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	return db.migrate(ctx, 0)
}

// migrate is Migrate up to and including version target; 0 means every migration.
func (db *DB) migrate(ctx context.Context, target int) (applied int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == DialectPostgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
			return 0, fmt.Errorf("migrate: take lock: %w", err)
		}
		defer func() {
			_, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey)
			if uerr != nil && err == nil {
				err = fmt.Errorf("migrate: release lock: %w", uerr)
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return 0, err
	}
	if len(done) > 0 && len(ms) > 0 && slices.Max(done) > ms[len(ms)-1].version {
		return 0, fmt.Errorf("migrate: database at version %d, this binary knows %d: %w",
			slices.Max(done), ms[len(ms)-1].version, ErrSchemaNewer)
	}
	for _, m := range ms {
		if target > 0 && m.version > target {
			break
		}
		if slices.Contains(done, m.version) {
			continue
		}
		if err := db.apply(ctx, conn, m); err != nil {
			return applied, err
		}
		applied++
		db.logger.Info("applied migration", "dialect", db.dialect, "migration", m.name)
	}
	return applied, nil
}

func appliedVersions(ctx context.Context, conn *sql.Conn) ([]int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	return vs, nil
}

// apply runs one migration and records it in the same transaction.
func (db *DB) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer func() { _ = sqlTx.Rollback() }() // a no-op after Commit
	if _, err := sqlTx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := sqlTx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
		m.version, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migration %s: record version: %w", m.name, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// SchemaVersion returns the highest applied migration (0 on an empty database) and the
// highest this binary knows, for `meldpunt migrate` and health output.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	exists := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if db.dialect == DialectPostgres {
		exists = `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var n int
	if err := db.read.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, latest, fmt.Errorf("schema version: %w", err)
	}
	if n == 0 {
		return 0, latest, nil
	}
	if err := db.read.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return 0, latest, fmt.Errorf("schema version: %w", err)
	}
	return current, latest, nil
}

// CheckSchema tells the server whether it may start: nil when the schema is current, an
// error saying "run meldpunt migrate" when it is behind, ErrSchemaNewer when it is ahead.
func (db *DB) CheckSchema(ctx context.Context) error {
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < latest:
		return fmt.Errorf("the database schema is at version %d, this version of meldpunt needs %d: run meldpunt migrate", current, latest)
	case current > latest:
		return fmt.Errorf("database at version %d, this binary knows %d: %w", current, latest, ErrSchemaNewer)
	}
	return nil
}

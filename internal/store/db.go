// Package store keeps Meldpunt's data in SQLite or PostgreSQL behind one implementation of
// app.Store, so the rest of the program never knows which database it talks to. The same
// SQL serves both dialects wherever it can; migrations are embedded per dialect.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"meldpunt/internal/app"
)

// The two dialects Dialect returns.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DefaultSQLitePath is where Open puts the database when the DSN is empty, so that the
// server runs with zero configuration.
const DefaultSQLitePath = "meldpunt.db"

var _ app.Store = (*DB)(nil)

// DB is an open database. On SQLite it holds one writer connection (SQLite allows one
// writer at a time; queueing in Go is cheaper than busy-waiting in SQLite) and a pool of
// read-only connections; on PostgreSQL one pool serves both.
type DB struct {
	dialect string
	write   *sql.DB
	read    *sql.DB
	logger  *slog.Logger
	// Prepared statements of the writer and of the readers; nil on PostgreSQL.
	writeStmts, readStmts *stmtCache
	// group lets concurrent SQLite write transactions share a commit (batch.go).
	group groupCommit
}

// Open connects to dsn: "" or a file path (or "sqlite:PATH") means SQLite; a "postgres://"
// or "postgresql://" URL means PostgreSQL. It checks that the database answers; it does not
// migrate (see Migrate and CheckSchema).
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, logger)
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path != dsn {
		path = strings.TrimPrefix(path, "//") // sqlite:///abs/path
	}
	if path == "" {
		path = DefaultSQLitePath
	}
	return openSQLite(ctx, path, logger)
}

func openPostgres(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{dialect: DialectPostgres, write: pool, read: pool, logger: logger}, nil
}

func openSQLite(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	if path == ":memory:" {
		return nil, errors.New("open sqlite: an in-memory database cannot be shared by the writer and the readers; give a file path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite: create directory: %w", err)
	}
	// A file: URI with an escaped path, so that '?' or '#' in a file name cannot be taken
	// for the start of the parameters.
	name := "file:" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath()
	common := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

	// temp_store(MEMORY): group commit runs each caller in a savepoint (batch.go), and
	// SQLite keeps the original of every page a savepoint changes in a sub-journal. On
	// disk, past 64 KiB, that cost a write system call per page, an eighth of the CPU of
	// creating an incident; in memory it is a copy, and it is emptied at each release.
	write, err := sql.Open("sqlite", name+"?"+common+"&_pragma=journal_mode(WAL)&_pragma=temp_store(MEMORY)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// The writer connects first: it creates the file and switches it to WAL, which the
	// read-only connections cannot do.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}

	read, err := sql.Open("sqlite", name+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	readers := min(max(runtime.NumCPU(), 4), 8)
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	return &DB{dialect: DialectSQLite, write: write, read: read, logger: logger,
		writeStmts: newStmtCache(write), readStmts: newStmtCache(read)}, nil
}

// Dialect tells which database this is, "sqlite" or "postgres", for the few places
// (migrations, diagnostics) where that matters.
func (db *DB) Dialect() string { return db.dialect }

// Read runs fn in a read-only transaction, so it sees one consistent snapshot and cannot
// change anything by mistake.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	return db.run(ctx, db.read, db.readStmts, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in one transaction: all of it is stored, or (when fn or the commit fails)
// none of it.
func (db *DB) Write(ctx context.Context, fn func(app.Tx) error) error {
	if db.dialect == DialectSQLite {
		return db.writeGrouped(ctx, fn)
	}
	return db.run(ctx, db.write, db.writeStmts, nil, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(app.Tx) error) (err error) {
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer stmts.prepareMissed(ctx) // runs after the rollback below has freed the connection
	committed := false
	defer func() {
		if !committed {
			// The rollback error adds nothing: fn's error (or the panic) is the cause,
			// and a failed rollback discards the connection anyway.
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(&tx{tx: sqlTx, dialect: db.dialect, stmts: stmts}); err != nil {
		return err
	}
	committed = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// Ping tells whether the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	if db.read != db.write {
		if err := db.read.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s readers: %w", db.dialect, err)
		}
	}
	return nil
}

// Close closes every connection; on SQLite the last close also checkpoints the WAL.
func (db *DB) Close() error {
	db.writeStmts.close()
	db.readStmts.close()
	var errs []error
	if db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", db.dialect, err)
	}
	return nil
}

// Package storetest gives every package's tests a fresh, migrated database of each
// dialect, so the same test runs against SQLite and (when a server is there) PostgreSQL.
//
// PostgreSQL: MELDPUNT_TEST_POSTGRES holds an admin URL. When it is set, the server must
// answer (a test fails otherwise: the test script promised one). When it is unset,
// postgres://postgres@127.0.0.1:5432/postgres is tried once per process; if it does not
// answer, PostgreSQL is skipped with a log line.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection

	"meldpunt/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL admin URL.
const EnvPostgres = "MELDPUNT_TEST_POSTGRES"

// DefaultPostgres is tried when EnvPostgres is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// postgresAdmin finds the PostgreSQL admin URL once per process: "" when there is none
// to use, an error when EnvPostgres names a server that does not answer.
var postgresAdmin = sync.OnceValues(func() (string, error) {
	if u := os.Getenv(EnvPostgres); u != "" {
		if err := ping(u, 15*time.Second); err != nil {
			return "", fmt.Errorf("%s is set but the server does not answer: %w", EnvPostgres, err)
		}
		return u, nil
	}
	if err := ping(DefaultPostgres, 2*time.Second); err != nil {
		return "", nil
	}
	return DefaultPostgres, nil
})

func ping(u string, timeout time.Duration) error {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return db.PingContext(ctx)
}

// Dialects returns the dialects to test: always "sqlite"; "postgres" when a server is
// available.
func Dialects(t testing.TB) []string {
	t.Helper()
	admin, err := postgresAdmin()
	if err != nil {
		t.Fatal(err)
	}
	if admin == "" {
		t.Logf("PostgreSQL tests skipped: %s is unset and %s does not answer", EnvPostgres, DefaultPostgres)
		return []string{store.DialectSQLite}
	}
	return []string{store.DialectSQLite, store.DialectPostgres}
}

// Open returns a new, migrated, empty database of that dialect, closed (and on PostgreSQL
// dropped) when the test ends. It is a copy of a template migrated once per schema, not a
// database migrated anew, so that a test pays for a file copy or a CREATE DATABASE … TEMPLATE
// instead of every migration.
func Open(t testing.TB, dialect string) *store.DB {
	t.Helper()
	return openDSN(t, dialect, cloneDSN(t, dialect))
}

// OpenEmpty is Open without the migrations, for tests of migrating itself.
func OpenEmpty(t testing.TB, dialect string) *store.DB {
	t.Helper()
	return openDSN(t, dialect, newDSN(t, dialect))
}

// OpenTwice returns two handles on one new, migrated, empty database of that dialect, as
// two Meldpunt instances sharing a database have: each with its own connections (on SQLite
// its own writer). Both are closed (and on PostgreSQL the database dropped) when the test
// ends.
func OpenTwice(t testing.TB, dialect string) (*store.DB, *store.DB) {
	t.Helper()
	dsn := cloneDSN(t, dialect)
	return openDSN(t, dialect, dsn), openDSN(t, dialect, dsn)
}

// newDSN names a new, empty database of the dialect: a file in the test's directory, or a
// PostgreSQL database created for the test.
func newDSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case store.DialectSQLite:
		return filepath.Join(t.TempDir(), "meldpunt.db")
	case store.DialectPostgres:
		return createDatabase(t)
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return ""
}

// openDSN opens dsn and closes it when the test ends.
func openDSN(t testing.TB, dialect, dsn string) *store.DB {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := store.Open(context.Background(), dsn, logger)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", dialect, err)
	}
	// Registered after createDatabase's cleanup, so it runs before the drop.
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storetest: %v", err)
		}
	})
	return db
}

// createDatabase creates an empty PostgreSQL database, drops it when the test ends, and
// returns its URL.
func createDatabase(t testing.TB) string {
	return createDatabaseFrom(t, "")
}

// createDatabaseFrom is createDatabase; with a template it creates a copy of it.
func createDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	admin, err := postgresAdmin()
	if err != nil {
		t.Fatal(err)
	}
	if admin == "" {
		t.Fatalf("storetest: no PostgreSQL server (set %s)", EnvPostgres)
	}
	name := "meldpunt_test_" + randomSuffix()
	createSuffix := ""
	if template != "" {
		createSuffix = " TEMPLATE " + template + cloneStrategy()
	}
	if err := adminExec("CREATE DATABASE " + name + createSuffix); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})

	u, err := dbURL(admin, name)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	return u
}

// adminExec runs one statement on one of the process's few admin connections (adminDB).
func adminExec(stmt string) error {
	db, err := adminDB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// adminDB is the process's pool of admin connections. Every test creates and drops a
// database, a few hundred per run, parallel tests at once: a connection opened per
// statement doubled the server's connections (each a process that starts and loads its
// catalog caches) for nothing. A few connections, kept open, serve them all, and leave the
// server's other connections to the tests.
var adminDB = sync.OnceValues(func() (*sql.DB, error) {
	admin, err := postgresAdmin()
	if err != nil {
		return nil, err
	}
	if admin == "" {
		return nil, fmt.Errorf("no PostgreSQL server (set %s)", EnvPostgres)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	return db, nil
})

// Each runs fn as a subtest per dialect, each on its own fresh database. The subtests run
// in parallel (with each other and with other parallel tests): fn must not share mutable
// state outside its database, and the caller must not rely on them having run when Each
// returns (a t.Cleanup of the caller runs after them; a defer does not).
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, dialect := range Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, dialect))
		})
	}
}

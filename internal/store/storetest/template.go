package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/store"
)

// Migrating takes a second or more on PostgreSQL (every migration commits, and the server
// syncs each commit) and tens of milliseconds on SQLite; a test suite that migrates a
// database per test spends most of its time there. So each schema is migrated once: on
// SQLite into a file whose bytes every test writes to its own file, on PostgreSQL into a
// template database that every test copies with CREATE DATABASE … TEMPLATE. The template is
// named by the digest of the migrations, so test binaries of the same schema share it (also
// across packages and runs) and a changed migration makes a new one.

// templatePrefix starts the name of every template database.
const templatePrefix = "meldpunt_tpl_"

// templateLockKey names the advisory lock under which test binaries create a template, so
// that two of them starting together do not both build it ("tmpl").
const templateLockKey = 0x746d706c

// staleTemplate is the age after which a template of another schema is dropped: no test
// binary still running uses it.
const staleTemplate = 24 * time.Hour

// cloneDSN names a new database of the dialect, migrated: a copy of the schema's template.
func cloneDSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case store.DialectSQLite:
		image, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("storetest: sqlite template: %v", err)
		}
		path := filepath.Join(t.TempDir(), "meldpunt.db")
		if err := os.WriteFile(path, image, 0o600); err != nil {
			t.Fatalf("storetest: copy the sqlite template: %v", err)
		}
		return path
	case store.DialectPostgres:
		name, err := postgresTemplate()
		if err != nil {
			t.Fatalf("storetest: postgres template: %v", err)
		}
		return createDatabaseFrom(t, name)
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return ""
}

// sqliteTemplate migrates a database file once per process and returns its bytes. The
// database is closed first, so the WAL is checkpointed into the file and removed.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "meldpunt-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "meldpunt.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("the write-ahead log of %s was not checkpointed at close", path)
	}
	return os.ReadFile(path)
})

// postgresTemplate returns the name of the template database of this binary's schema,
// creating and migrating it when no test binary did so before.
var postgresTemplate = sync.OnceValues(func() (string, error) {
	admin, err := postgresAdmin()
	if err != nil {
		return "", err
	}
	if admin == "" {
		return "", fmt.Errorf("no PostgreSQL server (set %s)", EnvPostgres)
	}
	digest, err := store.SchemaDigest(store.DialectPostgres)
	if err != nil {
		return "", err
	}
	name := templatePrefix + digest

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx) // the advisory lock belongs to this one session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", templateLockKey)

	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	dropStale(ctx, conn, name)

	// Build under another name and rename when complete, so that a binary killed halfway
	// leaves no template that looks finished.
	building := name + "_building"
	for _, stmt := range []string{
		"DROP DATABASE IF EXISTS " + building + " WITH (FORCE)",
		"CREATE DATABASE " + building,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return "", fmt.Errorf("%s: %w", stmt, err)
		}
	}
	u, err := dbURL(admin, building)
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, u, nil)
	if err != nil {
		return "", err
	}
	_, err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	for _, stmt := range []string{
		"ALTER DATABASE " + building + " RENAME TO " + name,
		// No one connects to a template, so CREATE DATABASE … TEMPLATE never finds it busy.
		"ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
		"COMMENT ON DATABASE " + name + " IS '" + strconv.FormatInt(time.Now().Unix(), 10) + "'",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return "", fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return name, nil
})

// dropStale drops the templates of other schemas made more than staleTemplate ago (their
// comment holds the Unix time of their making). Failures are ignored: a template left
// behind costs disk space, nothing else.
func dropStale(ctx context.Context, conn *sql.Conn, keep string) {
	rows, err := conn.QueryContext(ctx, `SELECT d.datname, COALESCE(shobj_description(d.oid, 'pg_database'), '')
		FROM pg_database d WHERE d.datname LIKE 'meldpunt\_tpl\_%' AND d.datname <> $1`, keep)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if rows.Scan(&name, &comment) != nil {
			continue
		}
		made, err := strconv.ParseInt(comment, 10, 64)
		if strings.HasSuffix(name, "_building") || (err == nil && time.Since(time.Unix(made, 0)) > staleTemplate) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = conn.ExecContext(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE false")
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
}

// cloneStrategy returns how CREATE DATABASE copies a template on this server: " STRATEGY
// FILE_COPY" on a server that does not sync (scripts/test's throw-away cluster), else ""
// (the default). The default, WAL_LOG, writes the template's every page (9 MB, mostly the
// system catalogs) to the write-ahead log; FILE_COPY copies the files, which costs the
// server a fifth less CPU per test, but it takes two checkpoints, which on a server that
// syncs are slow for every session of it. Before PostgreSQL 15 there is no choice.
var cloneStrategy = sync.OnceValue(func() string {
	db, err := adminDB()
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var fsync string
	var version int
	err = db.QueryRowContext(ctx, "SELECT current_setting('fsync'), current_setting('server_version_num')::int").Scan(&fsync, &version)
	if err != nil || fsync != "off" || version < 150000 {
		return ""
	}
	return " STRATEGY FILE_COPY"
})

// dbURL returns the admin URL with its database replaced by name. Its sessions commit
// without waiting for the server to sync the WAL to disk (synchronous_commit=off, which pgx
// sends as a run-time parameter): a test's data need not survive a crash of the server,
// and waiting for the disk was most of the suite's time. Everything else about a commit
// (atomicity, isolation, constraints) is unchanged.
func dbURL(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// randomSuffix returns 16 random hex digits, to name a database no other test uses.
func randomSuffix() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

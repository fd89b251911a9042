package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/store"
)

// latestSchema returns the newest migration this binary knows.
func latestSchema(t *testing.T) int {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "probe.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, latest, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return latest
}

// schemaVersion returns the schema version of a database.
func schemaVersion(t *testing.T, dsn string) int {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	current, _, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return current
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	latest := latestSchema(t)
	data := t.TempDir()
	e := env{"MELDPUNT_DATA": data}
	out := mustRun(t, e, "migrate")
	// Migration numbers may have gaps: count the files, not the newest number.
	files, err := filepath.Glob("../../internal/store/migrations/sqlite/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %d, %v", len(files), err)
	}
	want := regexp.MustCompile(fmt.Sprintf(`^Applied %d migrations?; the database schema is at version %d\.\n$`, len(files), latest))
	if !want.MatchString(out) {
		t.Errorf("first migrate printed %q", out)
	}
	out = mustRun(t, e, "migrate")
	if out != fmt.Sprintf("The database schema is up to date (version %d); nothing to migrate.\n", latest) {
		t.Errorf("second migrate printed %q", out)
	}
	if v := schemaVersion(t, filepath.Join(data, "meldpunt.db")); v != latest {
		t.Errorf("schema at %d after migrate, want %d", v, latest)
	}
}

func TestNoMigrateRefusesAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsn := filepath.Join(data, "meldpunt.db")
	for _, tt := range []struct {
		env  env
		args []string
	}{
		{env{"MELDPUNT_DATA": data}, []string{"serve", "--addr", "127.0.0.1:0", "--no-migrate"}},
		{env{"MELDPUNT_DATA": data, "MELDPUNT_NO_MIGRATE": "true"}, []string{"--addr", "127.0.0.1:0"}},
		{env{"MELDPUNT_DATA": data}, []string{"--no-migrate", "user", "create", "--email", "a@example.com", "--name", "A", "--role", "admin"}},
	} {
		_, stderr, err := run(t, tt.env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), "run 'meldpunt migrate'") {
			t.Errorf("meldpunt %v: %v, want a refusal naming meldpunt migrate", tt.args, err)
		}
		if strings.Contains(stderr, `"listening"`) {
			t.Errorf("meldpunt %v listened", tt.args)
		}
	}
	if v := schemaVersion(t, dsn); v != 0 {
		t.Errorf("--no-migrate migrated: schema at %d", v)
	}
	mustRun(t, env{"MELDPUNT_DATA": data}, "migrate")
	in := serveInstance(t, env{"MELDPUNT_DATA": data}, "--addr", "127.0.0.1:0", "--no-migrate")
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestSchemaNewerThanTheBinaryIsRefused(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsn := filepath.Join(data, "meldpunt.db")
	e := env{"MELDPUNT_DATA": data}
	mustRun(t, e, "migrate")
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", latestSchema(t)+1); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0"},
		{"serve", "--addr", "127.0.0.1:0", "--no-migrate"},
		{"migrate"},
		{"token", "create", "--email", "a@example.com"},
	} {
		_, _, err := run(t, e, args...)
		if !errors.Is(err, store.ErrSchemaNewer) || !strings.Contains(err.Error(), "run a newer meldpunt") {
			t.Errorf("meldpunt %v: %v, want ErrSchemaNewer with advice", args, err)
		}
	}
}

// postgresDatabase creates an empty PostgreSQL database meldpunt_cli_<random>, dropped at
// the end of the test, and returns its URL. MELDPUNT_TEST_POSTGRES holds an admin URL;
// when it is unset and the default server does not answer, the test is skipped.
func postgresDatabase(t *testing.T) string {
	t.Helper()
	admin, explicit := os.LookupEnv("MELDPUNT_TEST_POSTGRES")
	if !explicit || admin == "" {
		admin, explicit = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", false
	}
	exec := func(stmt string) error {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = db.ExecContext(ctx, stmt)
		return err
	}
	if err := exec("SELECT 1"); err != nil {
		if explicit {
			t.Fatalf("MELDPUNT_TEST_POSTGRES is set, but the server does not answer: %v", err)
		}
		t.Skipf("no PostgreSQL (set MELDPUNT_TEST_POSTGRES): %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "meldpunt_cli_" + hex.EncodeToString(b)
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	t.Run("migrate", func(t *testing.T) {
		dsn := postgresDatabase(t)
		latest := latestSchema(t)
		if _, _, err := run(t, env{}, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--no-migrate", "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "run 'meldpunt migrate'") {
			t.Errorf("--no-migrate on an empty PostgreSQL database: %v", err)
		}
		if out := mustRun(t, env{}, "migrate", "--db", dsn); !strings.HasPrefix(out, "Applied ") {
			t.Errorf("first migrate: %q", out)
		}
		if out := mustRun(t, env{"MELDPUNT_DB": dsn}, "migrate"); !strings.Contains(out, "nothing to migrate") {
			t.Errorf("second migrate: %q", out)
		}
		if v := schemaVersion(t, dsn); v != latest {
			t.Errorf("schema at %d, want %d", v, latest)
		}
	})

	t.Run("instances starting together", func(t *testing.T) {
		dsn := postgresDatabase(t)
		e := env{"MELDPUNT_DB": dsn}
		const n = 3
		ins := make([]*instance, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var err error
				if ins[i], err = launch(t, e, "--addr", "127.0.0.1:0", "--data", t.TempDir()); err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for _, in := range ins {
			if code, body := get(t, in.url+"/readyz"); code != 200 {
				t.Errorf("/readyz = %d %s", code, body)
			}
		}
		if v := schemaVersion(t, dsn); v != latestSchema(t) {
			t.Errorf("schema at %d", v)
		}
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var providers int
		if err := raw.QueryRow("SELECT count(*) FROM organisations WHERE kind = 'provider'").Scan(&providers); err != nil || providers != 1 {
			t.Errorf("%d provider organisations (%v), want 1", providers, err)
		}

		// Users and tokens on PostgreSQL, used by a running instance.
		mustRun(t, e, "user", "create", "--email", "pg@example.com", "--name", "Pee Gee", "--role", "agent", "--password", "postgres password")
		out := mustRun(t, e, "token", "create", "--email", "pg@example.com")
		words := strings.Fields(out)
		token := words[len(words)-1]
		for _, in := range ins {
			if code, body := get(t, in.url+"/api/v1/me", "Authorization: Bearer "+token); code != 200 || !strings.Contains(body, "pg@example.com") {
				t.Errorf("GET /api/v1/me with the token = %d %s", code, body)
			}
		}
		for _, in := range ins {
			if err := in.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}
		// With a user, no instance offers setup any more.
		in := serveInstance(t, e, "--addr", "127.0.0.1:0", "--data", t.TempDir())
		if strings.Contains(in.stdout.String(), "/setup?token=") {
			t.Error("an instance offered setup although a user exists")
		}
	})
}

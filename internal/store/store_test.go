package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.OpenEmpty(t, dialect)
			if db.Dialect() != dialect {
				t.Fatalf("Dialect() = %q, want %q", db.Dialect(), dialect)
			}
			current, latest, err := db.SchemaVersion(ctx)
			if err != nil || current != 0 || latest < 1 {
				t.Fatalf("SchemaVersion on an empty database = %d, %d, %v; want 0, >=1, nil", current, latest, err)
			}
			if err := db.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), "run meldpunt migrate") {
				t.Fatalf("CheckSchema on an empty database = %v, want an error saying to run meldpunt migrate", err)
			}
			applied, err := db.Migrate(ctx)
			if n := migrationFiles(t, dialect); err != nil || applied != n {
				t.Fatalf("Migrate = %d, %v; want %d, nil", applied, err, n)
			}
			if current, _, _ := db.SchemaVersion(ctx); current != latest {
				t.Fatalf("SchemaVersion after Migrate: current %d, want %d", current, latest)
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema after Migrate = %v", err)
			}
			if applied, err := db.Migrate(ctx); err != nil || applied != 0 {
				t.Fatalf("second Migrate = %d, %v; want 0, nil", applied, err)
			}
		})
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.OpenEmpty(t, dialect)
			_, latest, err := db.SchemaVersion(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			results := make([]int, 4)
			errs := make([]error, 4)
			for i := range results {
				wg.Go(func() { results[i], errs[i] = db.Migrate(t.Context()) })
			}
			wg.Wait()
			total := 0
			for i := range results {
				if errs[i] != nil {
					t.Fatalf("Migrate %d: %v", i, errs[i])
				}
				total += results[i]
			}
			if n := migrationFiles(t, dialect); total != n {
				t.Fatalf("concurrent Migrates applied %d migrations in all, want %d (schema version %d)", total, n, latest)
			}
		})
	}
}

func TestSchemaNewer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		_, latest, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.WriterForTest().ExecContext(ctx,
			"INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", latest+1); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("CheckSchema = %v, want ErrSchemaNewer", err)
		}
		if _, err := db.Migrate(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("Migrate = %v, want ErrSchemaNewer", err)
		}
	})
}

func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	w := db.WriterForTest()
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"query_only", "0"},
	} {
		var got string
		if err := w.QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("writer PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
}

func TestOpenSQLiteDSN(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "does", "not", "exist")
	path := filepath.Join(dir, "data?#.db")
	db, err := store.Open(t.Context(), "sqlite:"+path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if db.Dialect() != store.DialectSQLite {
		t.Fatalf("Dialect() = %q", db.Dialect())
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not where the DSN says: %v", err)
	}
	if _, err := store.Open(t.Context(), ":memory:", nil); err == nil {
		t.Fatal("Open(:memory:) succeeded, want an error")
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := db.Ping(t.Context()); err == nil {
			t.Fatal("Ping after Close succeeded")
		}
	})
}

func TestWriteRollsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			o := desk.Organisation{Slug: "gone", Name: "Gone", Kind: desk.OrgClient, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateOrganisation(ctx, &o); err != nil {
				return err
			}
			if err := tx.PutSetting(ctx, "gone", "yes"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write = %v, want the callback's error", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a panic in the callback was swallowed")
				}
			}()
			_ = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
				o := desk.Organisation{Slug: "panic", Name: "Panic", Kind: desk.OrgClient, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateOrganisation(ctx, &o); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			orgs, err := tx.Organisations(ctx, "")
			if err != nil {
				return err
			}
			if len(orgs) != 0 {
				t.Errorf("after rolled-back writes: %d organisations, want 0", len(orgs))
			}
			_, err = tx.Setting(ctx, "gone")
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
	})
}

func TestReadIsReadOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Read(t.Context(), func(tx app.Tx) error {
			return tx.PutSetting(t.Context(), "k", "v")
		})
		if err == nil {
			t.Fatal("a write inside Read succeeded")
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Setting(ctx, "k")
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Setting(ctx, "matrix")
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutSetting(ctx, "matrix", `{"v":1}`) })
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutSetting(ctx, "matrix", `{"v":2}`) })
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutSetting(ctx, "empty", "") })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for key, want := range map[string]string{"matrix": `{"v":2}`, "empty": ""} {
				got, err := tx.Setting(ctx, key)
				if err != nil || got != want {
					t.Errorf("Setting(%s) = %q, %v; want %q", key, got, err, want)
				}
			}
			return nil
		})
	})
}

// migrationFiles counts the dialect's migrations. The numbers may have gaps (each part of a
// change takes its own number, and they land in any order), so the newest version is not
// the count.
func migrationFiles(t *testing.T, dialect string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", dialect, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations of %s: %d files, %v", dialect, len(files), err)
	}
	return len(files)
}

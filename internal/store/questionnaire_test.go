package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestQuestionnaireVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, v := range []int{0, 1} {
				_, err := tx.Questionnaire(ctx, v)
				wantCode(t, err, desk.ENOTFOUND)
			}
			return nil
		})

		first := desk.DefaultQuestionnaire()
		first.Version = 42 // ignored: the store numbers the versions
		second := desk.DefaultQuestionnaire()
		second.Questions = second.Questions[:len(second.Questions)-1]
		second.Questions[0].Text = desk.Text{desk.LocaleNL: "Werkt het? ✓", desk.LocaleEN: "Does it work? \"quoted\""}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateQuestionnaire(ctx, &first, &f.agent.ID, t0); err != nil {
				return err
			}
			return tx.CreateQuestionnaire(ctx, &second, nil, t0)
		})
		if first.Version != 1 || second.Version != 2 {
			t.Fatalf("versions %d, %d; want 1, 2", first.Version, second.Version)
		}

		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, c := range []struct {
				ask  int
				want desk.Questionnaire
			}{{0, second}, {1, first}, {2, second}} {
				got, err := tx.Questionnaire(ctx, c.ask)
				if err != nil {
					return err
				}
				if got.Version != c.want.Version || !reflect.DeepEqual(got, c.want) {
					t.Errorf("Questionnaire(%d) = version %d %+v\nwant version %d %+v", c.ask, got.Version, got, c.want.Version, c.want)
				}
			}
			_, err := tx.Questionnaire(ctx, 3)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		// The stored hash identifies the content, whatever the version.
		rows, err := db.WriterForTest().QueryContext(t.Context(),
			"SELECT version, hash, created_by, created_at FROM questionnaires ORDER BY version")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		type row struct {
			version   int
			hash      string
			createdBy *int64
			createdAt int64
		}
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.version, &r.hash, &r.createdBy, &r.createdAt); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		want := []row{{1, desk.DefaultQuestionnaire().Hash(), &f.agent.ID, t0.UnixMilli()}, {2, second.Hash(), nil, t0.UnixMilli()}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("stored rows = %+v, want %+v", got, want)
		}

		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			q := desk.DefaultQuestionnaire()
			return tx.CreateQuestionnaire(ctx, &q, ptr(int64(999999)), t0)
		})
		wantCode(t, err, desk.EINVALID)
	})
}

// Admins saving at once get consecutive versions, none lost and none refused.
func TestQuestionnaireConcurrentVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		versions := make([]int, n)
		for i := range n {
			wg.Go(func() {
				q := desk.DefaultQuestionnaire()
				errs[i] = db.Write(t.Context(), func(tx app.Tx) error {
					return tx.CreateQuestionnaire(t.Context(), &q, nil, t0)
				})
				versions[i] = q.Version
			})
		}
		wg.Wait()
		seen := map[int]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("CreateQuestionnaire %d: %v", i, errs[i])
			}
			seen[versions[i]] = true
		}
		for v := 1; v <= n; v++ {
			if !seen[v] {
				t.Errorf("versions %v: %d is missing", versions, v)
			}
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			q, err := tx.Questionnaire(ctx, 0)
			if err != nil {
				return err
			}
			if q.Version != n {
				t.Errorf("newest version %d, want %d", q.Version, n)
			}
			return nil
		})
	})
}

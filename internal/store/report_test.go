package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestReportRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		urgent, phoned, other := newIncident(f.acme.ID, "Site down"), newIncident(f.acme.ID, "By phone"), newIncident(f.acme.ID, "Other")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, in := range []*desk.Incident{&urgent, &phoned, &other} {
				if err := tx.CreateIncident(ctx, in); err != nil {
					return err
				}
			}
			return nil
		})
		_, hash := desk.Procedure(desk.LocaleEN, "Studio")
		accepted := t0.Add(90 * time.Second)
		full := desk.Report{IncidentID: urgent.ID, QuestionnaireVersion: 3,
			Answers: desk.Answers{"availability": {"down"}, "impacts": {"a", "b"}, "skipped": {}},
			Evaluation: desk.Evaluation{Verdict: desk.VerdictUrgent, Criteria: []string{desk.CriterionUnavailable},
				Exclusions: []string{}, Urgency: desk.High, Impact: desk.Normal, Priority: desk.P2},
			ProcedureLocale: desk.LocaleEN, ProcedureHash: hash, AcceptedByID: f.alice.ID,
			AcceptedAt: accepted, AcceptedFrom: "2001:db8::1"}
		// Registered by an agent without an acceptance: the acceptance fields stay empty.
		bare := desk.Report{IncidentID: phoned.ID, QuestionnaireVersion: 1, Answers: desk.Answers{},
			Evaluation: desk.Evaluation{Verdict: desk.VerdictRegular, Criteria: []string{},
				Exclusions: []string{desk.ExclusionFeatureRequest}, Urgency: desk.Low, Impact: desk.Low, Priority: desk.P5}}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateReport(ctx, &full); err != nil {
				return err
			}
			return tx.CreateReport(ctx, &bare)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, want := range []desk.Report{full, bare} {
				got, err := tx.Report(ctx, want.IncidentID)
				if err != nil {
					return err
				}
				if !want.AcceptedAt.IsZero() {
					want.AcceptedAt = ms(want.AcceptedAt)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Report(%d) =\n%#v\nwant\n%#v", want.IncidentID, got, want)
				}
			}
			got, _ := tx.Report(ctx, full.IncidentID)
			wantTime(t, "AcceptedAt", got.AcceptedAt, accepted)
			if got.Answers["skipped"] == nil || got.Evaluation.Exclusions == nil {
				t.Error("empty slices read back as nil, want []")
			}
			_, err := tx.Report(ctx, other.ID)
			wantCode(t, err, desk.ENOTFOUND)
			_, err = tx.Report(ctx, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			again := bare
			return tx.CreateReport(ctx, &again)
		})
		wantCode(t, err, desk.ECONFLICT)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateReport(ctx, &desk.Report{IncidentID: 999999, Answers: desk.Answers{}})
		})
		wantCode(t, err, desk.EINVALID)
		err = tryWrite(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateReport(ctx, &desk.Report{IncidentID: other.ID, Answers: desk.Answers{}, AcceptedByID: 999999})
		})
		wantCode(t, err, desk.EINVALID)
	})
}

// An incident's report, files and notifications go with it.
func TestReportCascades(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Site down")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateIncident(ctx, &in); err != nil {
				return err
			}
			if err := tx.CreateReport(ctx, &desk.Report{IncidentID: in.ID, Answers: desk.Answers{}}); err != nil {
				return err
			}
			if err := tx.AddAttachment(ctx, &desk.Attachment{IncidentID: in.ID, Name: "a.txt", ContentType: "text/plain", CreatedAt: t0}, []byte("x")); err != nil {
				return err
			}
			return tx.Notify(ctx, &desk.Notification{Kind: desk.NotifyNewReport, UserID: f.agent.ID, IncidentID: &in.ID, Payload: "{}", CreatedAt: t0})
		})
		if _, err := db.WriterForTest().ExecContext(t.Context(), "DELETE FROM incidents WHERE id = $1", in.ID); err != nil {
			t.Fatalf("delete incident: %v", err)
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Report(ctx, in.ID)
			wantCode(t, err, desk.ENOTFOUND)
			if list, err := tx.Attachments(ctx, in.ID); err != nil || len(list) != 0 {
				t.Errorf("Attachments after delete = %v, %v", list, err)
			}
			if list, err := tx.Notifications(ctx, f.agent.ID); err != nil || len(list) != 0 {
				t.Errorf("Notifications after delete = %v, %v", list, err)
			}
			return nil
		})
	})
}

// A database that an older release left at migration 1, with incidents in it, migrates to
// the current schema and its incidents read back with the defaults of the new fields.
func TestMigrateReportsKeepsIncidents(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.OpenEmpty(t, dialect)
			if applied, err := db.MigrateToForTest(ctx, 1); err != nil || applied != 1 {
				t.Fatalf("migrate to 1 = %d, %v", applied, err)
			}
			w := db.WriterForTest()
			var org, id int64
			if err := w.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, kind, created_at, updated_at)
				VALUES ('acme', 'Acme', 'client', 0, 0) RETURNING id`).Scan(&org); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, `INSERT INTO incidents (org_id, channel, kind, title, description,
				urgency, impact, priority, state, waiting_on, solution, version, created_at, updated_at)
				VALUES ($1, 'portal', 'urgent', 'Old', '', 'high', 'high', 1, 'new', '', '', 4, $2, $2) RETURNING id`,
				org, t0.UnixMilli()).Scan(&id); err != nil {
				t.Fatal(err)
			}
			current, latest, err := db.SchemaVersion(ctx)
			if err != nil || current != 1 || latest < 2 {
				t.Fatalf("SchemaVersion = %d, %d, %v; want 1, >=2", current, latest, err)
			}
			applied, err := db.Migrate(ctx)
			if n := migrationFiles(t, dialect) - 1; err != nil || applied != n {
				t.Fatalf("Migrate = %d, %v; want %d", applied, err, n)
			}
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				in, err := tx.Incident(ctx, id)
				if err != nil {
					return err
				}
				if in.Title != "Old" || in.Version != 4 || in.Affected != "" || in.Assessment != "" ||
					in.AssessmentReason != "" || in.QuestionnaireVersion != 0 {
					t.Errorf("migrated incident = %+v, want the defaults of the new fields", in)
				}
				list, err := tx.Incidents(ctx, desk.IncidentFilter{Assessment: desk.AssessmentPending})
				if err != nil || len(list) != 0 {
					t.Errorf("pending after migration = %v, %v; want none", list, err)
				}
				return nil
			})
			// The migrated incident takes the new fields.
			write(t, db, func(ctx context.Context, tx app.Tx) error {
				in, err := tx.Incident(ctx, id)
				if err != nil {
					return err
				}
				in.Assessment, in.AssessmentReason = desk.AssessmentPending, "claims urgency"
				return tx.UpdateIncident(ctx, &in)
			})
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				n, err := tx.CountIncidents(ctx, desk.IncidentFilter{Assessment: desk.AssessmentPending})
				if err != nil || n != 1 {
					t.Errorf("CountIncidents(pending) = %d, %v; want 1", n, err)
				}
				return nil
			})
		})
	}
}

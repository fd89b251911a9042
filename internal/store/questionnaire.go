package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// questionnaireLockKey names the PostgreSQL advisory lock that serialises new questionnaire
// versions, so two admins saving at once get versions n+1 and n+2 rather than a conflict;
// the value is arbitrary but fixed ("melq"). On SQLite the single writer serialises them.
const questionnaireLockKey = 0x6d656c71

// CreateQuestionnaire stores q as a new version, one more than the highest stored (1 for
// the first), and sets q.Version. The stored definition holds that version, and its hash
// (desk.Questionnaire.Hash) identifies the content.
func (t *tx) CreateQuestionnaire(ctx context.Context, q *desk.Questionnaire, by *int64, at time.Time) error {
	if t.dialect == DialectPostgres {
		if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock($1)", questionnaireLockKey); err != nil {
			return fmt.Errorf("create questionnaire: lock: %w", err)
		}
	}
	var version int
	if err := t.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM questionnaires").Scan(&version); err != nil {
		return fmt.Errorf("create questionnaire: %w", err)
	}
	def := *q
	def.Version = version
	body, err := json.Marshal(def)
	if err != nil {
		return fmt.Errorf("create questionnaire: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO questionnaires (version, definition, hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, version, string(body), def.Hash(), nullID(by), millis(at))
	if err != nil {
		return writeErr(err, "create questionnaire",
			"the questionnaire was changed by someone else; try again",
			"the questionnaire's author does not exist")
	}
	q.Version = version
	return nil
}

// Questionnaire returns the stored version; version 0 (or below) means the newest.
// ENOTFOUND when there is no such version, or none at all.
func (t *tx) Questionnaire(ctx context.Context, version int) (desk.Questionnaire, error) {
	var row *sql.Row
	if version <= 0 {
		row = t.queryRow(ctx, "SELECT version, definition FROM questionnaires ORDER BY version DESC LIMIT 1")
	} else {
		row = t.queryRow(ctx, "SELECT version, definition FROM questionnaires WHERE version = $1", version)
	}
	var v int
	var body string
	if err := row.Scan(&v, &body); err != nil {
		return desk.Questionnaire{}, readErr(err, "read questionnaire", "questionnaire")
	}
	var q desk.Questionnaire
	if err := json.Unmarshal([]byte(body), &q); err != nil {
		return desk.Questionnaire{}, fmt.Errorf("read questionnaire %d: %w", v, err)
	}
	q.Version = v // the row's version is the truth, whatever the JSON says
	return q, nil
}

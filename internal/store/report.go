package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"meldpunt/internal/desk"
)

// CreateReport stores the questionnaire answers of an incident; an incident has at most
// one report (ECONFLICT for a second). Answers and Evaluation are kept as JSON and read
// back exactly as given. The acceptance fields are stored as NULL when empty (zero), and
// read back as empty (zero).
func (t *tx) CreateReport(ctx context.Context, r *desk.Report) error {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("create report: answers: %w", err)
	}
	evaluation, err := json.Marshal(r.Evaluation)
	if err != nil {
		return fmt.Errorf("create report: evaluation: %w", err)
	}
	var acceptedBy, acceptedAt any
	if r.AcceptedByID != 0 {
		acceptedBy = r.AcceptedByID
	}
	if !r.AcceptedAt.IsZero() {
		acceptedAt = millis(r.AcceptedAt)
	}
	_, err = t.exec(ctx, `INSERT INTO reports (incident_id, questionnaire_version, answers, evaluation,
		procedure_locale, procedure_hash, accepted_by, accepted_at, accepted_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.IncidentID, r.QuestionnaireVersion, string(answers), string(evaluation),
		nullString(string(r.ProcedureLocale)), nullString(r.ProcedureHash), acceptedBy, acceptedAt,
		nullString(r.AcceptedFrom))
	if err != nil {
		return writeErr(err, "create report", "the incident has a report already",
			"the report refers to an incident or user that does not exist")
	}
	return nil
}

// Report returns the report of an incident; ENOTFOUND when it has none.
func (t *tx) Report(ctx context.Context, incidentID int64) (desk.Report, error) {
	var r desk.Report
	var answers, evaluation string
	var locale, hash, from sql.NullString
	var acceptedBy, acceptedAt sql.NullInt64
	err := t.queryRow(ctx, `SELECT incident_id, questionnaire_version, answers, evaluation, procedure_locale,
		procedure_hash, accepted_by, accepted_at, accepted_from FROM reports WHERE incident_id = $1`, incidentID).
		Scan(&r.IncidentID, &r.QuestionnaireVersion, &answers, &evaluation, &locale, &hash, &acceptedBy,
			&acceptedAt, &from)
	if err != nil {
		return desk.Report{}, readErr(err, "read report", "report")
	}
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return desk.Report{}, fmt.Errorf("read report of incident %d: answers: %w", incidentID, err)
	}
	if err := json.Unmarshal([]byte(evaluation), &r.Evaluation); err != nil {
		return desk.Report{}, fmt.Errorf("read report of incident %d: evaluation: %w", incidentID, err)
	}
	r.ProcedureLocale, r.ProcedureHash, r.AcceptedFrom = desk.Locale(locale.String), hash.String, from.String
	r.AcceptedByID = acceptedBy.Int64
	if acceptedAt.Valid {
		r.AcceptedAt = fromMillis(acceptedAt.Int64)
	}
	return r, nil
}

// nullString turns an optional text into a query argument: "" is NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

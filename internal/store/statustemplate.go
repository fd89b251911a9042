package store

import (
	"context"

	"meldpunt/internal/desk"
)

// The desk's message templates for the status page (issue 11, point 5;
// 0017_status_templates.sql).

const templateColumns = "id, name, status, body_nl, body_en, created_at, updated_at"

const templateConflict = "a template with that name exists already"

func scanTemplate(r row) (desk.StatusTemplate, error) {
	var s desk.StatusTemplate
	var created, updated int64
	err := r.Scan(&s.ID, &s.Name, &s.Status, &s.Body.NL, &s.Body.EN, &created, &updated)
	s.CreatedAt, s.UpdatedAt = fromMillis(created), fromMillis(updated)
	return s, err
}

// CreateStatusTemplate stores a template and sets its ID; ECONFLICT when the name is taken
// (in any case).
func (t *tx) CreateStatusTemplate(ctx context.Context, s *desk.StatusTemplate) error {
	err := t.queryRow(ctx, `INSERT INTO status_templates (name, status, body_nl, body_en, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		s.Name, s.Status, s.Body.NL, s.Body.EN, millis(s.CreatedAt), millis(s.UpdatedAt)).Scan(&s.ID)
	if err != nil {
		return writeErr(err, "create status template", templateConflict, "")
	}
	return nil
}

// StatusTemplate returns the template with that id.
func (t *tx) StatusTemplate(ctx context.Context, id int64) (desk.StatusTemplate, error) {
	s, err := scanTemplate(t.queryRow(ctx, "SELECT "+templateColumns+" FROM status_templates WHERE id = $1", id))
	if err != nil {
		return desk.StatusTemplate{}, readErr(err, "read status template", "status template")
	}
	return s, nil
}

// StatusTemplates lists the templates by name.
func (t *tx) StatusTemplates(ctx context.Context) ([]desk.StatusTemplate, error) {
	return list(ctx, t, "list status templates", scanTemplate,
		"SELECT "+templateColumns+" FROM status_templates ORDER BY lower(name), id")
}

// UpdateStatusTemplate stores every field but CreatedAt.
func (t *tx) UpdateStatusTemplate(ctx context.Context, s *desk.StatusTemplate) error {
	res, err := t.exec(ctx, `UPDATE status_templates SET name = $1, status = $2, body_nl = $3, body_en = $4,
		updated_at = $5 WHERE id = $6`, s.Name, s.Status, s.Body.NL, s.Body.EN, millis(s.UpdatedAt), s.ID)
	if err != nil {
		return writeErr(err, "update status template", templateConflict, "")
	}
	return mustAffect(res, "update status template", "status template")
}

// DeleteStatusTemplate removes a template.
func (t *tx) DeleteStatusTemplate(ctx context.Context, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM status_templates WHERE id = $1", id)
	if err != nil {
		return writeErr(err, "delete status template", templateConflict, "")
	}
	return mustAffect(res, "delete status template", "status template")
}

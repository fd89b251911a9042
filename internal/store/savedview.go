package store

import (
	"context"
	"fmt"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The queue's saved views and the menu's counts (issue 13, point 2; 0021_saved_views.sql).

const savedViewColumns = "id, user_id, name, query, created_at, updated_at"

const savedViewConflict = "you have a view with that name already"

func scanSavedView(r row) (app.SavedView, error) {
	var v app.SavedView
	var created, updated int64
	err := r.Scan(&v.ID, &v.UserID, &v.Name, &v.Query, &created, &updated)
	v.CreatedAt, v.UpdatedAt = fromMillis(created), fromMillis(updated)
	return v, err
}

// CreateSavedView stores a view and sets its ID; ECONFLICT when its user has a view of that
// name (in any case).
func (t *tx) CreateSavedView(ctx context.Context, v *app.SavedView) error {
	err := t.queryRow(ctx, `INSERT INTO saved_views (user_id, name, query, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		v.UserID, v.Name, v.Query, millis(v.CreatedAt), millis(v.UpdatedAt)).Scan(&v.ID)
	if err != nil {
		return writeErr(err, "create saved view", savedViewConflict, "")
	}
	return nil
}

// SavedView returns the user's view with that id; ENOTFOUND when the user has none.
func (t *tx) SavedView(ctx context.Context, userID, id int64) (app.SavedView, error) {
	v, err := scanSavedView(t.queryRow(ctx, "SELECT "+savedViewColumns+" FROM saved_views WHERE id = $1 AND user_id = $2", id, userID))
	if err != nil {
		return app.SavedView{}, readErr(err, "read saved view", "view")
	}
	return v, nil
}

// SavedViews lists the user's views by name.
func (t *tx) SavedViews(ctx context.Context, userID int64) ([]app.SavedView, error) {
	return list(ctx, t, "list saved views", scanSavedView,
		"SELECT "+savedViewColumns+" FROM saved_views WHERE user_id = $1 ORDER BY lower(name), id", userID)
}

// UpdateSavedView stores the name, query and UpdatedAt of the user's view.
func (t *tx) UpdateSavedView(ctx context.Context, v *app.SavedView) error {
	res, err := t.exec(ctx, `UPDATE saved_views SET name = $1, query = $2, updated_at = $3 WHERE id = $4 AND user_id = $5`,
		v.Name, v.Query, millis(v.UpdatedAt), v.ID, v.UserID)
	if err != nil {
		return writeErr(err, "update saved view", savedViewConflict, "")
	}
	return mustAffect(res, "update saved view", "view")
}

// DeleteSavedView removes the user's view.
func (t *tx) DeleteSavedView(ctx context.Context, userID, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM saved_views WHERE id = $1 AND user_id = $2", id, userID)
	if err != nil {
		return fmt.Errorf("delete saved view: %w", err)
	}
	return mustAffect(res, "delete saved view", "view")
}

// MenuCounts counts, in one query, the urgent reports waiting for assessment and the open
// incidents the user owns or is assigned, each up to app.MenuCountCap. Each count is a
// subquery that an index answers (incidents_assessment; incidents_owner and
// incidents_assignee) and stops at the cap, so a page pays for at most that many rows of
// each, however many there are.
func (t *tx) MenuCounts(ctx context.Context, userID int64) (app.MenuCounts, error) {
	var c app.MenuCounts
	err := t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM (SELECT 1 FROM incidents WHERE assessment = $1 LIMIT $3) a),
		(SELECT count(*) FROM (SELECT 1 FROM incidents WHERE `+openLiteral+` AND (owner_id = $2 OR assignee_id = $2) LIMIT $3) m)`,
		string(desk.AssessmentPending), userID, app.MenuCountCap).Scan(&c.ToAssess, &c.Mine)
	if err != nil {
		return c, fmt.Errorf("count the menu: %w", err)
	}
	return c, nil
}

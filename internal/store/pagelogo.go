package store

import (
	"context"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// The status page's logo (migration 14) and the status history the uptime bars are
// computed from.

// PageLogo returns the status page's logo with its bytes; ENOTFOUND when there is none.
func (t *tx) PageLogo(ctx context.Context) (desk.Logo, error) {
	var l desk.Logo
	var at int64
	err := t.queryRow(ctx, "SELECT content_type, width, height, etag, data, updated_at FROM status_page_logo WHERE id = 1").
		Scan(&l.ContentType, &l.Width, &l.Height, &l.ETag, &l.Data, &at)
	if err != nil {
		return l, readErr(err, "read status page logo", "logo")
	}
	l.Size, l.UpdatedAt = len(l.Data), fromMillis(at)
	return l, nil
}

// PutPageLogo stores the status page's logo, replacing any earlier one.
func (t *tx) PutPageLogo(ctx context.Context, l desk.Logo) error {
	_, err := t.exec(ctx, `INSERT INTO status_page_logo (id, content_type, width, height, etag, data, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, width = excluded.width,
		height = excluded.height, etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`,
		l.ContentType, l.Width, l.Height, l.ETag, l.Data, millis(l.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put status page logo: %w", err)
	}
	return nil
}

// DeletePageLogo removes the status page's logo; ENOTFOUND when there is none.
func (t *tx) DeletePageLogo(ctx context.Context) error {
	res, err := t.exec(ctx, "DELETE FROM status_page_logo WHERE id = 1")
	if err != nil {
		return fmt.Errorf("delete status page logo: %w", err)
	}
	return mustAffect(res, "delete status page logo", "logo")
}

// ComponentStatusHistories lists the status changes of the components ids from since on,
// each component's row in force at since first (when it existed by then), by component,
// time: everything the uptime of those components since that time needs, in one query.
func (t *tx) ComponentStatusHistories(ctx context.Context, ids []int64, since time.Time) ([]desk.ComponentStatusChange, error) {
	out := []desk.ComponentStatusChange{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, millis(since))
	for _, id := range ids {
		args = append(args, id)
	}
	if err := each(ctx, t, "read component status histories", func(r row) error {
		var h desk.ComponentStatusChange
		var at int64
		if err := r.Scan(&h.ComponentID, &h.Status, &at); err != nil {
			return err
		}
		h.At = fromMillis(at)
		out = append(out, h)
		return nil
	}, `SELECT h.component_id, h.status, h.from_at FROM component_status_history h
		WHERE h.component_id IN (`+placeholders(2, len(ids))+`)
		AND (h.from_at >= $1 OR h.id = (SELECT p.id FROM component_status_history p
			WHERE p.component_id = h.component_id AND p.from_at < $1 ORDER BY p.from_at DESC, p.id DESC LIMIT 1))
		ORDER BY h.component_id, h.from_at, h.id`, args...); err != nil {
		return nil, err
	}
	return out, nil
}

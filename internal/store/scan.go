package store

import (
	"context"
	"fmt"
)

// row is one row of a query's result, as a scan function reads it: *sql.Row or *sql.Rows.
type row interface{ Scan(dest ...any) error }

// list runs a query and returns every row it selects, read by scan, never nil (so JSON
// shows [] rather than null); what names the query in errors.
func list[T any](ctx context.Context, t *tx, what string, scan func(row) (T, error), q string, args ...any) ([]T, error) {
	out := []T{}
	err := each(ctx, t, what, func(r row) error {
		v, err := scan(r)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each runs a query and calls fn with every row it selects, for results that fill more
// than a list (a map, fields of objects read before); what names the query in errors.
func each(ctx context.Context, t *tx, what string, fn func(row) error, q string, args ...any) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// scanID reads a row of one id.
func scanID(r row) (int64, error) {
	var id int64
	err := r.Scan(&id)
	return id, err
}

// ids runs a query that selects ids.
func (t *tx) ids(ctx context.Context, what, q string, args ...any) ([]int64, error) {
	return list(ctx, t, what, scanID, q, args...)
}

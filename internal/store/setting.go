package store

import (
	"context"
	"fmt"
)

// Settings are the configuration an admin changes at run time (the priority matrix, the
// questionnaire, …), kept as text under a name; the app owns their format.

// Setting returns a stored setting; ENOTFOUND when it was never set.
func (t *tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	if err := t.queryRow(ctx, "SELECT value FROM settings WHERE name = $1", key).Scan(&v); err != nil {
		return "", readErr(err, "read setting "+key, "setting")
	}
	return v, nil
}

// PutSetting stores a setting, replacing any earlier value.
func (t *tx) PutSetting(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("put setting %s: %w", key, err)
	}
	return nil
}

// AddSetting stores a setting unless one with that name exists; on PostgreSQL a concurrent
// insert of the same name waits for the other transaction and then does nothing.
func (t *tx) AddSetting(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, key, value)
	if err != nil {
		return fmt.Errorf("add setting %s: %w", key, err)
	}
	return nil
}

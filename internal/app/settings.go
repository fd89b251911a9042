package app

import (
	"context"
	"encoding/json"
	"fmt"

	"meldpunt/internal/desk"
)

const settingMatrix = "priority_matrix"

// matrix returns the configured priority matrix, or the default.
func matrix(ctx context.Context, tx SettingStore) (desk.Matrix, error) {
	s, err := tx.Setting(ctx, settingMatrix)
	if desk.IsNotFound(err) {
		return desk.DefaultMatrix, nil
	}
	if err != nil {
		return desk.Matrix{}, err
	}
	var j desk.MatrixJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return desk.Matrix{}, fmt.Errorf("stored priority matrix: %w", err)
	}
	return j.Matrix()
}

// PriorityMatrix returns the matrix that maps urgency × impact onto a priority.
func (a *Incidents) PriorityMatrix(ctx context.Context, actor desk.Actor) (m desk.Matrix, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		m, err = matrix(ctx, tx)
		return err
	})
	return m, err
}

// SetPriorityMatrix replaces the matrix; only admins may. Existing incidents keep their
// priority until their urgency or impact changes.
func (a *Incidents) SetPriorityMatrix(ctx context.Context, actor desk.Actor, m desk.Matrix) error {
	if err := requireAdmin(actor, "change the priority matrix"); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	return a.db.write(ctx, func(tx incidentTx) error {
		old, err := matrix(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, settingMatrix, mustJSON(m.JSON())); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.clock(), "setting", 0, nil, "priority_matrix", map[string]any{"matrix": old.JSON()}, map[string]any{"matrix": m.JSON()})
	})
}

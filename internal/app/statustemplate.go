package app

import (
	"context"

	"meldpunt/internal/desk"
)

// StatusTemplates keeps the desk's message templates for status-page updates (issue 11,
// point 5): admins create, change and delete them; all staff list and read them, so the
// desk can start an update from one. They never appear on a public route.
type StatusTemplates struct {
	*core
	db txn[statusTemplateTx]
}

// statusTemplateTx is what StatusTemplates reads and writes.
type statusTemplateTx interface {
	AuditStore
	StatusTemplateStore
}

// StatusTemplateInput is what an admin gives to create or replace a template.
type StatusTemplateInput struct {
	Name   string            `json:"name"`
	Status desk.PublicStatus `json:"status"`
	Body   desk.Texts        `json:"body"`
}

// requireStaffTemplates lets staff (agents, experts, admins) read; clients get 404, as if there
// were nothing, since templates are the desk's own.
func requireStaffTemplates(actor desk.Actor) error {
	if !actor.Role.IsStaff() {
		return desk.NotFound("status template")
	}
	return nil
}

// List lists the templates by name; staff only.
func (s *StatusTemplates) List(ctx context.Context, actor desk.Actor) (ts []desk.StatusTemplate, err error) {
	if err := requireStaffTemplates(actor); err != nil {
		return nil, err
	}
	err = s.db.read(ctx, func(tx statusTemplateTx) error {
		ts, err = tx.StatusTemplates(ctx)
		return err
	})
	return ts, err
}

// Get returns one template; staff only.
func (s *StatusTemplates) Get(ctx context.Context, actor desk.Actor, id int64) (t desk.StatusTemplate, err error) {
	if err := requireStaffTemplates(actor); err != nil {
		return t, err
	}
	err = s.db.read(ctx, func(tx statusTemplateTx) error {
		t, err = tx.StatusTemplate(ctx, id)
		return err
	})
	return t, err
}

// Create adds a template; admins only. At most desk.MaxTemplates exist.
func (s *StatusTemplates) Create(ctx context.Context, actor desk.Actor, in StatusTemplateInput) (desk.StatusTemplate, error) {
	t := desk.StatusTemplate{Name: in.Name, Status: in.Status, Body: in.Body}
	if err := requireAdmin(actor, "manage status templates"); err != nil {
		return t, err
	}
	t.Normalise()
	if err := t.Validate(); err != nil {
		return t, err
	}
	t.CreatedAt = s.clock()
	t.UpdatedAt = t.CreatedAt
	err := s.db.write(ctx, func(tx statusTemplateTx) error {
		all, err := tx.StatusTemplates(ctx)
		if err != nil {
			return err
		}
		if len(all) >= desk.MaxTemplates {
			return desk.Errorf(desk.ECONFLICT, "there are %d templates already, the most there may be; delete one first", desk.MaxTemplates)
		}
		if err := tx.CreateStatusTemplate(ctx, &t); err != nil {
			return err
		}
		return audit(ctx, tx, actor, t.CreatedAt, "status_template", t.ID, nil, "create", nil, t)
	})
	return t, err
}

// Update replaces a template's name, status and body; admins only.
func (s *StatusTemplates) Update(ctx context.Context, actor desk.Actor, id int64, in StatusTemplateInput) (t desk.StatusTemplate, err error) {
	if err := requireStaffTemplates(actor); err != nil {
		return t, err
	}
	if err := requireAdmin(actor, "manage status templates"); err != nil {
		return t, err
	}
	next := desk.StatusTemplate{ID: id, Name: in.Name, Status: in.Status, Body: in.Body}
	next.Normalise()
	if err := next.Validate(); err != nil {
		return next, err
	}
	err = s.db.write(ctx, func(tx statusTemplateTx) error {
		before, err := tx.StatusTemplate(ctx, id)
		if err != nil {
			return err
		}
		next.CreatedAt, next.UpdatedAt = before.CreatedAt, s.clock()
		if err := tx.UpdateStatusTemplate(ctx, &next); err != nil {
			return err
		}
		t = next
		return audit(ctx, tx, actor, t.UpdatedAt, "status_template", id, nil, "update", before, t)
	})
	return t, err
}

// Delete removes a template; admins only.
func (s *StatusTemplates) Delete(ctx context.Context, actor desk.Actor, id int64) error {
	if err := requireStaffTemplates(actor); err != nil {
		return err
	}
	if err := requireAdmin(actor, "manage status templates"); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx statusTemplateTx) error {
		before, err := tx.StatusTemplate(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteStatusTemplate(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, s.clock(), "status_template", id, nil, "delete", before, map[string]any{})
	})
}

package app

import (
	"context"
	"strings"

	"meldpunt/internal/desk"
)

// CreateOrganisation adds a client organisation; only admins may. The provider exists from
// the first start and is never created twice.
func (a *Organisations) Create(ctx context.Context, actor desk.Actor, o desk.Organisation) (desk.Organisation, error) {
	if err := requireAdmin(actor, "create organisations"); err != nil {
		return o, err
	}
	if o.Kind == "" {
		o.Kind = desk.OrgClient
	}
	if err := o.Validate(); err != nil {
		return o, err
	}
	if o.Kind != desk.OrgClient {
		return o, &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: []desk.FieldError{{Field: "kind", Rule: "one_of", Message: "must be client: there is one provider"}}}
	}
	o.CreatedAt = a.clock()
	o.UpdatedAt = o.CreatedAt
	err := a.db.write(ctx, func(tx organisationTx) error {
		if err := tx.CreateOrganisation(ctx, &o); err != nil {
			return err
		}
		return audit(ctx, tx, actor, o.CreatedAt, "organisation", o.ID, &o.ID, "create", nil, o)
	})
	return o, err
}

// Organisation returns one organisation the actor may see.
func (a *Organisations) Get(ctx context.Context, actor desk.Actor, id int64) (o desk.Organisation, err error) {
	if !canSeeOrg(actor, id) {
		return o, desk.NotFound("organisation")
	}
	err = a.db.read(ctx, func(tx organisationTx) error {
		o, err = tx.Organisation(ctx, id)
		return err
	})
	return o, err
}

// Organisations lists the organisations the actor may see: staff all, a client its own.
func (a *Organisations) List(ctx context.Context, actor desk.Actor, kind desk.OrgKind) (os []desk.Organisation, err error) {
	err = a.db.read(ctx, func(tx organisationTx) error {
		if !actor.Role.IsStaff() {
			o, err := tx.Organisation(ctx, actor.OrgID)
			if err == nil && (kind == "" || o.Kind == kind) {
				os = []desk.Organisation{o}
			}
			return err
		}
		os, err = tx.Organisations(ctx, kind)
		return err
	})
	return os, err
}

// OrganisationPatch holds the fields to change; nil leaves a field as it is.
type OrganisationPatch struct {
	Name *string `json:"name"`
	Slug *string `json:"slug"`
}

// UpdateOrganisation renames an organisation; only admins may.
func (a *Organisations) Update(ctx context.Context, actor desk.Actor, id int64, p OrganisationPatch) (o desk.Organisation, err error) {
	if !canSeeOrg(actor, id) {
		return o, desk.NotFound("organisation")
	}
	if err := requireAdmin(actor, "change organisations"); err != nil {
		return o, err
	}
	err = a.db.write(ctx, func(tx organisationTx) error {
		if o, err = tx.Organisation(ctx, id); err != nil {
			return err
		}
		before := o
		if p.Name != nil {
			o.Name = *p.Name
		}
		if p.Slug != nil {
			o.Slug = *p.Slug
		}
		if err := o.Validate(); err != nil {
			return err
		}
		o.UpdatedAt = a.clock()
		if err := tx.UpdateOrganisation(ctx, &o); err != nil {
			return err
		}
		return audit(ctx, tx, actor, o.UpdatedAt, "organisation", o.ID, &o.ID, "update", before, o)
	})
	return o, err
}

// CreateContract adds a contract to a client organisation; only admins may.
func (a *Organisations) CreateContract(ctx context.Context, actor desk.Actor, c desk.Contract) (desk.Contract, error) {
	if err := requireAdmin(actor, "create contracts"); err != nil {
		return c, err
	}
	c.Normalize()
	c.CreatedAt = a.clock()
	c.UpdatedAt = c.CreatedAt
	err := a.db.write(ctx, func(tx organisationTx) error {
		// Every problem at once: the organisation, and the contract itself.
		var v desk.Validator
		if c.OrgID <= 0 {
			v.Add("organisation_id", "required", "is required: the client the contract is with")
		} else if org, err := tx.Organisation(ctx, c.OrgID); desk.IsNotFound(err) {
			v.Add("organisation_id", "exists", "no organisation has this id")
		} else if err != nil {
			return err
		} else if org.Kind != desk.OrgClient {
			v.Add("organisation_id", "client", "contracts belong to client organisations")
		}
		if err := checkContract(ctx, tx, &c); err != nil {
			e, ok := err.(*desk.Error)
			if !ok || e.Code != desk.EINVALID {
				return err
			}
			v.Include(e)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.CreateContract(ctx, &c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, c.CreatedAt, "contract", c.ID, &c.OrgID, "create", nil, c)
	})
	return c, err
}

// Contract returns a contract the actor may see: staff any, a client its own organisation's.
func (a *Organisations) Contract(ctx context.Context, actor desk.Actor, id int64) (c desk.Contract, err error) {
	err = a.db.read(ctx, func(tx organisationTx) error {
		c, err = tx.Contract(ctx, id)
		if err == nil && !canSeeOrg(actor, c.OrgID) {
			err = desk.NotFound("contract")
		}
		return err
	})
	return c, err
}

// Contracts lists contracts: staff those of orgID (0: all), a client its own.
func (a *Organisations) Contracts(ctx context.Context, actor desk.Actor, orgID int64) (cs []desk.Contract, err error) {
	if !actor.Role.IsStaff() {
		if orgID != 0 && orgID != actor.OrgID {
			return []desk.Contract{}, nil
		}
		orgID = actor.OrgID
	}
	err = a.db.read(ctx, func(tx organisationTx) error {
		cs, err = tx.Contracts(ctx, orgID)
		return err
	})
	return cs, err
}

// ContractPatch holds the fields to change; nil leaves a field as it is.
type ContractPatch struct {
	Name           *string            `json:"name"`
	SupportHours   *desk.SupportHours `json:"support_hours"`
	UrgentHours    *desk.SupportHours `json:"urgent_support_hours"`
	CoversUrgent   *bool              `json:"covers_urgent"`
	AutoCloseHours *int               `json:"auto_close_hours"`
	Targets        *[]desk.Target     `json:"targets"`
	Active         *bool              `json:"active"`
}

// UpdateContract changes a contract; only admins may.
func (a *Organisations) UpdateContract(ctx context.Context, actor desk.Actor, id int64, p ContractPatch) (c desk.Contract, err error) {
	err = a.db.write(ctx, func(tx organisationTx) error {
		if c, err = tx.Contract(ctx, id); err != nil {
			return err
		}
		if !canSeeOrg(actor, c.OrgID) {
			return desk.NotFound("contract")
		}
		if err := requireAdmin(actor, "change contracts"); err != nil {
			return err
		}
		before := c
		set(&c.Name, p.Name)
		set(&c.SupportHours, p.SupportHours)
		set(&c.UrgentHours, p.UrgentHours)
		set(&c.CoversUrgent, p.CoversUrgent)
		set(&c.AutoCloseHours, p.AutoCloseHours)
		set(&c.Targets, p.Targets)
		set(&c.Active, p.Active)
		c.Name = strings.TrimSpace(c.Name)
		if err := checkContract(ctx, tx, &c); err != nil {
			return err
		}
		c.UpdatedAt = a.clock()
		if err := tx.UpdateContract(ctx, &c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, c.UpdatedAt, "contract", c.ID, &c.OrgID, "update", before, c)
	})
	return c, err
}

// set copies *p into *dst when p is not nil: how patches apply.
func set[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
	}
}

// invalid returns an EINVALID error for one field.
func invalid(field, rule, msg string) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: []desk.FieldError{{Field: field, Rule: rule, Message: msg}}}
}

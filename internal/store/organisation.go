package store

import (
	"context"

	"meldpunt/internal/desk"
)

const orgColumns = "id, slug, name, kind, created_at, updated_at"

const orgConflict = "an organisation with this slug already exists"

func scanOrg(row row) (desk.Organisation, error) {
	var o desk.Organisation
	var created, updated int64
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMillis(created), fromMillis(updated)
	return o, err
}

// CreateOrganisation stores a new organisation and sets its ID.
func (t *tx) CreateOrganisation(ctx context.Context, o *desk.Organisation) error {
	err := t.queryRow(ctx, `INSERT INTO organisations (slug, name, kind, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		o.Slug, o.Name, string(o.Kind), millis(o.CreatedAt), millis(o.UpdatedAt)).Scan(&o.ID)
	if err != nil {
		return writeErr(err, "create organisation", orgConflict, "")
	}
	return nil
}

// Organisation returns the organisation with that id.
func (t *tx) Organisation(ctx context.Context, id int64) (desk.Organisation, error) {
	o, err := scanOrg(t.queryRow(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id = $1", id))
	if err != nil {
		return desk.Organisation{}, readErr(err, "read organisation", "organisation")
	}
	return o, nil
}

// OrganisationBySlug returns the organisation with that slug.
func (t *tx) OrganisationBySlug(ctx context.Context, slug string) (desk.Organisation, error) {
	o, err := scanOrg(t.queryRow(ctx, "SELECT "+orgColumns+" FROM organisations WHERE slug = $1", slug))
	if err != nil {
		return desk.Organisation{}, readErr(err, "read organisation", "organisation")
	}
	return o, nil
}

// Organisations lists organisations by name (case-insensitive), then id; kind "" lists
// both kinds.
func (t *tx) Organisations(ctx context.Context, kind desk.OrgKind) ([]desk.Organisation, error) {
	var w where
	if kind != "" {
		w.add("kind = %s", string(kind))
	}
	orgs, err := list(ctx, t, "list organisations", scanOrg, "SELECT "+orgColumns+" FROM organisations"+w.sql()+
		" ORDER BY lower(name), id", w.args...)
	if err != nil {
		return nil, err
	}
	return orgs, nil
}

// UpdateOrganisation stores the organisation's fields; CreatedAt never changes.
func (t *tx) UpdateOrganisation(ctx context.Context, o *desk.Organisation) error {
	res, err := t.exec(ctx, `UPDATE organisations SET slug = $1, name = $2, kind = $3,
		updated_at = $4 WHERE id = $5`,
		o.Slug, o.Name, string(o.Kind), millis(o.UpdatedAt), o.ID)
	if err != nil {
		return writeErr(err, "update organisation", orgConflict, "")
	}
	return mustAffect(res, "update organisation", "organisation")
}

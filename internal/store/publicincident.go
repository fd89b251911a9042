package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Public incidents and scheduled maintenance (issue 11), their affected components and
// their updates.

const publicMissing = "a component or the author does not exist"

const publicColumns = `id, kind, name_nl, name_en, status, impact, scheduled_for, scheduled_until,
	postmortem_nl, postmortem_en, postmortem_at, created_by, created_at, updated_at, started_at,
	monitoring_at, resolved_at, reminded_at`

func scanPublic(r row) (desk.PublicIncident, error) {
	var p desk.PublicIncident
	var sfor, suntil, pmAt, by, monitoring, resolved, reminded sql.NullInt64
	var pmNL, pmEN string
	var created, updated, started int64
	err := r.Scan(&p.ID, &p.Kind, &p.Name.NL, &p.Name.EN, &p.Status, &p.Impact, &sfor, &suntil,
		&pmNL, &pmEN, &pmAt, &by, &created, &updated, &started, &monitoring, &resolved, &reminded)
	if err != nil {
		return p, err
	}
	p.ScheduledFor, p.ScheduledUntil = fromNullMillis(sfor), fromNullMillis(suntil)
	if pmAt.Valid {
		p.Postmortem = &desk.Postmortem{Body: desk.Texts{NL: pmNL, EN: pmEN}, At: fromMillis(pmAt.Int64)}
	}
	p.CreatedByID = fromNullID(by)
	p.CreatedAt, p.UpdatedAt, p.StartedAt = fromMillis(created), fromMillis(updated), fromMillis(started)
	p.MonitoringAt, p.ResolvedAt, p.RemindedAt = fromNullMillis(monitoring), fromNullMillis(resolved), fromNullMillis(reminded)
	p.Components, p.Updates = []desk.AffectedComponent{}, []desk.PublicUpdate{}
	return p, nil
}

// postmortemArgs are the postmortem's three columns.
func postmortemArgs(p *desk.PublicIncident) (string, string, any) {
	if p.Postmortem == nil {
		return "", "", nil
	}
	return p.Postmortem.Body.NL, p.Postmortem.Body.EN, millis(p.Postmortem.At)
}

// CreatePublicIncident stores the incident and its affected components and sets its ID.
// Its updates are added with AddPublicUpdate.
func (t *tx) CreatePublicIncident(ctx context.Context, p *desk.PublicIncident) error {
	pmNL, pmEN, pmAt := postmortemArgs(p)
	err := t.queryRow(ctx, `INSERT INTO public_incidents (kind, name_nl, name_en, status, impact, scheduled_for,
		scheduled_until, postmortem_nl, postmortem_en, postmortem_at, created_by, created_at, updated_at, started_at,
		monitoring_at, resolved_at, reminded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		string(p.Kind), p.Name.NL, p.Name.EN, string(p.Status), string(p.Impact), nullMillis(p.ScheduledFor),
		nullMillis(p.ScheduledUntil), pmNL, pmEN, pmAt, nullID(p.CreatedByID), millis(p.CreatedAt),
		millis(p.UpdatedAt), millis(p.StartedAt), nullMillis(p.MonitoringAt), nullMillis(p.ResolvedAt),
		nullMillis(p.RemindedAt)).Scan(&p.ID)
	if err != nil {
		return writeErr(err, "create public incident", "", publicMissing)
	}
	return t.putAffected(ctx, p)
}

// UpdatePublicIncident stores every field and replaces the affected components; its updates
// are kept.
func (t *tx) UpdatePublicIncident(ctx context.Context, p *desk.PublicIncident) error {
	pmNL, pmEN, pmAt := postmortemArgs(p)
	res, err := t.exec(ctx, `UPDATE public_incidents SET kind = $1, name_nl = $2, name_en = $3, status = $4,
		impact = $5, scheduled_for = $6, scheduled_until = $7, postmortem_nl = $8, postmortem_en = $9,
		postmortem_at = $10, updated_at = $11, started_at = $12, monitoring_at = $13, resolved_at = $14,
		reminded_at = $15 WHERE id = $16`,
		string(p.Kind), p.Name.NL, p.Name.EN, string(p.Status), string(p.Impact), nullMillis(p.ScheduledFor),
		nullMillis(p.ScheduledUntil), pmNL, pmEN, pmAt, millis(p.UpdatedAt), millis(p.StartedAt),
		nullMillis(p.MonitoringAt), nullMillis(p.ResolvedAt), nullMillis(p.RemindedAt), p.ID)
	if err != nil {
		return writeErr(err, "update public incident", "", publicMissing)
	}
	if err := mustAffect(res, "update public incident", "public incident"); err != nil {
		return err
	}
	return t.putAffected(ctx, p)
}

// putAffected replaces the incident's affected components, keeping their order.
func (t *tx) putAffected(ctx context.Context, p *desk.PublicIncident) error {
	if _, err := t.exec(ctx, "DELETE FROM public_incident_components WHERE incident_id = $1", p.ID); err != nil {
		return fmt.Errorf("store public incident components: %w", err)
	}
	for i, c := range p.Components {
		_, err := t.exec(ctx, "INSERT INTO public_incident_components (incident_id, component_id, position, status) VALUES ($1, $2, $3, $4)",
			p.ID, c.ComponentID, i, string(c.Status))
		if err != nil {
			return writeErr(err, "store public incident components", "a component is listed twice", publicMissing)
		}
	}
	return nil
}

// AddPublicUpdate stores an update and its component changes and sets its ID.
func (t *tx) AddPublicUpdate(ctx context.Context, u *desk.PublicUpdate) error {
	err := t.queryRow(ctx, `INSERT INTO public_incident_updates (incident_id, status, body_nl, body_en, author_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.IncidentID, string(u.Status), u.Body.NL, u.Body.EN, nullID(u.AuthorID), millis(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return writeErr(err, "add public update", "", "the public incident or the author does not exist")
	}
	for i, c := range u.Components {
		_, err := t.exec(ctx, `INSERT INTO public_update_components (update_id, component_id, position, old_status, new_status)
			VALUES ($1, $2, $3, $4, $5)`, u.ID, c.ComponentID, i, string(c.OldStatus), string(c.NewStatus))
		if err != nil {
			return writeErr(err, "store public update components", "a component is listed twice", publicMissing)
		}
	}
	return nil
}

// PublicIncident returns the incident with its components and updates (newest first).
func (t *tx) PublicIncident(ctx context.Context, id int64) (desk.PublicIncident, error) {
	p, err := scanPublic(t.queryRow(ctx, "SELECT "+publicColumns+" FROM public_incidents WHERE id = $1", id))
	if err != nil {
		return desk.PublicIncident{}, readErr(err, "read public incident", "public incident")
	}
	ps := []desk.PublicIncident{p}
	if err := t.fillPublic(ctx, ps); err != nil {
		return desk.PublicIncident{}, err
	}
	return ps[0], nil
}

// PublicIncidents lists the incidents f selects, with their components and updates: the
// newest start first, or the earliest when f.Ascending.
func (t *tx) PublicIncidents(ctx context.Context, f app.PublicIncidentFilter) ([]desk.PublicIncident, error) {
	var w where
	if f.Kind != "" {
		w.add("kind = %s", string(f.Kind))
	}
	switch f.State {
	case app.PublicOpen:
		w.add("resolved_at IS NULL")
	case app.PublicClosed:
		w.add("resolved_at IS NOT NULL")
	}
	if !f.ClosedSince.IsZero() {
		w.add("resolved_at >= %s", millis(f.ClosedSince))
	}
	if !f.StartedFrom.IsZero() {
		w.add("started_at >= %s", millis(f.StartedFrom))
	}
	if !f.StartedBefore.IsZero() {
		w.add("started_at < %s", millis(f.StartedBefore))
	}
	order := " ORDER BY started_at DESC, id DESC"
	if f.Ascending {
		order = " ORDER BY started_at, id"
	}
	ps, err := list(ctx, t, "list public incidents", scanPublic,
		"SELECT "+publicColumns+" FROM public_incidents"+w.sql()+order+" LIMIT "+desk.FormatInt(int64(limit(f.Limit))), w.args...)
	if err != nil {
		return nil, err
	}
	return ps, t.fillPublic(ctx, ps)
}

// fillPublic loads the components and updates of the incidents: three queries, whatever
// their number.
func (t *tx) fillPublic(ctx context.Context, ps []desk.PublicIncident) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]any, len(ps))
	at := map[int64]int{}
	for i, p := range ps {
		ids[i] = p.ID
		at[p.ID] = i
	}
	in := "(" + placeholders(1, len(ids)) + ")"
	if err := each(ctx, t, "read public incident components", func(r row) error {
		var id int64
		var c desk.AffectedComponent
		if err := r.Scan(&id, &c.ComponentID, &c.Status); err != nil {
			return err
		}
		p := &ps[at[id]]
		p.Components = append(p.Components, c)
		return nil
	}, "SELECT incident_id, component_id, status FROM public_incident_components WHERE incident_id IN "+in+" ORDER BY incident_id, position", ids...); err != nil {
		return err
	}
	updates := map[int64]*desk.PublicUpdate{}
	var order []int64
	if err := each(ctx, t, "read public updates", func(r row) error {
		var u desk.PublicUpdate
		var by sql.NullInt64
		var created int64
		if err := r.Scan(&u.ID, &u.IncidentID, &u.Status, &u.Body.NL, &u.Body.EN, &by, &created); err != nil {
			return err
		}
		u.AuthorID, u.CreatedAt, u.Components = fromNullID(by), fromMillis(created), []desk.ComponentChange{}
		updates[u.ID] = &u
		order = append(order, u.ID)
		return nil
	}, "SELECT id, incident_id, status, body_nl, body_en, author_id, created_at FROM public_incident_updates WHERE incident_id IN "+in+" ORDER BY id DESC", ids...); err != nil {
		return err
	}
	if err := each(ctx, t, "read public update components", func(r row) error {
		var id int64
		var c desk.ComponentChange
		if err := r.Scan(&id, &c.ComponentID, &c.OldStatus, &c.NewStatus); err != nil {
			return err
		}
		if u := updates[id]; u != nil {
			u.Components = append(u.Components, c)
		}
		return nil
	}, `SELECT uc.update_id, uc.component_id, uc.old_status, uc.new_status FROM public_update_components uc
		JOIN public_incident_updates u ON u.id = uc.update_id WHERE u.incident_id IN `+in+` ORDER BY uc.update_id, uc.position`, ids...); err != nil {
		return err
	}
	for _, id := range order {
		u := updates[id]
		p := &ps[at[u.IncidentID]]
		p.Updates = append(p.Updates, *u)
	}
	return nil
}

// MovePublicStatus sets the status of a maintenance from one status to another at now, if
// it still has the first, with its update, in one conditional statement; of concurrent calls
// exactly one moves it (true).
func (t *tx) MovePublicStatus(ctx context.Context, id int64, from, to desk.PublicStatus, now time.Time) (bool, error) {
	res, err := t.exec(ctx, "UPDATE public_incidents SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
		string(to), millis(now), id, string(from))
	if err != nil {
		return false, fmt.Errorf("move public incident status: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkMaintenanceReminded records that the reminder before a maintenance's start was sent,
// if it was not yet; of concurrent calls exactly one does (true).
func (t *tx) MarkMaintenanceReminded(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := t.exec(ctx, "UPDATE public_incidents SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL",
		millis(now), id)
	if err != nil {
		return false, fmt.Errorf("mark maintenance reminded: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DueMaintenances lists the ids of at most limit maintenances that have status and whose
// time has come: for scheduled, scheduled_for at or before now; for in_progress and
// verifying, scheduled_until at or before now. Earliest first.
func (t *tx) DueMaintenances(ctx context.Context, status desk.PublicStatus, now time.Time, limit int) ([]int64, error) {
	col := "scheduled_until"
	if status == desk.MaintenanceScheduled {
		col = "scheduled_for"
	}
	return t.ids(ctx, "list due maintenances", "SELECT id FROM public_incidents WHERE kind = 'maintenance' AND status = $1 AND "+
		col+" <= $2 ORDER BY "+col+", id LIMIT $3", string(status), millis(now), limit)
}

// DueReminders lists the ids of at most limit scheduled maintenances that start at or
// before before and were not reminded of yet, earliest first.
func (t *tx) DueReminders(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	return t.ids(ctx, "list due maintenance reminders", `SELECT id FROM public_incidents WHERE kind = 'maintenance'
		AND status = 'scheduled' AND reminded_at IS NULL AND scheduled_for <= $1 ORDER BY scheduled_for, id LIMIT $2`,
		millis(before), limit)
}

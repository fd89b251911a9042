package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

const incidentColumns = `id, org_id, reporter_id, channel, kind, title, description, urgency, impact,
	priority, state, waiting_on, owner_id, assignee_id, solution, version,
	created_at, updated_at, first_response_at, resolved_at, closed_at,
	affected, assessment, assessment_reason, questionnaire_version,
	sla_calendar, response_due_at, response_warn_at, resolve_due_at, resolve_warn_at, paused_ms,
	paused_since_at, response_warned, response_breached, resolve_warned, resolve_breached,
	supplier_id, follow_up_at, follow_up_reminded, stale_reminded_at, solution_kind, auto_close_at`

const (
	incidentMissing  = "the incident refers to an organisation, user or component that does not exist"
	incidentConflict = "the incident was changed by someone else; reload and try again"
)

func scanIncident(row row) (desk.Incident, error) {
	var in desk.Incident
	var reporter, owner, assignee, firstResponse, resolved, closed sql.NullInt64
	var created, updated, pausedMS int64
	var responseDue, responseWarn, resolveDue, resolveWarn, pausedSince sql.NullInt64
	var supplier, followUp, staleReminded, autoClose sql.NullInt64
	err := row.Scan(&in.ID, &in.OrgID, &reporter, &in.Channel, &in.Kind, &in.Title, &in.Description,
		&in.Urgency, &in.Impact, &in.Priority, &in.State, &in.WaitingOn, &owner, &assignee, &in.Solution,
		&in.Version, &created, &updated, &firstResponse, &resolved, &closed,
		&in.Affected, &in.Assessment, &in.AssessmentReason, &in.QuestionnaireVersion,
		&in.SLA.Calendar, &responseDue, &responseWarn, &resolveDue, &resolveWarn, &pausedMS,
		&pausedSince, &in.ResponseWarned, &in.ResponseBreached, &in.ResolveWarned, &in.ResolveBreached,
		&supplier, &followUp, &in.FollowUpReminded, &staleReminded, &in.SolutionKind, &autoClose)
	in.AutoCloseAt = fromNullMillis(autoClose)
	in.SupplierID, in.FollowUpAt, in.StaleRemindedAt = fromNullID(supplier), fromNullMillis(followUp), fromNullMillis(staleReminded)
	in.SLA.ResponseDue, in.SLA.ResponseWarn = fromNullMillis(responseDue), fromNullMillis(responseWarn)
	in.SLA.ResolveDue, in.SLA.ResolveWarn = fromNullMillis(resolveDue), fromNullMillis(resolveWarn)
	in.SLA.Paused, in.SLA.PausedSince = time.Duration(pausedMS)*time.Millisecond, fromNullMillis(pausedSince)
	in.Number = desk.FormatNumber(in.ID)
	in.ReporterID, in.OwnerID, in.AssigneeID = fromNullID(reporter), fromNullID(owner), fromNullID(assignee)
	in.CreatedAt, in.UpdatedAt = fromMillis(created), fromMillis(updated)
	in.FirstResponseAt, in.ResolvedAt, in.ClosedAt = fromNullMillis(firstResponse), fromNullMillis(resolved), fromNullMillis(closed)
	in.ComponentIDs = []int64{}
	return in, err
}

// CreateIncident stores the incident and its component links, and sets ID, Number and
// Version (1). ComponentIDs is left sorted and without duplicates, as it reads back.
func (t *tx) CreateIncident(ctx context.Context, in *desk.Incident) error {
	var err error
	in.ID, err = t.insert(ctx, `INSERT INTO incidents (org_id, reporter_id, channel, kind, title,
		description, urgency, impact, priority, state, waiting_on, owner_id, assignee_id, solution, version,
		created_at, updated_at, first_response_at, resolved_at, closed_at,
		affected, assessment, assessment_reason, questionnaire_version,
		sla_calendar, response_due_at, response_warn_at, resolve_due_at, resolve_warn_at, paused_ms,
		paused_since_at, response_warned, response_breached, resolve_warned, resolve_breached,
		supplier_id, follow_up_at, follow_up_reminded, stale_reminded_at, solution_kind, auto_close_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $17, $18, $19,
		$20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40)`,
		in.OrgID, nullID(in.ReporterID), string(in.Channel), string(in.Kind), in.Title, in.Description,
		string(in.Urgency), string(in.Impact), int64(in.Priority), string(in.State), string(in.WaitingOn),
		nullID(in.OwnerID), nullID(in.AssigneeID), in.Solution, millis(in.CreatedAt), millis(in.UpdatedAt),
		nullMillis(in.FirstResponseAt), nullMillis(in.ResolvedAt), nullMillis(in.ClosedAt),
		in.Affected, string(in.Assessment), in.AssessmentReason, in.QuestionnaireVersion,
		in.SLA.Calendar, nullMillis(in.SLA.ResponseDue), nullMillis(in.SLA.ResponseWarn), nullMillis(in.SLA.ResolveDue),
		nullMillis(in.SLA.ResolveWarn), in.SLA.Paused.Milliseconds(), nullMillis(in.SLA.PausedSince),
		in.ResponseWarned, in.ResponseBreached, in.ResolveWarned, in.ResolveBreached,
		nullID(in.SupplierID), nullMillis(in.FollowUpAt), in.FollowUpReminded, nullMillis(in.StaleRemindedAt),
		string(in.SolutionKind), nullMillis(in.AutoCloseAt))
	if err != nil {
		return writeErr(err, "create incident", "", incidentMissing)
	}
	in.Number = desk.FormatNumber(in.ID)
	in.Version = 1
	return t.putIncidentComponents(ctx, in, false)
}

// putIncidentComponents stores the incident's component links; replace deletes the old ones first.
func (t *tx) putIncidentComponents(ctx context.Context, in *desk.Incident, replace bool) error {
	in.ComponentIDs = sortedIDs(in.ComponentIDs)
	if replace {
		if _, err := t.exec(ctx, "DELETE FROM incident_components WHERE incident_id = $1", in.ID); err != nil {
			return fmt.Errorf("store incident components: %w", err)
		}
	}
	for _, c := range in.ComponentIDs {
		_, err := t.exec(ctx, "INSERT INTO incident_components (incident_id, component_id) VALUES ($1, $2)", in.ID, c)
		if err != nil {
			return writeErr(err, "store incident components", "", incidentMissing)
		}
	}
	return nil
}

// Incident returns the incident with that id and its component links.
func (t *tx) Incident(ctx context.Context, id int64) (desk.Incident, error) {
	in, err := scanIncident(t.queryRow(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE id = $1", id))
	if err != nil {
		return desk.Incident{}, readErr(err, "read incident", "incident")
	}
	list := []desk.Incident{in}
	if err := t.loadIncidentComponents(ctx, list); err != nil {
		return desk.Incident{}, err
	}
	return list[0], nil
}

// incidentWhere turns a filter into conditions; every field narrows the selection.
func incidentWhere(f desk.IncidentFilter) *where {
	w := &where{}
	incidentConds(w, f)
	return w
}

// incidentConds adds a filter's conditions to w.
func incidentConds(w *where, f desk.IncidentFilter) {
	if f.OrgID != 0 {
		w.add("org_id = %s", f.OrgID)
	}
	if f.ReporterID != 0 {
		w.add("reporter_id = %s", f.ReporterID)
	}
	if f.OwnerID != 0 {
		w.add("owner_id = %s", f.OwnerID)
	}
	if f.AssigneeID != 0 {
		w.add("assignee_id = %s", f.AssigneeID)
	}
	if f.SupplierID != 0 {
		w.add("supplier_id = %s", f.SupplierID)
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			ph[i] = w.arg(string(s))
		}
		w.conds = append(w.conds, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.SortDue {
		// Word for word the predicate of the incidents_queue indexes (0004_sla.sql): a
		// literal, since SQLite matches a partial index only against constants.
		w.conds = append(w.conds, openLiteral)
	} else if f.Open != nil {
		if *f.Open {
			w.add("state <> %s", string(desk.StateClosed))
		} else {
			w.add("state = %s", string(desk.StateClosed))
		}
	}
	if f.Kind != "" {
		w.add("kind = %s", string(f.Kind))
	}
	if f.Channel != "" {
		w.add("channel = %s", string(f.Channel))
	}
	if f.Priority != 0 {
		w.add("priority = %s", int64(f.Priority))
	}
	if f.Assessment != "" {
		w.add("assessment = %s", string(f.Assessment))
	}
	if f.Involves != 0 {
		w.add("(owner_id = %s OR assignee_id = %s)", f.Involves, f.Involves)
	}
	if f.NoAssignee {
		w.conds = append(w.conds, "assignee_id IS NULL")
	}
	if !f.DueBefore.IsZero() {
		w.add("((resolve_due_at < %s AND paused_since_at IS NULL) OR (response_due_at < %s AND first_response_at IS NULL))",
			millis(f.DueBefore), millis(f.DueBefore))
	}
	if f.External {
		// A literal, word for word the predicate of incidents_queue_external
		// (0021_saved_views.sql), which SQLite matches only against constants.
		w.conds = append(w.conds, externalLiteral)
	}
	// Every word must occur in the title, in any case.
	for _, word := range strings.Fields(f.Query) {
		w.add(`lower(title) LIKE lower(%s) ESCAPE '\'`, likePattern(word))
	}
	switch {
	case f.SortDue && f.DueAfterID != 0:
		// (key, id) > (due, id), spelled so that SQLite seeks the index on the key (it does
		// not for a row value over an expression); the OR only sorts out equal keys.
		due := w.arg(millis(f.DueAfter))
		w.add(queueKey+" >= "+due+" AND ("+queueKey+" > "+due+" OR id > %s)", f.DueAfterID)
	case !f.SortDue && f.After != 0:
		w.add("id < %s", f.After)
	}
}

// queueKey is the queue's sort key, as in the incidents_queue indexes: the resolution
// deadline, or desk.Never (in milliseconds) when there is none; openLiteral their predicate.
const (
	queueKey    = "COALESCE(resolve_due_at, 253402300799000)"
	openLiteral = "state <> 'closed'"
	// externalLiteral selects the incidents handed to an external party or waiting on a
	// third party (desk.IncidentFilter.External).
	externalLiteral = "(supplier_id IS NOT NULL OR (state = 'waiting' AND waiting_on = 'third_party'))"
)

// Incidents lists incidents newest first (by id), those with an id below f.After when it
// is set, at most f.Limit (default 50, at most 500) of them; with f.SortDue the open ones by
// time to breach instead (see desk.IncidentFilter).
func (t *tx) Incidents(ctx context.Context, f desk.IncidentFilter) ([]desk.Incident, error) {
	q, args := incidentsQuery(f)
	is, err := list(ctx, t, "list incidents", scanIncident, q, args...)
	if err != nil {
		return nil, err
	}
	if err := t.loadIncidentComponents(ctx, is); err != nil {
		return nil, err
	}
	return is, nil
}

// incidentsQuery returns the query of Incidents and its arguments.
func incidentsQuery(f desk.IncidentFilter) (string, []any) {
	if f.SortDue && f.Involves != 0 {
		return involvesQuery(f)
	}
	w := incidentWhere(f)
	order := " ORDER BY id DESC"
	if f.SortDue {
		order = " ORDER BY " + queueKey + ", id"
	}
	return "SELECT " + incidentColumns + " FROM incidents" + w.sql() + order + " LIMIT " + w.arg(limit(f.Limit)), w.args
}

// involvesQuery is the queue's query of the incidents a person owns or is assigned
// (desk.IncidentFilter.Involves): the first page of the owned ones and of the assigned ones,
// each read in order from its partial index (incidents_queue_owner, _assignee), merged. An
// OR of the two would make SQLite sort every open incident of the person for each page.
func involvesQuery(f desk.IncidentFilter) (string, []any) {
	w := &where{}
	n := limit(f.Limit)
	branch := func(col string) string {
		b := f
		b.Involves = 0
		start := len(w.conds)
		incidentConds(w, b)
		w.add(col+" = %s", f.Involves)
		conds := w.conds[start:]
		w.conds = w.conds[:start]
		return "SELECT id FROM (SELECT id FROM incidents WHERE " + strings.Join(conds, " AND ") +
			" ORDER BY " + queueKey + ", id LIMIT " + w.arg(n) + ") " + col[:1]
	}
	owned, assigned := branch("owner_id"), branch("assignee_id")
	return "SELECT " + incidentColumns + " FROM incidents WHERE id IN (" + owned + " UNION " + assigned + ")" +
		" ORDER BY " + queueKey + ", id LIMIT " + w.arg(n), w.args
}

// loadIncidentComponents fills ComponentIDs of the listed incidents with one query.
func (t *tx) loadIncidentComponents(ctx context.Context, list []desk.Incident) error {
	if len(list) == 0 {
		return nil
	}
	args := make([]any, len(list))
	index := make(map[int64]int, len(list))
	for i, in := range list {
		args[i] = in.ID
		index[in.ID] = i
	}
	if err := each(ctx, t, "read incident components", func(r row) error {
		var inc, comp int64
		if err := r.Scan(&inc, &comp); err != nil {
			return err
		}
		i := index[inc]
		list[i].ComponentIDs = append(list[i].ComponentIDs, comp)
		return nil
	}, "SELECT incident_id, component_id FROM incident_components WHERE incident_id IN ("+
		placeholders(1, len(args))+") ORDER BY incident_id, component_id", args...); err != nil {
		return err
	}
	return nil
}

// CountIncidents counts the incidents the filter selects (Limit does not apply; After
// does, counting those below the cursor).
func (t *tx) CountIncidents(ctx context.Context, f desk.IncidentFilter) (int, error) {
	w := incidentWhere(f)
	var n int
	if err := t.queryRow(ctx, "SELECT count(*) FROM incidents"+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count incidents: %w", err)
	}
	return n, nil
}

// UpdateIncident stores every field (CreatedAt excepted) and replaces the component links,
// if in.Version is still the stored version; it then increments in.Version. A stale
// version gives ECONFLICT, so two people editing at once cannot overwrite each other.
func (t *tx) UpdateIncident(ctx context.Context, in *desk.Incident) error {
	res, err := t.exec(ctx, `UPDATE incidents SET org_id = $1, reporter_id = $2, channel = $3,
		kind = $4, title = $5, description = $6, urgency = $7, impact = $8, priority = $9, state = $10,
		waiting_on = $11, owner_id = $12, assignee_id = $13, solution = $14, updated_at = $15,
		first_response_at = $16, resolved_at = $17, closed_at = $18, affected = $19, assessment = $20,
		assessment_reason = $21, questionnaire_version = $22, sla_calendar = $23, response_due_at = $24,
		response_warn_at = $25, resolve_due_at = $26, resolve_warn_at = $27, paused_ms = $28,
		paused_since_at = $29, response_warned = $30, response_breached = $31, resolve_warned = $32,
		resolve_breached = $33, supplier_id = $36, follow_up_at = $37, follow_up_reminded = $38,
		stale_reminded_at = $39, solution_kind = $40, auto_close_at = $41, version = version + 1
		WHERE id = $34 AND version = $35`,
		in.OrgID, nullID(in.ReporterID), string(in.Channel), string(in.Kind), in.Title, in.Description,
		string(in.Urgency), string(in.Impact), int64(in.Priority), string(in.State), string(in.WaitingOn),
		nullID(in.OwnerID), nullID(in.AssigneeID), in.Solution, millis(in.UpdatedAt),
		nullMillis(in.FirstResponseAt), nullMillis(in.ResolvedAt), nullMillis(in.ClosedAt),
		in.Affected, string(in.Assessment), in.AssessmentReason, in.QuestionnaireVersion,
		in.SLA.Calendar, nullMillis(in.SLA.ResponseDue), nullMillis(in.SLA.ResponseWarn), nullMillis(in.SLA.ResolveDue),
		nullMillis(in.SLA.ResolveWarn), in.SLA.Paused.Milliseconds(), nullMillis(in.SLA.PausedSince),
		in.ResponseWarned, in.ResponseBreached, in.ResolveWarned, in.ResolveBreached, in.ID, in.Version,
		nullID(in.SupplierID), nullMillis(in.FollowUpAt), in.FollowUpReminded, nullMillis(in.StaleRemindedAt),
		string(in.SolutionKind), nullMillis(in.AutoCloseAt))
	if err != nil {
		return writeErr(err, "update incident", "", incidentMissing)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update incident: %w", err)
	}
	if n == 0 {
		var exists int
		err := t.queryRow(ctx, "SELECT count(*) FROM incidents WHERE id = $1", in.ID).Scan(&exists)
		if err != nil {
			return fmt.Errorf("update incident: %w", err)
		}
		if exists == 0 {
			return desk.NotFound("incident")
		}
		return &desk.Error{Code: desk.ECONFLICT, Message: incidentConflict}
	}
	in.Version++
	in.Number = desk.FormatNumber(in.ID)
	return t.putIncidentComponents(ctx, in, true)
}

package api

import (
	"net/http"
	"regexp"

	"meldpunt/internal/desk"
)

// entityRE is what an audit entity name looks like: incident, timeline_entry, …
var entityRE = regexp.MustCompile(`^[a-z][a-z_]{0,63}$`)

func (a *api) incidentAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	es, err := a.svc.incidents.Audit(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(es))
}

func (a *api) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := desk.AuditFilter{Entity: q.one("entity"), EntityID: q.id("entity_id"), Limit: q.limit(), After: q.cursor()}
	if f.Entity != "" && !entityRE.MatchString(f.Entity) {
		q.Add("entity", "entity", "must be an entity name such as incident or user")
	}
	if err := q.Err(); err != nil {
		return err
	}
	p, err := a.svc.audit.List(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(p.Items, p.Next))
}

package app

import "meldpunt/internal/desk"

// The rules of who sees what. A client sees only its own organisation: a client user their
// own incidents, a client admin all of the organisation's. An expert sees the incidents
// assigned to them; agents and admins see everything. What an actor may not see is reported
// as not found, so guessing ids tells nothing.

func forbidden(what string) error {
	return desk.Errorf(desk.EFORBIDDEN, "your role may not %s", what)
}

func requireAdmin(actor desk.Actor, what string) error {
	if actor.Role != desk.RoleAdmin {
		return forbidden(what)
	}
	return nil
}

func requireDesk(actor desk.Actor, what string) error {
	if !actor.Role.IsDesk() {
		return forbidden(what)
	}
	return nil
}

// canSeeOrg tells whether the actor may know the organisation exists.
func canSeeOrg(actor desk.Actor, orgID int64) bool {
	return actor.Role.IsStaff() || actor.OrgID == orgID
}

// canSeeIncident tells whether the actor may read the incident.
func canSeeIncident(actor desk.Actor, in desk.Incident) bool {
	switch actor.Role {
	case desk.RoleAgent, desk.RoleAdmin:
		return true
	case desk.RoleExpert:
		return in.AssigneeID != nil && *in.AssigneeID == actor.UserID
	case desk.RoleClientAdmin:
		return in.OrgID == actor.OrgID
	case desk.RoleClientUser:
		return in.OrgID == actor.OrgID && in.ReporterID != nil && *in.ReporterID == actor.UserID
	}
	return false
}

// canWorkIncident tells whether the actor works the incident as staff: notes, replies,
// transitions. Desk roles work every incident, an expert those assigned to them.
func canWorkIncident(actor desk.Actor, in desk.Incident) bool {
	return actor.Role.IsStaff() && canSeeIncident(actor, in)
}

// scopeIncidents narrows a filter to what the actor may see.
func scopeIncidents(actor desk.Actor, f *desk.IncidentFilter) {
	// narrow sets *field to want, or to -1 (matching nothing) when the filter asked for
	// something else: asking for another organisation's incidents gives none, not one's own.
	narrow := func(field *int64, want int64) {
		if *field != 0 && *field != want {
			want = -1
		}
		*field = want
	}
	switch actor.Role {
	case desk.RoleExpert:
		narrow(&f.AssigneeID, actor.UserID)
	case desk.RoleClientAdmin:
		narrow(&f.OrgID, actor.OrgID)
		f.SupplierID = 0 // clients know nothing of suppliers
	case desk.RoleClientUser:
		f.SupplierID = 0
		narrow(&f.OrgID, actor.OrgID)
		narrow(&f.ReporterID, actor.UserID)
	case desk.RoleAgent, desk.RoleAdmin:
	default:
		f.OrgID = -1 // an unknown role sees nothing
	}
}

// canSeeUser tells whether the actor may read the user's profile.
func canSeeUser(actor desk.Actor, u desk.User) bool {
	switch actor.Role {
	case desk.RoleAgent, desk.RoleAdmin:
		return true
	case desk.RoleExpert:
		return u.Role.IsStaff()
	case desk.RoleClientAdmin:
		return u.OrgID == actor.OrgID
	}
	return u.ID == actor.UserID
}

// canManageUser tells whether the actor may create or change the user: admins anyone,
// client admins the client users and admins of their own organisation.
func canManageUser(actor desk.Actor, orgID int64, role desk.Role) bool {
	switch actor.Role {
	case desk.RoleAdmin:
		return true
	case desk.RoleClientAdmin:
		return orgID == actor.OrgID && role.IsClient()
	}
	return false
}

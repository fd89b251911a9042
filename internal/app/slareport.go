package app

import (
	"context"

	"meldpunt/internal/desk"
)

// SLAReport returns the SLA report of a client organisation for a month (in
// Europe/Amsterdam): see desk.BuildSLAReport. It counts the incidents registered in the
// month, all of them, with the targets of the organisation's active contract (none without
// one: then only times are shown) and the calendars their stored SLA names, at the app's
// now.
//
// The desk (agents and admins) sees any client's report; a client admin sees their own
// organisation's, and another one is not found; client users and experts may not.
func (a *SLA) Report(ctx context.Context, actor desk.Actor, orgID int64, m desk.Month) (r desk.SLAReport, err error) {
	switch {
	case actor.System || actor.Role.IsDesk():
	case actor.Role == desk.RoleClientAdmin:
		if orgID != actor.OrgID {
			return r, desk.NotFound("organisation")
		}
	default:
		return r, forbidden("read SLA reports")
	}
	from, to := m.Range()
	now := a.clock()
	err = a.db.read(ctx, func(tx slaTx) error {
		o, err := tx.Organisation(ctx, orgID)
		if err != nil {
			return err
		}
		if o.Kind != desk.OrgClient {
			return desk.NotFound("organisation")
		}
		incs, err := tx.IncidentsRegistered(ctx, orgID, from, to)
		if err != nil {
			return err
		}
		in := desk.SLAReportInput{OrgID: orgID, Month: m, Incidents: incs, Clocks: map[string]*desk.Clock{}, Now: now}
		cs, err := tx.Contracts(ctx, orgID)
		if err != nil {
			return err
		}
		if c, ok := activeContract(cs); ok {
			in.Targets = c.Targets
		}
		for _, inc := range incs {
			slug := inc.SLA.Calendar
			if _, seen := in.Clocks[slug]; seen || slug == "" {
				continue
			}
			k, err := a.clockIn(ctx, tx, slug)
			if err != nil {
				return err
			}
			in.Clocks[slug] = k // nil when the calendar is gone: no resolution target
		}
		r = desk.BuildSLAReport(in)
		return nil
	})
	return r, err
}

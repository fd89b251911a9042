package app

import (
	"context"
	"time"

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
	now := a.clock()
	err = a.db.read(ctx, func(tx slaTx) error {
		o, err := tx.Organisation(ctx, orgID)
		if err != nil {
			return err
		}
		if o.Kind != desk.OrgClient {
			return desk.NotFound("organisation")
		}
		r, err = a.report(ctx, tx, orgID, m, now)
		return err
	})
	return r, err
}

// SLAOverviewRow is one client's line of the month's overview: its organisation and the
// totals of its report.
type SLAOverviewRow struct {
	Organisation desk.Organisation
	Total        desk.SLAReportRow
}

// Overview returns every client organisation's SLA totals for a month, by name, as one
// snapshot: the desk's first view of the reports. Each row is the Total of that client's
// Report. The desk (agents and admins) only: a client admin reads their own report.
func (a *SLA) Overview(ctx context.Context, actor desk.Actor, m desk.Month) (rows []SLAOverviewRow, err error) {
	if !actor.System && !actor.Role.IsDesk() {
		return nil, forbidden("read the SLA overview")
	}
	now := a.clock()
	err = a.db.read(ctx, func(tx slaTx) error {
		orgs, err := tx.Organisations(ctx, desk.OrgClient)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			r, err := a.report(ctx, tx, o.ID, m, now)
			if err != nil {
				return err
			}
			rows = append(rows, SLAOverviewRow{Organisation: o, Total: r.Total})
		}
		return nil
	})
	return rows, err
}

// report computes the report of a client organisation for a month in tx.
func (a *SLA) report(ctx context.Context, tx slaTx, orgID int64, m desk.Month, now time.Time) (desk.SLAReport, error) {
	from, to := m.Range()
	incs, err := tx.IncidentsRegistered(ctx, orgID, from, to)
	if err != nil {
		return desk.SLAReport{}, err
	}
	in := desk.SLAReportInput{OrgID: orgID, Month: m, Incidents: incs, Clocks: map[string]*desk.Clock{}, Now: now}
	cs, err := tx.Contracts(ctx, orgID)
	if err != nil {
		return desk.SLAReport{}, err
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
			return desk.SLAReport{}, err
		}
		in.Clocks[slug] = k // nil when the calendar is gone: no resolution target
	}
	return desk.BuildSLAReport(in), nil
}

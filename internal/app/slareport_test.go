package app_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestSLAReport builds March 2026 of a client on the business calendar (P2: a reply within
// 1 hour, a solution within 8 hours of business time): one incident that met both targets,
// one answered late but resolved in time thanks to a paused clock, one never answered,
// and two urgent reports, one of them moved to regular support; an incident of April and
// one of another client do not count. Then who may read it.
func TestSLAReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.contract(t, desk.Contract{SupportHours: desk.HoursBusiness})
		agent := actor(w.agent)
		reply := func(id int64) {
			t.Helper()
			noErr(w.a.Incidents.AddEntry(ctx, agent, id, app.EntryInput{Kind: desk.EntryReply, Body: "Looking into it."}))(t)
		}
		move := func(id int64, to desk.State) {
			t.Helper()
			tr := desk.Transition{To: to}
			switch to {
			case desk.StateWaiting:
				tr.WaitingOn = desk.WaitingOnClient
			case desk.StateResolved:
				tr.Solution, tr.SolutionKind = "Restarted.", desk.SolutionTemporary
			}
			noErr(w.a.Incidents.Transition(ctx, agent, id, tr))(t)
		}
		// Monday 2 March, 10:00 in Amsterdam.
		met := w.report(t, w.reporter, "Met")
		late := w.report(t, w.reporter, "Answered late")
		w.report(t, w.reporter, "Never answered")
		for _, inc := range []desk.Incident{met, late} {
			move(inc.ID, desk.StateTriaged)
			move(inc.ID, desk.StateInProgress)
		}
		w.now = at(t, "2026-03-02T09:30:00Z")
		reply(met.ID)
		w.now = at(t, "2026-03-02T11:00:00Z")
		reply(late.ID)
		w.now = at(t, "2026-03-02T13:00:00Z")
		move(met.ID, desk.StateResolved) // 4 business hours
		// Waiting from 17:00 to 09:00 pauses one business hour; resolved at 09:45 on
		// Tuesday: 8.75 business hours, less the pause, within 8.
		w.now = at(t, "2026-03-02T16:00:00Z")
		move(late.ID, desk.StateWaiting)
		w.now = at(t, "2026-03-03T08:00:00Z")
		move(late.ID, desk.StateInProgress)
		w.now = at(t, "2026-03-03T08:45:00Z")
		move(late.ID, desk.StateResolved)
		// Two urgent reports: one approved, one moved to regular support.
		var urgent []desk.Incident
		for _, title := range []string{"Shop down", "Not so urgent"} {
			inc, _, err := w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: title, Accept: true})
			if err != nil {
				t.Fatal(err)
			}
			urgent = append(urgent, inc)
		}
		noErr(w.a.Reports.Assess(ctx, agent, urgent[0].ID, true, ""))(t)
		noErr(w.a.Reports.Assess(ctx, agent, urgent[1].ID, false, "A layout problem."))(t)
		// April, and another client: not in March of this client.
		noErr(w.a.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: w.other.ID, Title: "Other", Urgency: desk.High, Impact: desk.Normal}))(t)
		w.now = at(t, "2026-03-31T22:30:00Z") // 00:30 on 1 April in Amsterdam
		w.report(t, w.reporter, "April")

		w.now = at(t, "2026-04-10T12:00:00Z")
		march := desk.Month{Year: 2026, Month: time.March}
		r, err := w.a.SLA.Report(ctx, agent, w.client.ID, march)
		if err != nil {
			t.Fatal(err)
		}
		if r.Month != "2026-03" || r.Total.Incidents != 5 || r.OrgID != w.client.ID {
			t.Fatalf("report %s of %d: %d incidents, want 5", r.Month, r.OrgID, r.Total.Incidents)
		}
		p2 := r.Rows[1]
		if p2.Incidents != 3 || p2.Response.Met != 1 || p2.Response.Missed != 2 || p2.Response.Pending != 0 {
			t.Errorf("P2 first response: %d incidents, %+v", p2.Incidents, p2.Response)
		}
		if p2.Resolve.Met != 2 || p2.Resolve.Missed != 1 || *p2.Resolve.MetShare != 2.0/3 {
			t.Errorf("P2 resolution: %+v", p2.Resolve)
		}
		// Replies after 30 minutes and 2 hours; solutions after 4 and 7.75 business hours.
		if mean, _ := p2.Response.Mean(); mean != 75*time.Minute {
			t.Errorf("P2 mean first response %v, want 1h15m", mean)
		}
		if p90, _ := p2.Resolve.P90(); p90 != 7*time.Hour+45*time.Minute {
			t.Errorf("P2 p90 resolution %v, want 7h45m", p90)
		}
		if mean, _ := p2.Resolve.Mean(); mean != 5*time.Hour+52*time.Minute+30*time.Second {
			t.Errorf("P2 mean resolution %v, want 5h52m30s", mean)
		}
		if r.Total.Kinds[0].Count != 1 || r.Total.Kinds[1].Count != 4 {
			t.Errorf("kinds %+v, want one urgent (the other moved to regular)", r.Total.Kinds)
		}
		if r.Total.Channels[0] != (desk.SLACount{Key: "portal", Count: 5}) {
			t.Errorf("channels %+v", r.Total.Channels)
		}
		if r.Total.Assessed != 2 || r.Total.Reclassified != 1 || *r.Total.ReclassifiedShare != 0.5 {
			t.Errorf("assessed %d, reclassified %d", r.Total.Assessed, r.Total.Reclassified)
		}

		// Who may read it.
		if own, err := w.a.SLA.Report(ctx, actor(w.clientAdmin), w.client.ID, march); err != nil || own.Total.Incidents != 5 {
			t.Errorf("the client admin's own report: %d incidents, %v", own.Total.Incidents, err)
		}
		_, err = w.a.SLA.Report(ctx, actor(w.clientAdmin), w.other.ID, march)
		wantErr(t, "another client's report", err, desk.ENOTFOUND, "")
		for _, u := range []desk.User{w.reporter, w.expert} {
			_, err = w.a.SLA.Report(ctx, actor(u), w.client.ID, march)
			wantErr(t, "a "+string(u.Role), err, desk.EFORBIDDEN, "")
		}
		if other, err := w.a.SLA.Report(ctx, agent, w.other.ID, march); err != nil || other.Total.Incidents != 1 || other.Total.Response.WithTarget != 0 {
			t.Errorf("the other client, without a contract: %+v, %v", other.Total, err)
		}
		_, err = w.a.SLA.Report(ctx, agent, 1, march) // the provider
		wantErr(t, "the provider's report", err, desk.ENOTFOUND, "")
		_, err = w.a.SLA.Report(ctx, agent, 999999, march)
		wantErr(t, "no such organisation", err, desk.ENOTFOUND, "")

		// The desk's overview: every client by name, each with its report's totals.
		rows, err := w.a.SLA.Overview(ctx, agent, march)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Organisation.ID != w.client.ID || rows[1].Organisation.ID != w.other.ID {
			t.Fatalf("overview rows %+v", rows)
		}
		if rows[0].Total.Incidents != 5 || rows[0].Total.Response.Missed != r.Total.Response.Missed || rows[0].Total.Resolve.Met != r.Total.Resolve.Met {
			t.Errorf("the client's line %+v, its report %+v", rows[0].Total, r.Total)
		}
		if rows[1].Total.Incidents != 1 || rows[1].Total.Response.WithTarget != 0 {
			t.Errorf("the other client's line %+v", rows[1].Total)
		}
		if empty, err := w.a.SLA.Overview(ctx, agent, desk.Month{Year: 2026, Month: time.February}); err != nil || len(empty) != 2 || empty[0].Total.Incidents != 0 {
			t.Errorf("a month without incidents: %+v %v", empty, err)
		}
		for _, u := range []desk.User{w.clientAdmin, w.reporter, w.expert} {
			_, err = w.a.SLA.Overview(ctx, actor(u), march)
			wantErr(t, "the overview for a "+string(u.Role), err, desk.EFORBIDDEN, "")
		}
	})
}

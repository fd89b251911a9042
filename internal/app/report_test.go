package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// urgentAnswers: the shop is down for everyone and the business has stopped.
func urgentAnswers() desk.Answers {
	return desk.Answers{
		"availability": {"down"}, "request_type": {"malfunction"}, "financial_damage": {"yes"},
		"security": {"no"}, "essential_function": {"yes"}, "end_users": {"yes"}, "workaround": {"no"},
		"business_process": {"stopped"}, "users": {"all"},
	}
}

func TestSubmitUrgentReportAndAssess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// Monday 2 March 2026, 09:00 UTC is within business hours in Amsterdam.
		c, err := w.a.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: w.client.ID, Name: "Gold", SupportHours: desk.HoursBusiness, CoversUrgent: true, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		v, err := w.a.Reports.Evaluate(ctx, actor(w.reporter), 0, urgentAnswers())
		if err != nil {
			t.Fatal(err)
		}
		if v.Verdict != desk.VerdictUrgent || v.Priority != desk.P1 || v.Promise == nil || v.Promise.ContractID != c.ID ||
			v.Promise.SupportHours != desk.Hours24x7 || v.Promise.FirstResponseMin != 30 || !v.Promise.InSupportHours {
			t.Fatalf("verdict %+v promise %+v", v.Evaluation, v.Promise)
		}
		if n, _ := w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{}); n != 0 {
			t.Fatalf("evaluating stored an incident")
		}

		actorR := actor(w.reporter)
		in := app.ReportInput{Answers: urgentAnswers(), Title: "Webshop down", Description: "<script>alert(1)</script>", Locale: desk.LocaleEN,
			Files: []app.File{{Name: "error.log", Data: []byte("10:02 502 Bad Gateway\n")}}}
		// Without acceptance nothing is stored, and the answer says what is missing.
		_, _, err = w.a.Reports.Submit(ctx, actorR, in)
		if e, ok := err.(*desk.Error); !ok || e.Fields[0].Field != "accept_procedure" {
			t.Fatalf("without acceptance: %v", err)
		}
		in.Accept = true
		inc, v, err := w.a.Reports.Submit(ctx, actorR, in)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Kind != desk.KindUrgent || inc.Assessment != desk.AssessmentPending || inc.Priority != desk.P1 || inc.Channel != desk.ChannelPortal ||
			inc.QuestionnaireVersion != 1 || inc.Description != "<script>alert(1)</script>" {
			t.Fatalf("incident %+v", inc)
		}
		r, err := w.a.Reports.Get(ctx, actorR, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, hash := desk.Procedure(desk.LocaleEN, "Provider")
		if r.ProcedureHash != hash || r.ProcedureLocale != desk.LocaleEN || r.AcceptedByID != w.reporter.ID ||
			!r.AcceptedAt.Equal(w.now) || r.AcceptedFrom != "192.0.2.7" || r.Evaluation.Verdict != desk.VerdictUrgent || r.Answers["users"][0] != "all" {
			t.Fatalf("report %+v", r)
		}
		files, err := w.a.Incidents.Attachments(ctx, actorR, inc.ID)
		if err != nil || len(files) != 1 || files[0].ContentType != "text/plain" || files[0].Name != "error.log" {
			t.Fatalf("attachments %+v %v", files, err)
		}
		ns, _ := w.a.Outbox.Notifications(ctx, actorR)
		if len(ns) != 1 || ns[0].Kind != desk.NotifyReportReceived {
			t.Fatalf("notifications %+v", ns)
		}
		// The desk's queue holds it; a client may not assess.
		p, _ := w.a.Incidents.List(ctx, actor(w.agent), desk.IncidentFilter{Assessment: desk.AssessmentPending})
		if len(p.Items) != 1 || p.Items[0].ID != inc.ID {
			t.Fatalf("queue %+v", p.Items)
		}
		if _, err := w.a.Reports.Assess(ctx, actorR, inc.ID, true, ""); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Fatalf("client assesses: %v", err)
		}
		if _, err := w.a.Reports.Assess(ctx, actor(w.agent), inc.ID, false, " "); desk.ErrorCode(err) != desk.EINVALID {
			t.Fatalf("reclassify without a reason: %v", err)
		}
		w.now = w.now.Add(7 * time.Minute)
		inc, err = w.a.Reports.Assess(ctx, actor(w.agent), inc.ID, false, "Only the test shop is affected.")
		if err != nil {
			t.Fatal(err)
		}
		if inc.Kind != desk.KindRegular || inc.Assessment != desk.AssessmentReclassified || inc.State != desk.StateTriaged || *inc.OwnerID != w.agent.ID {
			t.Fatalf("after reclassifying: %+v", inc)
		}
		if _, err := w.a.Reports.Assess(ctx, actor(w.agent), inc.ID, true, ""); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Fatalf("assessed twice: %v", err)
		}
		// The client sees why, and is notified.
		tl, _ := w.a.Incidents.Timeline(ctx, actorR, inc.ID)
		last := tl[len(tl)-1]
		if last.Event != desk.EventToRegular || last.Args[0] != "text:Only the test shop is affected." {
			t.Fatalf("timeline: %+v", last)
		}
		if ns, _ := w.a.Outbox.Notifications(ctx, actorR); len(ns) != 2 || ns[1].Kind != desk.NotifyAssessment || !strings.Contains(ns[1].Payload, "Only the test shop") {
			t.Fatalf("notifications %+v", ns)
		}
		// Changing urgency needs a reason and tells the client.
		low := desk.Low
		if _, err := w.a.Incidents.Update(ctx, actor(w.agent), inc.ID, app.IncidentPatch{Urgency: &low}); desk.ErrorCode(err) != desk.EINVALID {
			t.Fatalf("urgency changed without a reason: %v", err)
		}
	})
}

func TestSubmitReportRefusesBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		answers := urgentAnswers()
		delete(answers, "users")
		answers["colour"] = []string{"red"}
		_, _, err := w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{
			Answers: answers, Title: strings.Repeat("x", desk.MaxTitle+1), Accept: true,
			Files: []app.File{{Name: "page.png", Data: []byte("<html><script>x</script>")}, {Name: "big.log", Data: make([]byte, desk.MaxAttachment+1)}},
		})
		e, ok := err.(*desk.Error)
		if !ok {
			t.Fatalf("err %v", err)
		}
		want := map[string]bool{"title": false, "answers.users": false, "answers.colour": false, "files[0]": false, "files[1]": false}
		for _, f := range e.Fields {
			if _, ok := want[f.Field]; ok {
				want[f.Field] = true
			}
		}
		for f, seen := range want {
			if !seen {
				t.Errorf("no error for %s in %v", f, e.Fields)
			}
		}
		if n, _ := w.a.Incidents.Count(ctx, sys, desk.IncidentFilter{}); n != 0 {
			t.Errorf("a refused report left %d incidents", n)
		}
		if ns, _ := w.a.Outbox.Notifications(ctx, actor(w.reporter)); len(ns) != 0 {
			t.Errorf("a refused report queued %d notifications", len(ns))
		}
		// An agent taking a call must say for whom; the regular verdict needs no assessment.
		_, _, err = w.a.Reports.Submit(ctx, actor(w.agent), app.ReportInput{Answers: urgentAnswers(), Title: "x", Accept: true})
		if e, ok := err.(*desk.Error); !ok || e.Fields[0].Field != "organisation_id" {
			t.Fatalf("intake without an organisation: %v", err)
		}
		regular := urgentAnswers()
		regular["workaround"] = []string{"yes"}
		inc, v, err := w.a.Reports.Submit(ctx, actor(w.agent), app.ReportInput{OrgID: w.client.ID, ReporterID: &w.reporter.ID, Answers: regular, Title: "Phoned in", Accept: true})
		if err != nil || inc.Channel != desk.ChannelPhone || inc.Kind != desk.KindRegular || inc.Assessment != "" ||
			v.Verdict != desk.VerdictRegular || v.Exclusions[0] != desk.ExclusionWorkaroundAvailable {
			t.Fatalf("phone intake: %+v %+v %v", inc, v, err)
		}
	})
}

func TestQuestionnaireVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		first, _, err := w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: "one", Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		q := desk.DefaultQuestionnaire()
		q.Questions[0].Text[desk.LocaleEN] = "Can we reach the site?"
		if _, err := w.a.Reports.ReplaceQuestionnaire(ctx, actor(w.agent), q); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Fatalf("agent replaces the questionnaire: %v", err)
		}
		q, err = w.a.Reports.ReplaceQuestionnaire(ctx, sys, q)
		if err != nil || q.Version != 2 {
			t.Fatalf("replace: version %d, %v", q.Version, err)
		}
		second, _, err := w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: "two", Accept: true})
		if err != nil || first.QuestionnaireVersion != 1 || second.QuestionnaireVersion != 2 {
			t.Fatalf("versions %d, %d (%v)", first.QuestionnaireVersion, second.QuestionnaireVersion, err)
		}
		old, err := w.a.Reports.QuestionnaireVersion(ctx, actor(w.agent), 1)
		if err != nil || old.Questions[0].Text[desk.LocaleEN] == "Can we reach the site?" {
			t.Fatalf("version 1: %v", err)
		}
		bad := desk.DefaultQuestionnaire()
		bad.Rules[0].Question = "gone"
		if _, err := w.a.Reports.ReplaceQuestionnaire(ctx, sys, bad); desk.ErrorCode(err) != desk.EINVALID {
			t.Fatalf("invalid definition stored: %v", err)
		}
	})
}

package console

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
)

// testView is the view of a page in l, in Amsterdam's time zone.
func testView(t *testing.T, l desk.Locale) *view {
	t.Helper()
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		zone = time.UTC
	}
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &view{Locale: l, zone: zone, texts: texts}
}

func TestQueueModel(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 7, 13, 30, 0, 0, time.UTC)
	due, past := now.Add(2*time.Hour+15*time.Minute), now.Add(-30*time.Minute)
	owner, expert, supplier := int64(2), int64(3), int64(9)
	f, d := queueFilter(url.Values{"org": {"7"}, "priority": {"P1"}, "state": {"closed"}, "kind": {"urgent"}, "owner": {"x"},
		"after": {"1700000000000_5"}})
	if f.OrgID != 7 || d.Org != "7" || f.Priority != desk.P1 || d.Priority != "P1" || d.State != "" || len(f.States) != 0 ||
		f.Kind != desk.KindUrgent || f.OwnerID != 0 || d.Owner != "" || f.DueAfterID != 5 || f.Limit != queueLimit {
		t.Fatalf("filter %+v, shown %+v", f, d)
	}
	in := queueIn{
		Page: app.QueuePage{Items: []desk.Incident{
			{ID: 1, Number: "INC-000001", OrgID: 7, Priority: desk.P1, State: desk.StateInProgress, OwnerID: &owner, AssigneeID: &expert,
				SupplierID: &supplier, FollowUpAt: &past, UpdatedAt: now.Add(-2 * time.Hour),
				SLA: desk.SLA{Calendar: "24x7", ResponseDue: &past, ResolveDue: &due}},
			{ID: 2, Number: "INC-000002", OrgID: 7, Priority: desk.P1, State: desk.StateNew, UpdatedAt: now},
		}, NextDue: due, NextID: 2},
		Orgs:      []desk.Organisation{{ID: 7, Name: "Acme"}},
		Staff:     []desk.User{{ID: owner, Name: "Ada", Role: desk.RoleAgent}, {ID: expert, Name: "Eva", Role: desk.RoleExpert}},
		Suppliers: []desk.Supplier{{ID: supplier, Name: "Hostio"}}, StaleAfter: desk.DefaultStaleAfter(), Now: now,
	}
	got := buildQueue(testView(t, desk.LocaleEN), f, d, in)
	if len(got.Rows) != 2 || len(got.Owners) != 1 || len(got.Assignees) != 2 {
		t.Fatalf("%d rows, %d owners, %d assignees", len(got.Rows), len(got.Owners), len(got.Assignees))
	}
	r := got.Rows[0]
	if r.OrgName != "Acme" || r.OwnerName != "Ada" || r.AssigneeName != "Eva" || r.SupplierName != "Hostio" ||
		!r.Stale || !r.FollowUpPassed || r.Response.Class != "breached" || r.Resolve.Class != "running" || r.Resolve.Text != "2 h 15 min" {
		t.Errorf("first row %+v", r)
	}
	if r := got.Rows[1]; r.OwnerName != "" || r.Stale || r.Resolve.Class != "none" {
		t.Errorf("second row %+v", r)
	}
	next, _ := url.Parse(got.NextURL)
	if q := next.Query(); next.Path != "/queue" || q.Get("org") != "7" || q.Get("priority") != "P1" || q.Get("kind") != "urgent" ||
		q.Get("after") != strconv.FormatInt(due.UnixMilli(), 10)+"_2" {
		t.Errorf("next %q", got.NextURL)
	}
	if got.FirstURL != "/queue?kind=urgent&org=7&priority=P1" {
		t.Errorf("first %q", got.FirstURL)
	}
}

func TestCalendarModel(t *testing.T) {
	t.Parallel()
	v := testView(t, desk.LocaleNL)
	form := url.Values{"name": {"Kantoor"}, "zone": {" Europe/Amsterdam "}, "week.1": {"08:30-12:00, 13:00-17:00"},
		"week.2": {"09:00-17:00, later"}, "holiday.koningsdag": {"1"}, "closed_days": {"2027-12-24\n\n2027-12-31\n"}, "always_open": {""}}
	c, bad := calendarFromForm(v, form, "kantoor")
	if c.Slug != "kantoor" || c.Zone != "Europe/Amsterdam" || len(c.Week[1]) != 2 || len(c.Week[2]) != 1 ||
		len(c.Holidays) != 1 || len(c.ClosedDays) != 2 || c.AlwaysOpen {
		t.Fatalf("calendar %+v", c)
	}
	if len(bad) != 1 || bad[0].Field != "week.2" || !strings.Contains(bad[0].Message, "(later)") || fieldMessage(v, bad[0]) != bad[0].Message {
		t.Fatalf("bad %+v", bad)
	}
	// With a field that cannot be read, the rest is checked too: a bad zone shows at once.
	c.Zone = "Mars/Base"
	err := calendarProblems(c, bad, nil)
	errs, _, ok := formErrors(v, err, "week.2", "zone")
	if !ok || errs["week.2"] == "" || errs["zone"] == "" {
		t.Errorf("errors %v (%v)", errs, err)
	}
	// The app's own error is put on the form's fields.
	appErr := &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{{Field: "week[3][0]", Rule: "span"}, {Field: "closed_days[1]", Rule: "date"}}}
	var e *desk.Error
	if !errors.As(calendarProblems(c, nil, appErr), &e) || e.Fields[0].Field != "week.3" || e.Fields[1].Field != "closed_days" {
		t.Errorf("app's error on the form: %+v", e)
	}
	if calendarProblems(desk.DefaultCalendars()[1], nil, nil) != nil {
		t.Error("a valid calendar has problems")
	}
	// Shown again, everything as it was sent.
	kept := calendarKept(v, c, form, true)
	if kept.Name != "Kantoor" || kept.Zone != " Europe/Amsterdam " || kept.Days[1].Value != "09:00-17:00, later" ||
		kept.ClosedDays != form.Get("closed_days") || kept.Action != "/calendars/new" {
		t.Errorf("kept %+v", kept)
	}
}

func TestReportModel(t *testing.T) {
	t.Parallel()
	v := testView(t, desk.LocaleEN)
	v.Form = "report"
	q := desk.DefaultQuestionnaire()
	d := &reportData{Action: "/report"}
	in := reportIn{Q: q, Answers: desk.Answers{"availability": {"down"}}, Provider: "Servicedesk", Check: true}
	missing := buildReport(v, d, in)
	required := 0
	for _, qu := range q.Questions {
		if qu.Required {
			required++
		}
	}
	if missing != required-1 || len(d.Questions) != len(q.Questions) || d.Procedure == "" || d.ProcedureHash == "" || d.Panel.Class != "pending" {
		t.Fatalf("missing %d of %d required; %d questions; panel %q", missing, required, len(d.Questions), d.Panel.Class)
	}
	for _, qv := range d.Questions {
		wantErr := qv.Required && qv.ID != "availability"
		if (qv.Error != "") != wantErr {
			t.Errorf("question %s: error %q", qv.ID, qv.Error)
		}
		if qv.ID == "availability" && !qv.Options[0].Checked && !qv.Options[1].Checked && !qv.Options[len(qv.Options)-1].Checked {
			t.Errorf("the answer is not kept: %+v", qv.Options)
		}
	}
	refs := reportFieldRefs(d)
	if refs[0].Name != "answers."+q.Questions[0].ID || refs[0].ID != "q-"+q.Questions[0].ID+"-0" || refs[len(refs)-1].Name != "files" {
		t.Errorf("fields %+v … %+v", refs[0], refs[len(refs)-1])
	}

	// The app's errors and a cut body become messages next to the fields.
	files := []app.File{{Name: "tool.exe"}}
	errs, alert := reportErrors(v, &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{
		{Field: "accept_procedure", Rule: "required"}, {Field: "procedure_hash", Rule: "current"},
		{Field: "component_ids[0]", Rule: "exists"}, {Field: "answers.security", Rule: "required"},
		{Field: "files[0]", Rule: "type"}, {Field: "title", Rule: "required", Message: "is required"},
	}}, q, files)
	for f, want := range map[string]string{
		"accept_procedure": v.T("report.accept_required"), "component_ids": v.T("report.component_unknown"),
		"answers.security": v.T("report.answer_required"), "title": v.T("field.required"),
		"files": "tool.exe is of a type that is not allowed",
	} {
		if !strings.HasPrefix(errs[f], want) {
			t.Errorf("%s: %q, want %q", f, errs[f], want)
		}
	}
	if alert != v.T("form.check") {
		t.Errorf("alert %q", alert)
	}
	errs, _ = reportErrors(v, &desk.Error{Code: desk.ETOOLARGE, Fields: []desk.FieldError{{Field: "files", Rule: "too_large"}}}, q, nil)
	if !strings.Contains(errs["files"], "larger than 50 MB") {
		t.Errorf("cut files: %q", errs["files"])
	}
}

func TestAssignmentFrom(t *testing.T) {
	t.Parallel()
	zone := testView(t, desk.LocaleNL).zone
	as, bad := assignmentFrom(url.Values{"owner_id": {"2"}, "assignee_id": {"0"}, "supplier_id": {""},
		"follow_up_at": {"2027-01-05T10:00"}, "follow_up_was": {""}}, zone)
	if len(bad) != 0 || *as.OwnerID != 2 || *as.AssigneeID != 0 || as.SupplierID != nil || as.FollowUpAt == nil || !strings.HasPrefix(*as.FollowUpAt, "2027-01-05T10:00:00+01:00") {
		t.Fatalf("%+v %v", as, bad)
	}
	as, bad = assignmentFrom(url.Values{"owner_id": {"x"}, "follow_up_at": {"2027-01-05T10:00"}, "follow_up_was": {"2027-01-05T10:00"}}, zone)
	if len(bad) != 1 || bad[0].Field != "owner_id" || as.FollowUpAt != nil {
		t.Fatalf("%+v %v", as, bad)
	}
	_, bad = assignmentFrom(url.Values{"follow_up_at": {"tomorrow"}}, zone)
	if len(bad) != 1 || bad[0].Field != "follow_up_at" || bad[0].Rule != "date_time_format" {
		t.Fatalf("%v", bad)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	v := testView(t, desk.LocaleNL)
	v.Errors = map[string]string{"follow_up_at": "Kies een datum.", "owner_id": "Kies iemand."}
	v.fields = incidentFields("assign", false)
	got := v.summarize()
	if len(got) != 2 || got[0] != (summaryItem{ID: "owner_id", Text: "Eigenaar: Kies iemand."}) || got[1].ID != "follow_up_at" {
		t.Errorf("summary %+v", got)
	}
	// Every form of the incident and change pages has its fields listed.
	for _, form := range []string{"reply", "note", "assign", "assess-approve", "assess-reclassify", "classify", "attach", "change",
		"transition-resolved", "transition-waiting", "transition-in_progress"} {
		if len(incidentFields(form, false)) == 0 {
			t.Errorf("no fields for %s", form)
		}
	}
	if f := incidentFields("transition-in_progress", true); len(f) != 1 || f[0].ID != "reason-reject" {
		t.Errorf("the client's rejection: %+v", f)
	}
}

func TestFlash(t *testing.T) {
	t.Parallel()
	h := &handler{}
	w := httptest.NewRecorder()
	h.redirect(w, httptest.NewRequest(http.MethodPost, "/incidents/INC-000001/transition", nil),
		outcome{to: "/incidents/INC-000001?x=1", flash: flash{code: "transition", arg: "resolved"}})
	res := w.Result()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/incidents/INC-000001?x=1" {
		t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 || cs[0].Name != flashCookie || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode || cs[0].MaxAge != 60 {
		t.Fatalf("cookie %+v", cs)
	}
	show := func(path string, c *http.Cookie) string {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.AddCookie(c)
		v := testView(t, desk.LocaleEN)
		v.takeFlash(r)
		if (v.Notice != "") != v.flashTaken {
			t.Errorf("notice %q, taken %v", v.Notice, v.flashTaken)
		}
		return v.Notice
	}
	if got := show("/incidents/INC-000001", cs[0]); got != "The state is now: Resolved." {
		t.Errorf("on its page: %q", got)
	}
	if got := show("/incidents", cs[0]); got != "" {
		t.Errorf("on another page: %q", got)
	}
	forged := &http.Cookie{Name: flashCookie, Value: url.Values{"c": {"<b>hacked</b>"}, "p": {"/incidents"}}.Encode()}
	if got := show("/incidents", forged); got != "" {
		t.Errorf("an unknown code shows %q", got)
	}
	for code, ft := range flashes {
		for _, l := range []desk.Locale{desk.LocaleNL, desk.LocaleEN} {
			v := testView(t, l)
			if v.T(ft.key) == ft.key {
				t.Errorf("flash %s: no text %s in %s", code, ft.key, l)
			}
		}
	}
}

package console_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// file is one file a test uploads.
type file struct {
	name string
	data []byte
}

// png is the start of a PNG image: enough for the content to be sniffed as one.
var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)

// multipart posts form and files (each under its field) as multipart/form-data, the way a
// browser sends a form with enctype="multipart/form-data".
func (c *client) multipart(path string, form url.Values, files map[string][]file) page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	for field, fs := range files {
		for _, f := range fs {
			w, err := mw.CreateFormFile(field, f.name)
			if err != nil {
				c.t.Fatal(err)
			}
			if _, err := w.Write(f.data); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

// uploadForm gets formPage, copies the csrf field of the form posting to action (and the
// hidden procedure fields, when the page has them) into form, and posts it as multipart.
func (c *client) uploadForm(formPage, action string, form url.Values, files map[string][]file) page {
	c.t.Helper()
	p := c.get(formPage)
	form.Set("csrf", csrfFor(c.t, p, action))
	for _, f := range []string{"procedure_hash", "procedure_locale", "organisation_id"} {
		if v := hidden(p, f); v != "" && form.Get(f) == "" {
			form.Set(f, v)
		}
	}
	return c.multipart(action, form, files)
}

// hidden returns the value of the page's hidden field name, "" when there is none.
func hidden(p page, name string) string {
	m := regexp.MustCompile(`<input type="hidden" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return m[1]
}

// The answer sets the tests use, for the default questionnaire.
var (
	// urgentAnswers: down, with financial damage, an essential function down and end users
	// hit; no workaround, the business process stopped, all users: urgent, P1.
	urgentAnswers = map[string]string{"availability": "down", "request_type": "malfunction", "financial_damage": "yes",
		"security": "no", "essential_function": "yes", "end_users": "yes", "workaround": "no", "business_process": "stopped", "users": "all"}
	// regularAnswers: a design change that hinders nobody: regular, P5.
	regularAnswers = map[string]string{"availability": "up", "request_type": "design", "financial_damage": "no",
		"security": "no", "essential_function": "no", "end_users": "no", "workaround": "no", "business_process": "none", "users": "one"}
	// mixedAnswers: down, but a workaround exists: the exclusion outweighs; regular, P3.
	mixedAnswers = map[string]string{"availability": "down", "request_type": "malfunction", "financial_damage": "no",
		"security": "no", "essential_function": "no", "end_users": "no", "workaround": "yes", "business_process": "hindered", "users": "some"}
)

// answerForm returns the answers as the form's fields, with extra fields added.
func answerForm(answers map[string]string, extra ...string) url.Values {
	f := url.Values{}
	for q, o := range answers {
		f.Set("answers."+q, o)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// answersOf returns the answers as the app takes them.
func answersOf(answers map[string]string) desk.Answers {
	a := desk.Answers{}
	for q, o := range answers {
		a[q] = []string{o}
	}
	return a
}

// actor returns the actor of a fixture user.
func actor(u desk.User) desk.Actor {
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Address: "127.0.0.1"}
}

// submit files a report through the app, as u.
func (e *env) submit(u desk.User, answers map[string]string, title string) desk.Incident {
	e.t.Helper()
	inc, _, err := e.app.Reports.Submit(context.Background(), actor(u), app.ReportInput{
		Answers: answersOf(answers), Title: title, Accept: true, Locale: desk.LocaleNL})
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

// contract gives the organisation an active contract with the default targets.
func (e *env) contract(org desk.Organisation, name string, coversUrgent bool, hours desk.SupportHours) desk.Contract {
	e.t.Helper()
	c, err := e.app.Organisations.CreateContract(context.Background(), desk.SystemActor("test"), desk.Contract{
		OrgID: org.ID, Name: name, CoversUrgent: coversUrgent, SupportHours: hours, UrgentHours: desk.Hours24x7, Active: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// providerName is the provider organisation's name, which the procedure names.
func (e *env) providerName() string {
	e.t.Helper()
	ps, err := e.app.Organisations.List(context.Background(), desk.SystemActor("test"), desk.OrgProvider)
	if err != nil || len(ps) == 0 {
		e.t.Fatalf("no provider: %v", err)
	}
	return ps[0].Name
}

// count returns how many incidents the organisation has.
func (e *env) count(org desk.Organisation) int {
	e.t.Helper()
	n, err := e.app.Incidents.Count(context.Background(), desk.SystemActor("test"), desk.IncidentFilter{OrgID: org.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// checked tells whether the page has the answer's radio button or checkbox checked.
func checked(p page, question, option string) bool {
	re := regexp.MustCompile(`<input type="(?:radio|checkbox)" name="answers\.` + regexp.QuoteMeta(question) + `" value="` + regexp.QuoteMeta(option) + `" checked`)
	return re.MatchString(p.body)
}

// expectAnswers checks that every answer is checked on the page.
func expectAnswers(t *testing.T, p page, answers map[string]string) {
	t.Helper()
	for q, o := range answers {
		if !checked(p, q, o) {
			t.Errorf("the answer %s=%s is not kept", q, o)
		}
	}
}

// numberOf returns the incident number in a location like /incidents/INC-000001?submitted=1.
func numberOf(t *testing.T, location string) string {
	t.Helper()
	m := regexp.MustCompile(`^/incidents/(INC-\d+)\?submitted=1$`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("location %q is not an incident's confirmation", location)
	}
	return m[1]
}

// verdictPanel returns the verdict panel of a questionnaire page.
func verdictPanel(t *testing.T, p page) string {
	t.Helper()
	i := strings.Index(p.body, `<section id="verdict"`)
	if i < 0 {
		t.Fatalf("no verdict panel (status %d):\n%s", p.status, p.body)
	}
	i += strings.Index(p.body[i:], ">") + 1
	j := strings.Index(p.body[i:], "</section>")
	return p.body[i : i+j]
}

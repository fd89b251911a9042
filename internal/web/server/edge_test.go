package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"meldpunt/internal/logtest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// The HTTP edge (issue 10, findings 5, 6 and 10): what the request log holds, which check
// comes first, the headers and cookies of every answer, and wrong methods.

// syncBuffer collects log lines while handlers write them.
type syncBuffer = logtest.Buffer

// edge is a server on a real database with a client and the desk, and the log it writes.
type edge struct {
	t       *testing.T
	app     *app.Services
	handler http.Handler
	logs    *syncBuffer
	client  desk.User
	agent   desk.User
	admin   desk.User
	tokens  map[desk.Role]string // an API token per role
	inc     desk.Incident        // the client's incident
}

// newEdge starts the handler with base as its base URL.
func newEdge(t *testing.T, db *store.DB, base string) *edge {
	t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	e := &edge{t: t, logs: &syncBuffer{}, tokens: map[desk.Role]string{}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.app = app.New(db, time.Now, log, app.Config{Holidays: holidays.NL(), BaseURL: base, Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if _, err := e.app.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	e.handler = Handler(Config{BaseURL: base, Texts: loadTexts(t)}, e.app, log, prometheus.NewRegistry())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org, err := e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Edge Client"})
	must(err)
	user := func(org int64, role desk.Role) desk.User {
		u, err := e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: string(role) + "@edge.example", Name: string(role), Role: role, Password: password})
		must(err)
		tok, _, err := e.app.Identity.CreateToken(ctx, sys, u.ID, "test")
		must(err)
		e.tokens[role] = tok
		return u
	}
	e.client = user(org.ID, desk.RoleClientUser)
	user(org.ID, desk.RoleClientAdmin)
	e.agent = user(0, desk.RoleAgent)
	user(0, desk.RoleExpert)
	e.admin = user(0, desk.RoleAdmin)
	e.inc, err = e.app.Incidents.Create(ctx, actorFor(e.client), app.IncidentInput{Title: "Checkout fails", Urgency: desk.High, Impact: desk.Normal})
	must(err)
	return e
}

func actorFor(u desk.User) desk.Actor {
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID}
}

// do serves one request and returns the answer.
func (e *edge) do(req *http.Request) *http.Response {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// body reads an answer's body.
func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// solutionLink resolves the client's incident and returns the path of its Confirm link.
func (e *edge) solutionLink() string {
	e.t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	if _, err := e.app.Incidents.Transition(ctx, sys, e.inc.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
		e.t.Fatal(err)
	}
	inc, err := e.app.Incidents.Transition(ctx, sys, e.inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Restarted.", SolutionKind: desk.SolutionTemporary})
	if err != nil {
		e.t.Fatal(err)
	}
	confirm, _, err := e.app.Outbox.SolutionLinks(ctx, inc)
	if err != nil {
		e.t.Fatal(err)
	}
	_, token, ok := strings.Cut(confirm, "/solution/")
	if !ok || len(token) < 32 {
		e.t.Fatalf("solution link %q", confirm)
	}
	return "/solution/" + token
}

// TestRequestLogRedactsSecrets opens and submits a solution link, asks for a reset link's
// page, and calls the API with a wrong token: the log names each route, and none of the
// secrets (finding 5).
func TestRequestLogRedactsSecrets(t *testing.T) {
	t.Parallel()
	e := newEdge(t, storetest.Open(t, "sqlite"), "http://meldpunt.test")
	link := e.solutionLink()
	token := strings.TrimPrefix(link, "/solution/")
	secrets := []string{token}

	res := e.do(httptest.NewRequest(http.MethodGet, link, nil))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET the solution link: %d %s", res.StatusCode, body(t, res))
	}
	// Submitting it without the form cookie's token is refused, and logged the same way.
	post := httptest.NewRequest(http.MethodPost, link, strings.NewReader("action=confirm"))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	e.do(post)
	reset := "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
	e.do(httptest.NewRequest(http.MethodGet, "/password/reset?token="+reset, nil))
	// A link to a page that does not exist, carrying a secret where a word would be.
	e.do(httptest.NewRequest(http.MethodGet, link+"/more", nil))
	apiToken := "mp_thisIsNotAValidTokenButLooksLikeOne0123456789"
	bad := httptest.NewRequest(http.MethodGet, "/api/v1/incidents", nil)
	bad.Header.Set("Authorization", "Bearer "+apiToken)
	e.do(bad)
	secrets = append(secrets, reset, apiToken, e.tokens[desk.RoleClientUser])

	logs := e.logs.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds the secret %q:\n%s", s, logs)
		}
	}
	for _, want := range []string{`route="GET /solution/{token}"`, `route="POST /solution/{token}"`,
		`url=/solution/REDACTED`, `url="/password/reset?token=REDACTED"`, `route="GET /api/v1/incidents"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
}

// cookieNamed returns the cookie of that name the answer sets, or nil.
func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestHTTPSHeadersAndCookies signs in on an https and on an http installation: with https
// every answer carries Strict-Transport-Security and the form and session cookies are
// __Host- cookies (Secure, Path=/, no Domain), and only the __Host- session cookie signs
// anyone in; on http (local development) neither (finding 10).
func TestHTTPSHeadersAndCookies(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{true, false} {
		base, prefix := "http://meldpunt.test", ""
		if https {
			base, prefix = "https://meldpunt.test", "__Host-"
		}
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			e := newEdge(t, storetest.Open(t, "sqlite"), base)
			login := e.do(httptest.NewRequest(http.MethodGet, base+"/login", nil))
			page := body(t, login)
			hsts := login.Header.Get("Strict-Transport-Security")
			if https && hsts != "max-age=31536000" || !https && hsts != "" {
				t.Errorf("GET /login: Strict-Transport-Security %q", hsts)
			}
			form := cookieNamed(login, prefix+"meldpunt_csrf")
			if form == nil {
				t.Fatalf("GET /login sets no %smeldpunt_csrf cookie: %v", prefix, login.Header["Set-Cookie"])
			}
			if https && (!form.Secure || form.Path != "/" || form.Domain != "") {
				t.Errorf("the form cookie %+v is not a valid __Host- cookie", form)
			}
			m := csrfField.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no csrf field on the sign-in page:\n%s", page)
			}
			post := httptest.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{
				"email": {e.client.Email}, "password": {password}, "csrf": {m[1]}}.Encode()))
			post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			post.AddCookie(form)
			signedIn := e.do(post)
			if signedIn.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST /login: %d %s", signedIn.StatusCode, body(t, signedIn))
			}
			hsts = signedIn.Header.Get("Strict-Transport-Security")
			if https && hsts == "" || !https && hsts != "" {
				t.Errorf("POST /login: Strict-Transport-Security %q", hsts)
			}
			session := cookieNamed(signedIn, prefix+"meldpunt_session")
			if session == nil {
				t.Fatalf("POST /login sets no %smeldpunt_session cookie: %v", prefix, signedIn.Header["Set-Cookie"])
			}
			if https && (!session.Secure || session.Path != "/" || session.Domain != "" || cookieNamed(signedIn, "meldpunt_session") != nil) {
				t.Errorf("the session cookie %+v is not a valid __Host- cookie, or comes with a plain one too", session)
			}
			for _, name := range []string{"__Host-meldpunt_session", "meldpunt_session"} {
				req := httptest.NewRequest(http.MethodGet, base+"/incidents", nil)
				req.AddCookie(&http.Cookie{Name: name, Value: session.Value})
				res := e.do(req)
				want := http.StatusOK
				if name != prefix+"meldpunt_session" {
					want = http.StatusSeeOther // to sign in: this name is not the session's here
				}
				if res.StatusCode != want {
					t.Errorf("GET /incidents with the cookie %s: %d, want %d", name, res.StatusCode, want)
				}
			}
			api := e.do(httptest.NewRequest(http.MethodGet, base+"/api/v1/nothing", nil))
			if hsts := api.Header.Get("Strict-Transport-Security"); https != (hsts != "") {
				t.Errorf("GET /api/v1/nothing: Strict-Transport-Security %q", hsts)
			}
		})
	}
}

// TestWrongMethod asks existing paths with a method they do not serve: 405 with the methods
// they do serve in Allow, a problem document under /api/ and a page elsewhere. Paths that
// do not exist stay 404, and HEAD works wherever GET does (finding 10).
func TestWrongMethod(t *testing.T) {
	t.Parallel()
	e := newEdge(t, storetest.Open(t, "sqlite"), "http://meldpunt.test")
	inc := fmt.Sprint(e.inc.ID)
	cases := []struct {
		method, path string
		status       int
		allow, ctype string
	}{
		{"DELETE", "/api/v1/incidents", 405, "GET, HEAD, POST", "application/problem+json"},
		{"PUT", "/api/v1/incidents/" + inc, 405, "GET, HEAD, PATCH", "application/problem+json"},
		{"GET", "/api/v1/incidents/" + inc + "/transitions", 405, "POST", "application/problem+json"},
		{"POST", "/api/v1/openapi.json", 405, "GET, HEAD", "application/problem+json"},
		{"POST", "/queue", 405, "GET, HEAD", "text/html"},
		{"POST", "/incidents", 405, "GET, HEAD", "text/html"},
		{"DELETE", "/incidents/" + inc, 405, "GET, HEAD", "text/html"},
		{"PUT", "/login", 405, "GET, HEAD, POST", "text/html"},
		{"POST", "/", 405, "GET, HEAD", "text/html"},
		{"DELETE", "/api/v1/nothing", 404, "", "application/problem+json"},
		{"POST", "/nothing/here", 404, "", "text/html"},
		{"HEAD", "/login", 200, "", "text/html"},
		{"HEAD", "/api/v1/openapi.json", 200, "", "application/json"},
		{"HEAD", "/api/v1/incidents", 200, "", "application/json"},
		{"HEAD", "/api/v1/incidents/" + inc, 200, "", "application/json"},
		{"HEAD", "/healthz", 200, "", ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "http://meldpunt.test"+c.path, nil)
		if strings.HasPrefix(c.path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+e.tokens[desk.RoleClientUser])
		}
		res := e.do(req)
		b := body(t, res)
		where := c.method + " " + c.path
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d: %s", where, res.StatusCode, c.status, b)
		}
		if got := res.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s: Allow %q, want %q", where, got, c.allow)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.ctype) {
			t.Errorf("%s: Content-Type %q, want %s", where, ct, c.ctype)
		}
		if c.status == 405 && c.ctype == "application/problem+json" && !strings.Contains(b, `"code":"method_not_allowed"`) {
			t.Errorf("%s: %s", where, b)
		}
	}
}

// TestFormsAuthoriseBeforeValidate posts the desk's forms with invalid values as people who
// may not post them: 403 for the incident's own reporter and the expert for a change
// request, 404 for a client of another organisation, never the 422 of the values, which
// the agent gets (finding 6, the pages).
func TestFormsAuthoriseBeforeValidate(t *testing.T) {
	t.Parallel()
	e := newEdge(t, storetest.Open(t, "sqlite"), "http://meldpunt.test")
	ctx, sys := context.Background(), desk.SystemActor("test")
	other, err := e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Other Client"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: other.ID, Email: "stranger@edge.example", Name: "Stranger", Role: desk.RoleClientUser, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	expert, err := e.app.Identity.UserByEmail(ctx, sys, string(desk.RoleExpert)+"@edge.example")
	if err != nil {
		t.Fatal(err)
	}
	chg, err := e.app.Changes.Create(ctx, sys, app.ChangeInput{Title: "Fix it", IncidentIDs: []int64{e.inc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	num, chgNum := desk.FormatNumber(e.inc.ID), desk.FormatChangeNumber(chg.ID)
	post := func(u desk.User, path, form string) *http.Response {
		t.Helper()
		secret, s, _, err := e.app.Identity.SignIn(ctx, u.Email, password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "http://meldpunt.test"+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", s.CSRF)
		req.AddCookie(&http.Cookie{Name: "meldpunt_session", Value: secret})
		return e.do(req)
	}
	for _, c := range []struct {
		path, form string
		refused    map[desk.User]int
	}{
		{"/incidents/" + num + "/assess", "decision=maybe", map[desk.User]int{e.client: 403, stranger: 404}},
		{"/incidents/" + num + "/assign", "owner_id=me&follow_up_at=someday", map[desk.User]int{e.client: 403, stranger: 404}},
		{"/incidents/" + num + "/classify", "urgency=extreme&impact=cosmic", map[desk.User]int{e.client: 403, stranger: 404}},
		{"/changes/" + chgNum + "/incidents", "incident=", map[desk.User]int{expert: 403, e.client: 404}},
		{"/changes/" + chgNum + "/transition", "to=nowhere", map[desk.User]int{expert: 403, e.client: 404}},
		{"/changes/" + chgNum + "/edit", "title=&version=1", map[desk.User]int{expert: 403, e.client: 404}},
	} {
		if res := post(e.agent, c.path, c.form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST %s as the agent: %d, want 422 (the form is invalid)", c.path, res.StatusCode)
		}
		for u, want := range c.refused {
			if res := post(u, c.path, c.form); res.StatusCode != want {
				t.Errorf("POST %s as %s: %d, want %d", c.path, u.Email, res.StatusCode, want)
			}
		}
	}
}

// countingBody counts the bytes the server reads of a request body.
type countingBody struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestRefusedFormIsNotRead posts forms that the person may never post: the page refuses
// them without reading a byte of the body, where the person who may post it is read
// (finding 6, the pages).
func TestRefusedFormIsNotRead(t *testing.T) {
	t.Parallel()
	e := newEdge(t, storetest.Open(t, "sqlite"), "http://meldpunt.test")
	ctx, sys := context.Background(), desk.SystemActor("test")
	other, err := e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Other Client"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: other.ID, Email: "stranger@edge.example", Name: "Stranger", Role: desk.RoleClientUser, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	num := desk.FormatNumber(e.inc.ID)
	multipart := "multipart/form-data; boundary=x"
	form := "application/x-www-form-urlencoded"
	for _, c := range []struct {
		who         desk.User
		path, ctype string
		status      int
		mayReadBody bool
	}{
		{e.client, "/admin/questionnaire", form, 403, false},
		{e.agent, "/admin/questionnaire", form, 403, false},
		{stranger, "/incidents/" + num + "/attachments", multipart, 404, false},
		{e.agent, "/report", multipart, 403, false},
		{e.client, "/intake", multipart, 403, false},
		{e.client, "/incidents/" + num + "/assign", form, 403, false},
		{desk.User{}, "/incidents/" + num + "/attachments", multipart, 303, false}, // to sign in
		{desk.User{}, "/admin/questionnaire", form, 303, false},
		{e.admin, "/admin/questionnaire", form, 0, true},
		{e.client, "/incidents/" + num + "/attachments", multipart, 0, true},
	} {
		var secret, csrf string
		if c.who.Email != "" {
			sec, s, _, err := e.app.Identity.SignIn(ctx, c.who.Email, password, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			secret, csrf = sec, s.CSRF
		}
		var n atomic.Int64
		payload := "--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" + strings.Repeat("questions: []\n", 1000) + "\r\n--x--\r\n"
		if c.ctype == form {
			payload = "text=" + strings.Repeat("questions%3A+%5B%5D%0A", 1000)
		}
		req := httptest.NewRequest(http.MethodPost, "http://meldpunt.test"+c.path, countingBody{r: strings.NewReader(payload), n: &n})
		req.Header.Set("Content-Type", c.ctype)
		if secret != "" {
			req.Header.Set("X-CSRF-Token", csrf)
			req.AddCookie(&http.Cookie{Name: "meldpunt_session", Value: secret})
		}
		res := e.do(req)
		where := fmt.Sprintf("POST %s as %q", c.path, c.who.Email)
		if c.status != 0 && res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", where, res.StatusCode, c.status)
		}
		if read := n.Load(); !c.mayReadBody && read != 0 {
			t.Errorf("%s: the server read %d bytes of the body before refusing", where, read)
		} else if c.mayReadBody && read == 0 {
			t.Errorf("%s: the server read nothing of a form it may read (the test proves nothing)", where)
		}
	}
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
	"meldpunt/internal/web/server"
)

// baseURL is the installation's address; Location headers start with it.
const baseURL = "http://meldpunt.test"

// password is every fixture user's password.
const password = "correct horse battery staple"

var sys = desk.SystemActor("test")

// env is a running Meldpunt on a real database, behind a real HTTP server, with a small
// installation: the provider with an admin, an agent and an expert; client A with an admin
// and two users; client B with an admin and a user. Every user has an API token.
type env struct {
	app      *app.Services
	srv      *httptest.Server
	spec     *spec
	provider desk.Organisation
	orgA     desk.Organisation
	orgB     desk.Organisation
	users    map[string]desk.User
	tokens   map[string]string
	// vars are the values {name} stands for in scenario paths and bodies: fixture ids, and
	// ids that earlier scenarios saved.
	vars map[string]string
	// cover, when set, records each operation and status class that a response was
	// validated for.
	cover map[string]bool
}

// fixtureUsers lists the fixture users: key, organisation ("provider", "A", "B"), role.
var fixtureUsers = []struct{ key, org string }{
	{"admin", "provider"}, {"agent", "provider"}, {"expert", "provider"},
	{"clientAdminA", "A"}, {"clientUserA", "A"}, {"clientUserA2", "A"},
	{"clientAdminB", "B"}, {"clientUserB", "B"},
}

var fixtureRoles = map[string]desk.Role{
	"admin": desk.RoleAdmin, "agent": desk.RoleAgent, "expert": desk.RoleExpert,
	"clientAdminA": desk.RoleClientAdmin, "clientUserA": desk.RoleClientUser, "clientUserA2": desk.RoleClientUser,
	"clientAdminB": desk.RoleClientAdmin, "clientUserB": desk.RoleClientUser,
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newEnvOutbox(t, db, app.OutboxConfig{})
}

// newEnvOutbox is newEnv with the outbox's channels configured: a Poster, say.
func newEnvOutbox(t *testing.T, db *store.DB, oc app.OutboxConfig) *env {
	t.Helper()
	return newEnvConfig(t, db, app.Config{Outbox: oc})
}

// newEnvConfig is newEnv with parts of the app's configuration given: the outbox's
// channels, the monitors' checks. The holidays, base URL and password hashing are the
// fixture's.
func newEnvConfig(t *testing.T, db *store.DB, cfg app.Config) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Holidays, cfg.BaseURL, cfg.Argon2 = holidays.NL(), baseURL, app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	a := app.New(db, time.Now, log, cfg)
	e := &env{app: a, users: map[string]desk.User{}, tokens: map[string]string{}, vars: map[string]string{}}
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	ps, err := a.Organisations.List(ctx, sys, desk.OrgProvider)
	if err != nil || len(ps) != 1 {
		t.Fatalf("provider: %v %v", ps, err)
	}
	e.provider = ps[0]
	e.orgA = must(a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme Client"}))(t)
	e.orgB = must(a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Globex Client"}))(t)
	orgs := map[string]desk.Organisation{"provider": e.provider, "A": e.orgA, "B": e.orgB}
	for _, fu := range fixtureUsers {
		u := must(a.Identity.CreateUser(ctx, sys, app.UserInput{
			OrgID: orgs[fu.org].ID, Email: strings.ToLower(fu.key) + "@example.com", Name: "User " + fu.key,
			Role: fixtureRoles[fu.key], Locale: desk.LocaleEN, Password: password,
		}))(t)
		secret, _, err := a.Identity.CreateToken(ctx, sys, u.ID, "test token")
		if err != nil {
			t.Fatalf("token for %s: %v", fu.key, err)
		}
		e.users[fu.key], e.tokens[fu.key] = u, secret
		e.vars[fu.key] = itoa(u.ID)
	}
	e.vars["provider"], e.vars["orgA"], e.vars["orgB"] = itoa(e.provider.ID), itoa(e.orgA.ID), itoa(e.orgB.ID)
	e.srv = httptest.NewServer(server.Handler(server.Config{BaseURL: baseURL, Texts: loadTexts(t)}, a, log, prometheus.NewRegistry()))
	t.Cleanup(e.srv.Close)
	e.spec = loadSpec(t, e.srv.URL)
	return e
}

// must returns a function that fails the test on err, or returns v:
// must(a.CreateOrganisation(…))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// session signs the user in through the app and returns the cookie secret and CSRF token.
func (e *env) session(t *testing.T, key string) (secret, csrf string) {
	t.Helper()
	secret, s, _, err := e.app.Identity.SignIn(context.Background(), e.users[key].Email, password, "127.0.0.1")
	if err != nil {
		t.Fatalf("sign in %s: %v", key, err)
	}
	return secret, s.CSRF
}

// result is an answer of the API.
type result struct {
	status int
	header http.Header
	body   []byte
	json   any // the decoded body, nil when it is empty or not JSON
}

// request describes one call.
type request struct {
	method  string
	path    string // {name} placeholders are replaced from env.vars
	as      string // the fixture user whose API token is sent; "" sends none
	body    any    // a string is sent as is (after placeholders); anything else as JSON
	raw     []byte // sent as is, without placeholders, when there is no body (uploads)
	ctype   string // Content-Type; application/json when there is a body and none is given
	headers map[string]string
}

var placeholder = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9_]*)\}`)

// expand replaces {name} by env.vars[name], leaving unknown names alone.
func (e *env) expand(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := e.vars[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// do makes the call, and checks the answer against the OpenAPI document.
func (e *env) do(t *testing.T, rq request) *result {
	t.Helper()
	var body io.Reader
	if rq.body != nil {
		s, ok := rq.body.(string)
		if !ok {
			b, err := json.Marshal(rq.body)
			if err != nil {
				t.Fatal(err)
			}
			s = string(b)
		}
		body = strings.NewReader(e.expand(s))
		if rq.ctype == "" {
			rq.ctype = "application/json"
		}
	} else if rq.raw != nil {
		body = bytes.NewReader(rq.raw)
	}
	path := e.expand(rq.path)
	req, err := http.NewRequest(rq.method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if rq.ctype != "" {
		req.Header.Set("Content-Type", rq.ctype)
	}
	if rq.as != "" {
		tok, ok := e.tokens[rq.as]
		if !ok {
			t.Fatalf("no fixture user %q", rq.as)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range rq.headers {
		req.Header.Set(k, e.expand(v))
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, path, err)
	}
	defer res.Body.Close()
	r := &result{status: res.StatusCode, header: res.Header}
	if r.body, err = io.ReadAll(res.Body); err != nil {
		t.Fatal(err)
	}
	if len(r.body) > 0 {
		_ = json.Unmarshal(r.body, &r.json)
	}
	if tmpl, errs := e.spec.check(rq.method, strings.SplitN(path, "?", 2)[0], r); len(errs) > 0 {
		t.Errorf("%s %s → %d does not conform to the OpenAPI document (%s):\n  %s\nbody: %s",
			rq.method, path, r.status, tmpl, strings.Join(errs, "\n  "), r.body)
	} else if e.cover != nil {
		e.cover[strings.ToUpper(rq.method)+" "+tmpl+" "+statusClass(r.status)] = true
	}
	return r
}

func statusClass(st int) string {
	if st < 300 {
		return "success"
	}
	return "problem"
}

// get returns the value at a dotted path in a decoded JSON value: "items.0.id";
// "items.#" is the array's length.
func get(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for seg := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			if seg == "#" {
				v = float64(len(x))
				continue
			}
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// jsonText returns the JSON of v, with numbers as JSON numbers whatever their Go type.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	var n any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&n)
	b, _ = json.Marshal(n)
	return string(b)
}

// items returns the items of a list answer.
func (r *result) items() []any {
	v, _ := get(r.json, "items")
	xs, _ := v.([]any)
	return xs
}

// id returns the number at path as an int64.
func (r *result) id(path string) int64 {
	v, _ := get(r.json, path)
	f, _ := v.(float64)
	return int64(f)
}

// str returns the string at path.
func (r *result) str(path string) string {
	v, _ := get(r.json, path)
	s, _ := v.(string)
	return s
}

// hasFieldError tells whether a problem names the field with the rule.
func (r *result) hasFieldError(field, rule string) bool {
	v, _ := get(r.json, "errors")
	errs, _ := v.([]any)
	for _, fe := range errs {
		m, _ := fe.(map[string]any)
		if m["field"] == field && m["rule"] == rule {
			return true
		}
	}
	return false
}

// loadTexts returns the catalog compiled into the binary.
func loadTexts(t testing.TB) *i18n.Catalog {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

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

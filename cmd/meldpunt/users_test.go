package main

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
)

// openTestApp opens a database for checks; it is closed when the test ends.
func openTestApp(t *testing.T, dsn string) *app.Services {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return app.New(db, time.Now, slog.New(slog.DiscardHandler), app.Config{Holidays: holidays.NL(), BaseURL: "http://localhost:8080"})
}

func TestUserAndTokenCreate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	e := env{"MELDPUNT_DATA": data}
	out := mustRun(t, e, "user", "create", "--email", "Ann@Example.com", "--name", "Ann de Wit", "--role", "admin", "--password", "correct horse battery")
	if out != "created user Ann de Wit <ann@example.com>, admin of Provider\n" {
		t.Errorf("user create printed %q", out)
	}

	out = mustRun(t, e, "token", "create", "--email", "ann@example.com", "--name", "ci")
	words := strings.Fields(out)
	token := words[len(words)-1]
	if !strings.HasPrefix(token, "mp_") || !strings.Contains(out, `created API token "ci" for ann@example.com: `+token+"\n") || !strings.HasSuffix(out, token+"\n") {
		t.Fatalf("token create printed %q; want the token as the last word", out)
	}
	if out := mustRun(t, e, "token", "create", "--email", "ann@example.com"); !strings.Contains(out, `created API token "API token" for`) {
		t.Errorf("token create without --name printed %q", out)
	}

	// The token works over HTTP.
	in := serveInstance(t, e, "--addr", "127.0.0.1:0")
	code, body := get(t, in.url+"/api/v1/me", "Authorization: Bearer "+token)
	if code != 200 || !strings.Contains(body, "ann@example.com") {
		t.Errorf("GET /api/v1/me with the token = %d %s", code, body)
	}
	if code, _ := get(t, in.url+"/api/v1/me", "Authorization: Bearer "+token+"x"); code != 401 {
		t.Errorf("GET /api/v1/me with a wrong token = %d, want 401", code)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(in.stderr.String(), token) {
		t.Error("the token is in the server's logs")
	}

	// And through the app.
	a := openTestApp(t, filepath.Join(data, "meldpunt.db"))
	actor, err := a.Identity.TokenActor(t.Context(), token, "127.0.0.1")
	if err != nil {
		t.Fatalf("TokenActor: %v", err)
	}
	if actor.Name != "Ann de Wit" || actor.Role != desk.RoleAdmin {
		t.Errorf("the token acts as %+v", actor)
	}
	if _, _, _, err := a.Identity.SignIn(t.Context(), "ann@example.com", "correct horse battery", "127.0.0.1"); err != nil {
		t.Errorf("sign in with the --password: %v", err)
	}
}

func TestUserCreateVariants(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	e := env{"MELDPUNT_DATA": data}

	// The password from the environment.
	ep := env{"MELDPUNT_DATA": data, "MELDPUNT_PASSWORD": "from the environment"}
	mustRun(t, ep, "user", "create", "--email", "agent@example.com", "--name", "Agent", "--role", "agent")
	// Without a password: the person is told how to set one.
	out := mustRun(t, e, "user", "create", "--email", "expert@example.com", "--name", "Ex Pert", "--role", "expert")
	if !strings.Contains(out, `Ex Pert has no password yet: they set one via "forgot password" on the sign-in page at http://localhost:8080`) {
		t.Errorf("user create without a password printed %q", out)
	}

	a := openTestApp(t, filepath.Join(data, "meldpunt.db"))
	if _, _, _, err := a.Identity.SignIn(t.Context(), "agent@example.com", "from the environment", "127.0.0.1"); err != nil {
		t.Errorf("sign in with MELDPUNT_PASSWORD: %v", err)
	}
	if _, err := a.Organisations.Create(t.Context(), desk.SystemActor("test"), desk.Organisation{Name: "Acme", Slug: "acme"}); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, e, "user", "create", "--email", "c@acme.example", "--name", "Cee", "--role", "client_user", "--org", "acme", "--password", "client password")
	if out != "created user Cee <c@acme.example>, client_user of Acme\n" {
		t.Errorf("client user: %q", out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "agent@example.com", "--name", "Twice", "--role", "agent"}, "a user with this email already exists"},
		{[]string{"--email", "not-an-email", "--name", "X", "--role", "agent"}, "--email must be an email address"},
		{[]string{"--email", "x@example.com", "--name", "X", "--role", "agent", "--password", "short"}, "--password must be at least 10 characters"},
		{[]string{"--email", "x@example.com", "--name", "X", "--role", "client_admin", "--org", "nope"}, `no organisation has the slug "nope"`},
	} {
		_, _, err := run(t, e, append([]string{"user", "create"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("user create %v: %v, want %q", tt.args, err, tt.want)
		}
		if code := exitCode(err, &strings.Builder{}); code != 1 {
			t.Errorf("user create %v: exit code %d, want 1", tt.args, code)
		}
	}
	if _, _, err := run(t, e, "token", "create", "--email", "nobody@example.com"); err == nil || !strings.Contains(err.Error(), `no user has the email address "nobody@example.com"`) {
		t.Errorf("token for an unknown email: %v", err)
	}
}

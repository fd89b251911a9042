package main

import (
	"path/filepath"
	"strings"
	"testing"

	"meldpunt/internal/demo"
	"meldpunt/internal/desk"
)

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	e := env{"MELDPUNT_DATA": data}
	out := mustRun(t, e, "demo")
	for _, want := range []string{
		"Loaded the demo data: 2 client organisations, 8 users, 6 incidents.",
		"password for each: " + demo.Password,
		"admin@demo.meldpunt.test", "agent@demo.meldpunt.test", "expert@demo.meldpunt.test",
		"admin@acme.example", "user@acme.example", "admin@devries.example", "user@devries.example",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, e, "demo")
	if !strings.Contains(out, `The demo data is loaded already (organisation "acme" exists); nothing changed.`) {
		t.Errorf("second demo printed:\n%s", out)
	}
	a := openTestApp(t, filepath.Join(data, "meldpunt.db"))
	if n, err := a.Incidents.Count(t.Context(), desk.SystemActor("test"), desk.IncidentFilter{}); err != nil || n != 6 {
		t.Errorf("%d incidents after two loads (%v), want 6", n, err)
	}
	if _, _, _, err := a.Identity.SignIn(t.Context(), "user@acme.example", demo.Password, "127.0.0.1"); err != nil {
		t.Errorf("sign in as a demo client: %v", err)
	}
}

func TestDemoRefusesAnInstallationWithUsers(t *testing.T) {
	t.Parallel()
	e := env{"MELDPUNT_DATA": t.TempDir()}
	mustRun(t, e, "user", "create", "--email", "ann@example.com", "--name", "Ann", "--role", "admin")
	if _, _, err := run(t, e, "demo"); err == nil || !strings.Contains(err.Error(), "only loaded into a new installation") {
		t.Errorf("demo with a user present: %v", err)
	}
}

func TestServeDemo(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	in := serveInstance(t, env{"MELDPUNT_DATA": data, "MELDPUNT_DEMO": "true"}, "--addr", "127.0.0.1:0")
	out := in.stdout.String()
	if !strings.Contains(out, "Loaded the demo data") || !strings.Contains(out, "admin@demo.meldpunt.test") {
		t.Errorf("serve --demo printed:\n%s", out)
	}
	if strings.Contains(out, "/setup?token=") {
		t.Errorf("serve --demo offered setup although the demo has an admin:\n%s", out)
	}
	if code, _ := get(t, in.url+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d", code)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	in = serveInstance(t, env{"MELDPUNT_DATA": data}, "--addr", "127.0.0.1:0", "--demo")
	if out := in.stdout.String(); !strings.Contains(out, "loaded already") {
		t.Errorf("second serve --demo printed:\n%s", out)
	}
}

package main

import (
	"errors"
	"flag"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"meldpunt/internal/app"
)

func TestSettingsPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  env
		args []string
		want Config
		cmd  string
	}{
		{name: "defaults", want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo}, cmd: "serve"},
		{name: "environment beats default",
			env:  env{"MELDPUNT_ADDR": "127.0.0.1:9000", "MELDPUNT_DATA": "/srv/mp", "MELDPUNT_DB": "postgres://u@db/mp", "MELDPUNT_BASE_URL": "https://desk.example.com/", "MELDPUNT_LOG_FORMAT": "json", "MELDPUNT_LOG_LEVEL": "debug", "MELDPUNT_NO_MIGRATE": "true", "MELDPUNT_DEMO": "1"},
			want: Config{Addr: "127.0.0.1:9000", Data: "/srv/mp", DB: "postgres://u@db/mp", BaseURL: "https://desk.example.com", LogFormat: "json", LogLevel: slog.LevelDebug, NoMigrate: true, Demo: true},
			cmd:  "serve"},
		{name: "flag beats environment",
			env:  env{"MELDPUNT_ADDR": "127.0.0.1:9000", "MELDPUNT_LOG_LEVEL": "debug", "MELDPUNT_NO_MIGRATE": "true"},
			args: []string{"--addr", ":7000", "--log-level=error", "--no-migrate=false"},
			want: Config{Addr: ":7000", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelError},
			cmd:  "serve"},
		{name: "flags before the command",
			args: []string{"--data", "/a", "-log-format", "text", "migrate"},
			want: Config{Addr: ":8080", Data: "/a", LogFormat: "text", LogLevel: slog.LevelInfo},
			cmd:  "migrate"},
		{name: "flags after the command",
			env:  env{"MELDPUNT_DATA": "/from-env"},
			args: []string{"migrate", "--data", "/b", "--db", "/c/x.db"},
			want: Config{Addr: ":8080", Data: "/b", DB: "/c/x.db", LogFormat: "auto", LogLevel: slog.LevelInfo},
			cmd:  "migrate"},
		{name: "after the command beats before",
			args: []string{"--addr", ":1", "serve", "--addr", ":2", "--demo"},
			want: Config{Addr: ":2", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, Demo: true},
			cmd:  "serve"},
		{name: "SLA warn share",
			env:  env{"MELDPUNT_SLA_WARN_SHARE": "0.5"},
			args: []string{"--sla-warn-share", "0.8"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, SLAWarnShare: 0.8},
			cmd:  "serve"},
		{name: "mail settings",
			env: env{"MELDPUNT_SMTP_HOST": "smtp.example.com", "MELDPUNT_SMTP_PORT": "25", "MELDPUNT_SMTP_USER": "desk",
				"MELDPUNT_SMTP_PASSWORD": "s3cret", "MELDPUNT_MAIL_MAX_ATTEMPTS": "5"},
			args: []string{"--smtp-port", "465", "--smtp-tls", "tls", "--mail-from", "Servicedesk <desk@example.com>"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo,
				SMTPHost: "smtp.example.com", SMTPPort: 465, SMTPTLS: "tls", SMTPUser: "desk", SMTPPassword: "s3cret",
				MailFrom: app.Address{Name: "Servicedesk", Email: "desk@example.com"}, MailMaxAttempts: 5},
			cmd: "serve"},
		{name: "trusted proxies",
			env:  env{"MELDPUNT_TRUSTED_PROXIES": "192.0.2.1"},
			args: []string{"--trusted-proxies", " 127.0.0.1, 10.0.0.0/8,::1"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, TrustedProxies: "127.0.0.1/32,10.0.0.0/8,::1/128"},
			cmd:  "serve"},
		{name: "status host, from the environment",
			env:  env{"MELDPUNT_STATUS_HOST": "Status.Example.NL"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, StatusHost: "status.example.nl"},
			cmd:  "serve"},
		{name: "status host, the flag over the environment",
			env:  env{"MELDPUNT_STATUS_HOST": "old.example.nl"},
			args: []string{"--status-host", "status.example.nl"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, StatusHost: "status.example.nl"},
			cmd:  "serve"},
		{name: "serve flags without a command",
			args: []string{"--demo", "--no-migrate"},
			want: Config{Addr: ":8080", Data: "./meldpunt-data", LogFormat: "auto", LogLevel: slog.LevelInfo, Demo: true, NoMigrate: true},
			cmd:  "serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := parse(tt.args, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if inv.cfg != tt.want || inv.command != tt.cmd {
				t.Errorf("got %s %+v\nwant %s %+v", inv.command, inv.cfg, tt.cmd, tt.want)
			}
		})
	}
}

func TestDerivedDefaults(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	if got, want := c.dsn(), filepath.Join("meldpunt-data", "meldpunt.db"); got != want {
		t.Errorf("default database %q, want %q", got, want)
	}
	c.Data = "/srv/meldpunt"
	if got := c.dsn(); got != "/srv/meldpunt/meldpunt.db" {
		t.Errorf("database in --data /srv/meldpunt: %q", got)
	}
	if got := c.baseURL(nil); got != "http://localhost:8080" {
		t.Errorf("default base URL %q", got)
	}
	c.Addr = "0.0.0.0:9090"
	if got := c.baseURL(nil); got != "http://localhost:9090" {
		t.Errorf("base URL for --addr 0.0.0.0:9090: %q", got)
	}
	c.BaseURL = "https://desk.example.com"
	if got := c.baseURL(nil); got != "https://desk.example.com" {
		t.Errorf("explicit base URL became %q", got)
	}
	c.DB = "postgres://meldpunt:s3cret@db.internal/meldpunt"
	if d := c.describeDB(); strings.Contains(d, "s3cret") || !strings.Contains(d, "db.internal") {
		t.Errorf("describeDB = %q, want the host without the password", d)
	}
}

func TestInvalidSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  env
		args []string
		want string // in the error
	}{
		{args: []string{"--addr", "8080"}, want: "-addr: must be host:port"},
		{args: []string{"--addr", ":http"}, want: "-addr: the port must be a number"},
		{args: []string{"--addr", ":70000"}, want: "-addr: the port must be a number"},
		{args: []string{"--log-level", "loud"}, want: "-log-level: must be debug, info, warn or error"},
		{args: []string{"migrate", "--log-format", "xml"}, want: "-log-format: must be auto, text or json"},
		{args: []string{"--base-url", "desk.example.com"}, want: "-base-url: must be an http:// or https:// URL"},
		{args: []string{"--db", "mysql://db/mp"}, want: "-db: must be a file path (SQLite) or a postgres:// URL"},
		{args: []string{"--data", ""}, want: "-data: must name a directory"},
		{args: []string{"--no-migrate=maybe"}, want: "-no-migrate"},
		{args: []string{"--port", "80"}, want: "flag provided but not defined: -port"},
		{args: []string{"--trusted-proxies", "10.0.0.0/8,proxy.internal"}, want: `-trusted-proxies: "proxy.internal" is not an address or CIDR range`},
		{env: env{"MELDPUNT_TRUSTED_PROXIES": "10.0.0.0/40"}, want: `invalid value "10.0.0.0/40" in MELDPUNT_TRUSTED_PROXIES: "10.0.0.0/40" is not an address`},
		{args: []string{"migrate", "--trusted-proxies", "10.0.0.1"}, want: "flag provided but not defined: -trusted-proxies"},
		{args: []string{"--status-host", "https://status.example.nl"}, want: "-status-host: must be a host name such as status.example.nl, without scheme, port or path"},
		{args: []string{"--status-host", "status.example.nl:8443"}, want: "-status-host: must be a host name such as status.example.nl, without scheme, port or path"},
		{env: env{"MELDPUNT_STATUS_HOST": " "}, want: "must be a host name such as status.example.nl"},
		{args: []string{"migrate", "--status-host", "status.example.nl"}, want: "flag provided but not defined: -status-host"},
		{args: []string{"--sla-warn-share", "0"}, want: "-sla-warn-share: must be a number above 0 and at most 1"},
		{args: []string{"--smtp-host", "smtp.example.com:587"}, want: "-smtp-host: must be a host name without a port; set the port with --smtp-port"},
		{args: []string{"--smtp-host", "smtp://smtp.example.com"}, want: "-smtp-host: must be a host name or address"},
		{args: []string{"--smtp-port", "0"}, want: "-smtp-port: must be a port number from 1 to 65535"},
		{args: []string{"--smtp-tls", "ssl"}, want: "-smtp-tls: must be starttls, tls or none"},
		{args: []string{"--mail-from", "desk"}, want: `-mail-from: must be an email address, e.g. "Servicedesk <desk@example.com>"`},
		{args: []string{"--mail-from", "desk+x@example.com"}, want: `-mail-from: must not have a "+" before the @`},
		{env: env{"MELDPUNT_MAIL_MAX_ATTEMPTS": "0"}, want: `invalid value "0" in MELDPUNT_MAIL_MAX_ATTEMPTS: must be a whole number from 1 to 100`},
		{args: []string{"migrate", "--smtp-host", "smtp.example.com"}, want: "flag provided but not defined: -smtp-host"},
		{env: env{"MELDPUNT_SLA_WARN_SHARE": "75%"}, want: `invalid value "75%" in MELDPUNT_SLA_WARN_SHARE: must be a number above 0 and at most 1`},
		{env: env{"MELDPUNT_LOG_LEVEL": "loud"}, args: []string{"version"}, want: `invalid value "loud" in MELDPUNT_LOG_LEVEL: must be debug, info, warn or error`},
		{env: env{"MELDPUNT_NO_MIGRATE": "maybe"}, want: `invalid value "maybe" in MELDPUNT_NO_MIGRATE: must be true or false`},
		{env: env{"MELDPUNT_ADDR": "localhost"}, want: "MELDPUNT_ADDR: must be host:port"},
		{args: []string{"frobnicate"}, want: `unknown command "frobnicate"`},
		{args: []string{"user", "delete"}, want: `"user" needs a sub-command: user create`},
		{args: []string{"token"}, want: `"token" needs a sub-command: token create`},
		{args: []string{"migrate", "now"}, want: `unexpected argument "now" after migrate`},
		{args: []string{"--demo", "migrate"}, want: "--demo applies to serve, not to migrate"},
		{args: []string{"migrate", "--demo"}, want: "flag provided but not defined: -demo"},
		{args: []string{"user", "create", "--email", "a@example.com"}, want: "user create needs --name, --role"},
		{args: []string{"user", "create", "--email", "a@example.com", "--name", "A", "--role", "boss"}, want: "--role must be one of: client_user, client_admin, agent, expert, admin"},
		{args: []string{"user", "create", "--email", "a@example.com", "--name", "A", "--role", "client_user"}, want: "give its slug with --org"},
		{args: []string{"user", "create", "--email", "a@example.com", "--name", "A", "--role", "agent", "--org", "acme"}, want: "leave out --org"},
		{args: []string{"token", "create", "--name", "ci"}, want: "token create needs --email"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, _, err := run(t, tt.env, tt.args...)
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			var stderr strings.Builder
			if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "meldpunt: ") || !strings.Contains(stderr.String(), "meldpunt help") {
				t.Errorf("exit code %d, stderr %q; want 2 with the error and a pointer to help", code, stderr.String())
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if c := exitCode(nil, &b); c != 0 || b.Len() != 0 {
		t.Errorf("success: exit %d, stderr %q", c, b.String())
	}
	if c := exitCode(errors.New("disk full"), &b); c != 1 || b.String() != "meldpunt: disk full\n" {
		t.Errorf("failure: exit %d, stderr %q", c, b.String())
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	wanted := []string{
		// every flag, its variable and its default
		"--addr ADDR", "$MELDPUNT_ADDR", `default ":8080"`,
		"--data DIR", "$MELDPUNT_DATA", `default "./meldpunt-data"`,
		"--db DSN", "$MELDPUNT_DB", "default <data>/meldpunt.db", "postgres://",
		"--base-url URL", "$MELDPUNT_BASE_URL", "default http://localhost:<port of --addr>",
		"--log-format FORMAT", "$MELDPUNT_LOG_FORMAT", `default "auto"`,
		"--log-level LEVEL", "$MELDPUNT_LOG_LEVEL", `default "info"`,
		"--no-migrate", "$MELDPUNT_NO_MIGRATE",
		"--demo", "$MELDPUNT_DEMO",
		"--sla-warn-share SHARE", "$MELDPUNT_SLA_WARN_SHARE", "default 0.75",
		"--smtp-host HOST", "$MELDPUNT_SMTP_HOST", "--smtp-port PORT", "$MELDPUNT_SMTP_PORT", "default 587",
		"--smtp-tls MODE", "$MELDPUNT_SMTP_TLS", `default "starttls"`, "--smtp-user USER", "$MELDPUNT_SMTP_USER",
		"--smtp-password PASSWORD", "$MELDPUNT_SMTP_PASSWORD", "--mail-from ADDRESS", "$MELDPUNT_MAIL_FROM",
		"--mail-max-attempts N", "$MELDPUNT_MAIL_MAX_ATTEMPTS", "default 8",
		"--email EMAIL", "--name NAME", "--role ROLE", "--org SLUG", "--password PASSWORD", "$MELDPUNT_PASSWORD",
		"--name LABEL", `default "API token"`,
		// every command
		"\n  serve ", "\n  migrate ", "\n  user create ", "\n  token create ", "\n  demo ", "\n  version ", "\n  help ",
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"migrate", "--help"}, {"user", "create", "-h"}, {"--data", "x", "help"}} {
		out := mustRun(t, env{}, args...)
		for _, w := range wanted {
			if !strings.Contains(out, w) {
				t.Errorf("meldpunt %s: the help lacks %q", strings.Join(args, " "), w)
			}
		}
	}
	// Every flag any command accepts is in the help.
	help := usage()
	for _, cmd := range commandNames() {
		inv := &invocation{command: cmd, cfg: defaultConfig()}
		fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
		inv.register(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(help, "  --"+f.Name+" ") && !strings.Contains(help, "  --"+f.Name+"\n") {
				t.Errorf("flag --%s is not in the help", f.Name)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/srv/meldpunt-data": "/srv/meldpunt-data",
		"my data":            "'my data'",
		"it's":               `'it'\''s'`,
		"":                   "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMailDefaults(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.Data = t.TempDir()
	if got := c.mailFrom("https://desk.example.com"); got != (app.Address{Name: "Meldpunt", Email: "meldpunt@desk.example.com"}) {
		t.Errorf("default desk address %+v", got)
	}
	s, err := c.mailSender()
	if err != nil || s.Describe() != ".eml files in "+filepath.Join(c.Data, "outbox") {
		t.Fatalf("without --smtp-host: %v, %v", s, err)
	}
	c.SMTPHost = "smtp.example.com"
	for tls, want := range map[string]string{"": "SMTP smtp.example.com:587 (starttls)", "tls": "SMTP smtp.example.com:465 (tls)", "none": "SMTP smtp.example.com:587 (none)"} {
		c.SMTPTLS = tls
		if s, err := c.mailSender(); err != nil || s.Describe() != want {
			t.Errorf("--smtp-tls %q: %v, %v; want %s", tls, s, err, want)
		}
	}
	c.SMTPPassword = "s3cret"
	if _, err := c.mailSender(); err == nil || !strings.Contains(err.Error(), "--smtp-user") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a password without a user: %v", err)
	}
}

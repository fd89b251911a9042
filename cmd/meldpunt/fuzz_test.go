package main

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzArgs: any command line and environment is parsed into a command with settings in
// their ranges, or refused with a usage error (exit status 2 and the usage text), never a
// panic; what the settings derive (the database's description, the base URL, the desk's
// address) is computed without panicking, and a database password never shows in the
// description that logs print. The command line is args separated by NUL, the environment
// NAME=value lines.
func FuzzArgs(f *testing.F) {
	for _, s := range [][2]string{
		{"", ""},
		{"serve\x00--addr\x00127.0.0.1:0\x00--base-url\x00https://desk.example.com/", "MELDPUNT_DATA=/tmp/x"},
		{"--data\x00d\x00migrate", "MELDPUNT_LOG_LEVEL=debug"},
		{"user\x00create\x00--email\x00a@b.c\x00--name\x00A\x00--role\x00client_user\x00--org\x00acme", "MELDPUNT_PASSWORD=long enough"},
		{"token\x00create\x00--email\x00a@b.c", ""},
		{"user", ""}, {"--help", ""}, {"-h\x00nonsense", ""}, {"version\x00extra", ""},
		{"migrate\x00--smtp-host\x00mail", ""}, {"--addr", ""}, {"--addr\x00:99999", ""}, {"--sla-warn-share\x00NaN", ""},
		{"--db\x00postgres://meldpunt:s3cr3t-pw@db:5432/meldpunt", ""}, {"--db\x00postgres://u:p@%zz/x", ""},
		{"", "MELDPUNT_SMTP_PORT=0\nMELDPUNT_MAIL_MAX_ATTEMPTS=101\nMELDPUNT_DEMO=maybe"},
		{"--mail-from\x00Desk <desk+x@example.com>", ""}, {"--mail-from\x00=?utf-8?q?\xff?= <a@b>", ""},
		{"--base-url\x00javascript:alert(1)", ""}, {"--smtp-listen\x00 ", "MELDPUNT_WEBHOOK_ALLOW_PRIVATE=1"},
		{"--log-level\x00DEBUG+3\x00--log-format\x00json", ""}, {"-addr=:1\x00--\x00serve", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, argLine, envLines string) {
		var args []string
		if argLine != "" {
			args = strings.Split(argLine, "\x00")
		}
		env := map[string]string{}
		for line := range strings.Lines(envLines) {
			if k, v, ok := strings.Cut(strings.TrimRight(line, "\n"), "="); ok {
				env[k] = v
			}
		}
		inv, err := parse(args, func(k string) string { return env[k] })
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("parse(%q): %T %v is not a usage error", args, err, err)
			}
			return
		}
		if inv.command != "help" && !slices.Contains(commandNames(), inv.command) {
			t.Fatalf("parse(%q): command %q", args, inv.command)
		}
		c := inv.cfg
		if c.SMTPPort < 0 || c.SMTPPort > 65535 || c.MailMaxAttempts < 0 || c.MailMaxAttempts > 100 ||
			c.SLAWarnShare < 0 || c.SLAWarnShare > 1 || c.SLAWarnShare != c.SLAWarnShare ||
			!slices.Contains([]string{"auto", "text", "json"}, c.LogFormat) {
			t.Fatalf("parse(%q): settings out of range: %+v", args, c)
		}
		desc := c.describeDB()
		if u, err := url.Parse(c.dsn()); c.isPostgres() && err == nil {
			if pw, ok := u.User.Password(); ok && len(pw) >= 6 && strings.Contains(desc, pw) &&
				!strings.Contains(strings.Replace(c.dsn(), pw, "", 1), pw) {
				t.Fatalf("the description %q of %q shows the password", desc, c.dsn())
			}
		}
		base := c.baseURL(nil)
		if u, err := url.Parse(base); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			t.Fatalf("parse(%q): base URL %q", args, base)
		}
		if from := c.mailFrom(base); !strings.Contains(from.Email, "@") {
			t.Fatalf("parse(%q): the desk's address %q", args, from.Email)
		}
	})
}

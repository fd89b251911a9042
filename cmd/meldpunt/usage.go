package main

import (
	"fmt"
	"strings"
)

// usage returns the help text: the commands, then every flag with its environment
// variable and default, then examples.
func usage() string {
	var b strings.Builder
	b.WriteString(`Meldpunt is the incident desk of a service provider and its clients.

Usage:
  meldpunt [flags] [command] [command flags]

Commands:
  serve           Run the web server. The default when no command is given.
  migrate         Apply pending database migrations, print the schema version, exit.
  user create     Add a user: --email, --name, --role, and --org for a client's user.
  token create    Make an API token for a user and print it, once.
  monitors apply  Make the monitors what a YAML file says (-f FILE); --prune deletes the others.
  monitors export Write the monitors as such a file, secrets redacted.
  demo            Load demo data into a new installation and print its accounts.
  version         Print the version.
  help            Print this help (also: -h, --help after any command).

Flags, before or after the command. Each can be set by its environment variable
instead; a flag beats the variable, the variable beats the default.
`)
	var serveOnly []option
	for _, o := range options() {
		if o.serveOnly {
			serveOnly = append(serveOnly, o)
			continue
		}
		writeOption(&b, "--"+o.name, o.arg, o.env, o.def, o.usage)
	}
	b.WriteString("\nserve flags:\n")
	for _, o := range serveOnly {
		writeOption(&b, "--"+o.name, o.arg, o.env, o.def, o.usage)
	}
	b.WriteString("\nuser create flags:\n")
	writeOption(&b, "--email", "EMAIL", "", "", "The user's email address, with which they sign in. Required.")
	writeOption(&b, "--name", "NAME", "", "", "The user's full name. Required.")
	writeOption(&b, "--role", "ROLE", "", "", "admin, agent or expert for the provider's staff; client_admin or client_user for a client's people (with --org). Required.")
	writeOption(&b, "--org", "SLUG", "", "", "The client organisation, by its slug. Required for client roles; staff belong to the provider.")
	writeOption(&b, "--password", "PASSWORD", envPassword, "", "The first password, at least 10 characters. Prefer the variable: a flag shows in the process list and shell history. Without either, the user sets a password via \"forgot password\" on the sign-in page.")
	b.WriteString("\ntoken create flags:\n")
	writeOption(&b, "--email", "EMAIL", "", "", "The user the token acts as. Required.")
	writeOption(&b, "--name", "LABEL", "", `"API token"`, "A label to recognise the token by in lists.")
	b.WriteString("\nmonitors apply flags:\n")
	writeOption(&b, "--f", "FILE", "", "", "(or -f) The file of monitors (docs/monitors.md); - reads standard input. Required. Every problem is named by its path and line (monitors[3].http.expect_status) and then nothing is stored.")
	writeOption(&b, "--prune", "", "", "", "Delete the monitors the file does not name. Without it they are left alone and counted.")
	writeOption(&b, "--dry-run", "", "", "", "Say what would be created, updated or deleted, and store nothing.")
	b.WriteString("\nmonitors export flags:\n")
	writeOption(&b, "--o", "FILE", "", "standard output", "(or -o) Write the file here. Secrets are written as ********, which apply reads as \"keep the stored secret\".")
	b.WriteString(`
Examples:
  meldpunt
      Serve on port 8080 with an SQLite database in ./meldpunt-data.
  meldpunt --demo
      The same, with demo organisations, users and incidents to try things out.
  MELDPUNT_DB='postgres://meldpunt:secret@db.internal/meldpunt' meldpunt migrate
      Migrate a PostgreSQL database, e.g. before starting several instances with --no-migrate.
  MELDPUNT_PASSWORD='a long passphrase' meldpunt user create --email ann@example.com --name "Ann de Wit" --role admin
      Add an admin.
  meldpunt token create --email ann@example.com --name ci
      Make an API token (sent as "Authorization: Bearer <token>").
  meldpunt monitors export -o monitors.yaml && meldpunt monitors apply -f monitors.yaml --dry-run
      Write the monitors to a file, edit it, and see what applying it would change.
`)
	return b.String()
}

// writeOption writes one flag of the help: its name, variable and default on one line,
// then its explanation, wrapped.
func writeOption(b *strings.Builder, name, arg, env, def, text string) {
	head := "  " + name
	if arg != "" {
		head += " " + arg
	}
	var notes []string
	if env != "" {
		notes = append(notes, "$"+env)
	}
	if def != "" {
		notes = append(notes, "default "+def)
	}
	if len(notes) > 0 {
		head = fmt.Sprintf("%-24s %s", head, strings.Join(notes, ", "))
	}
	b.WriteString(head + "\n")
	const indent, width = "        ", 88
	line := indent
	for _, w := range strings.Fields(text) {
		if len(line)+len(w)+1 > width && line != indent {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
}

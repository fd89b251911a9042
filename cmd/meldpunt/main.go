// Command meldpunt is Meldpunt: the incident desk of a service provider and its clients, in
// one binary. Without a command it serves the web interface; other commands migrate the
// database, add users and API tokens, and load demo data. Run `meldpunt help` for usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Amsterdam and every other zone, even on hosts without a tz database

	"meldpunt/internal/app"
	"meldpunt/internal/monitor"
)

// version is the release, set at build time: go build -ldflags "-X main.version=1.2.0".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once, without waiting for the shutdown
	}()
	err := new(Main).Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// Exit codes: 0 success, 1 failure, 2 a mistake in the command line.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// exitCode reports err on stderr and returns the process's exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "meldpunt: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'meldpunt help' for usage.")
		return exitUsage
	}
	return exitFailure
}

// usageError is a mistake in the command line: a flag, a variable or a command.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// Main is the meldpunt program. main runs it once with the process's arguments; tests run
// it in-process, as often as they like, with their own environment.
type Main struct {
	// Getenv reads an environment variable; nil means os.Getenv.
	Getenv func(string) string
	// Stdin is what `monitors apply -f -` reads; nil means os.Stdin.
	Stdin io.Reader
	// Checks validates and runs the monitors' checks; nil means package monitor's Checker.
	Checks app.MonitorChecks
}

// Run runs the command that args (without the program name) name, writing what people
// read to stdout and logs to stderr. It returns when the command is done; serve runs until
// ctx is cancelled and then shuts down gracefully. A *usageError reports a mistake in args.
func (m *Main) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	getenv := m.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	inv, err := parse(args, getenv)
	if err != nil {
		return err
	}
	switch inv.command {
	case "help":
		_, err := io.WriteString(stdout, usage())
		return err
	case "version":
		_, err := fmt.Fprintf(stdout, "meldpunt %s\n", version)
		return err
	}
	log := newLogger(inv.cfg.LogFormat, inv.cfg.LogLevel, stderr)
	switch inv.command {
	case "serve":
		return serve(ctx, inv.cfg, log, stdout)
	case "migrate":
		return migrate(ctx, inv.cfg, log, stdout)
	case "demo":
		return loadDemo(ctx, inv.cfg, log, stdout)
	case "user create":
		return createUser(ctx, inv.cfg, inv.user, log, stdout)
	case "token create":
		return createToken(ctx, inv.cfg, inv.token, log, stdout)
	case "monitors apply", "monitors export":
		checks, stdin := m.Checks, m.Stdin
		if checks == nil {
			checks = &monitor.Checker{}
		}
		if stdin == nil {
			stdin = os.Stdin
		}
		if inv.command == "monitors export" {
			return exportMonitors(ctx, inv.cfg, inv.export, checks, log, stdout)
		}
		return applyMonitors(ctx, inv.cfg, inv.apply, checks, stdin, log, stdout)
	}
	return fmt.Errorf("command %q has no implementation", inv.command) // parse lists only the above
}

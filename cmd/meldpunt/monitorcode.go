package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/monitorfile"
)

// Monitoring as code (docs/monitors.md): `monitors apply -f monitors.yaml` makes the
// monitors what the file says, `monitors export` writes them as such a file.

// applyFlags are the flags of `monitors apply`.
type applyFlags struct {
	file          string
	prune, dryRun bool
}

func (f *applyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.file, "f", "", "the file of monitors; - reads standard input")
	fs.BoolVar(&f.prune, "prune", false, "delete the monitors the file does not name")
	fs.BoolVar(&f.dryRun, "dry-run", false, "say what would change, change nothing")
}

func (f *applyFlags) check() error {
	if strings.TrimSpace(f.file) == "" {
		return errors.New("monitors apply needs -f FILE (or -f - for standard input)")
	}
	return nil
}

// exportFlags are the flags of `monitors export`.
type exportFlags struct {
	out string
}

func (f *exportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", "", "write the file here instead of standard output")
}

// openMonitorApp opens the database and returns the app on it with the monitors' checks,
// which validate settings and know which are secret.
func openMonitorApp(ctx context.Context, cfg Config, checks app.MonitorChecks, log *slog.Logger) (*app.Services, func(), error) {
	if checks == nil {
		return nil, nil, errors.New("this build has no monitor checks to validate settings with")
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	a := app.New(db, time.Now, log, app.Config{BaseURL: cfg.baseURL(nil), WarnShare: cfg.SLAWarnShare, Holidays: holidays.NL(),
		Monitors: app.MonitorConfig{Checks: checks}})
	if _, err := bootstrap(ctx, a.Identity); err != nil {
		closeDB(db, log)
		return nil, nil, err
	}
	return a, func() { closeDB(db, log) }, nil
}

// applyMonitors is the monitors apply command. It reads the whole file first and refuses
// it, naming every problem by its path and line, before anything is stored; then it
// applies it in one transaction and prints one line per monitor.
func applyMonitors(ctx context.Context, cfg Config, f applyFlags, checks app.MonitorChecks, stdin io.Reader, log *slog.Logger, stdout io.Writer) error {
	name := f.file
	in := stdin
	if f.file == "-" {
		name = "standard input"
	} else {
		file, err := os.Open(f.file)
		if err != nil {
			return fmt.Errorf("read monitors: %w", err)
		}
		defer file.Close()
		in = file
	}
	mf, err := monitorfile.Read(in)
	if err != nil {
		return fileError(name, mf, err)
	}
	a, done, err := openMonitorApp(ctx, cfg, checks, log)
	if err != nil {
		return err
	}
	defer done()
	changes, err := a.Monitors.Apply(ctx, desk.SystemActor("cli"), mf.Monitors, app.ApplyOptions{Prune: f.prune, DryRun: f.dryRun})
	if err != nil {
		return fileError(name, mf, err)
	}
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Action]++
		if c.Action == app.ApplyKept || c.Action == app.ApplyUnchanged {
			continue
		}
		verb := c.Action
		if f.dryRun {
			verb = "would be " + verb
		}
		fmt.Fprintf(stdout, "%s: %s of %s\n", verb, c.Name, c.Component)
		if c.HeartbeatToken != "" {
			fmt.Fprintf(stdout, "  heartbeat URL, shown this once: %s/heartbeat/%s\n", cfg.baseURL(nil), c.HeartbeatToken)
		}
	}
	summary := fmt.Sprintf("%d created, %d updated, %d unchanged", counts[app.ApplyCreated], counts[app.ApplyUpdated], counts[app.ApplyUnchanged])
	if f.prune {
		summary += fmt.Sprintf(", %d deleted", counts[app.ApplyDeleted])
	} else if counts[app.ApplyKept] > 0 {
		summary += fmt.Sprintf("; %d not in the file left alone (--prune deletes them)", counts[app.ApplyKept])
	}
	if f.dryRun {
		summary += "; a dry run: nothing was stored"
	}
	_, err = fmt.Fprintln(stdout, summary)
	return err
}

// fileError writes a validation error as one line per problem: "file: path: message".
// The app's problems name their monitor's line too.
func fileError(name string, mf *monitorfile.File, err error) error {
	var de *desk.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return fmt.Errorf("%s: %w", name, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the monitors were not applied:", name)
	for _, fe := range de.Fields {
		msg := fe.Message
		if mf != nil && !strings.Contains(msg, "(line ") {
			if line := mf.Line(fe.Field); line > 0 {
				msg += fmt.Sprintf(" (monitor at line %d)", line)
			}
		}
		fmt.Fprintf(&b, "\n  %s: %s", fe.Field, msg)
	}
	if de.More > 0 {
		fmt.Fprintf(&b, "\n  and %d more", de.More)
	}
	return errors.New(b.String())
}

// exportMonitors is the monitors export command.
func exportMonitors(ctx context.Context, cfg Config, f exportFlags, checks app.MonitorChecks, log *slog.Logger, stdout io.Writer) (err error) {
	a, done, err := openMonitorApp(ctx, cfg, checks, log)
	if err != nil {
		return err
	}
	defer done()
	specs, err := a.Monitors.Export(ctx, desk.SystemActor("cli"))
	if err != nil {
		return err
	}
	out := stdout
	if f.out != "" {
		file, err := os.OpenFile(f.out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("export monitors: %w", err)
		}
		defer func() {
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("export monitors: %w", cerr)
			}
		}()
		out = file
	}
	header := fmt.Sprintf("Meldpunt's monitors, exported %s: %d of them.\n"+
		"Secrets are written as %s; applied again, such a value keeps the stored secret.\n"+
		"Apply with: meldpunt monitors apply -f FILE (docs/monitors.md, \"Monitoring as code\").",
		time.Now().UTC().Format(time.RFC3339), len(specs), app.RedactedSecret)
	return monitorfile.Write(out, specs, header)
}

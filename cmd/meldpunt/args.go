package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
)

// invocation is a parsed command line: the command, the Config and the command's own flags.
type invocation struct {
	command string // "serve", "migrate", "user create", …
	cfg     Config
	user    userFlags
	token   tokenFlags
	apply   applyFlags
	export  exportFlags
}

// commandNames lists the commands; a two-word command is its noun and verb.
func commandNames() []string {
	return []string{"serve", "migrate", "user create", "token create", "monitors apply", "monitors export", "demo", "version", "help"}
}

// parse reads args and the environment into an invocation. Settings may come before or
// after the command: `meldpunt --data d migrate` and `meldpunt migrate --data d` are the
// same. -h and --help anywhere give the "help" command.
func parse(args []string, getenv func(string) string) (*invocation, error) {
	inv := &invocation{cfg: defaultConfig()}
	if err := inv.cfg.fromEnv(getenv); err != nil {
		return nil, &usageError{err}
	}
	inv.user.password = getenv(envPassword)

	// Flags before the command: the global ones, and serve's (serve is the default).
	top := newFlagSet("meldpunt")
	inv.cfg.register(top, true)
	if err := top.Parse(args); err != nil {
		return helpOr(inv, err)
	}
	rest := top.Args()
	inv.command = "serve"
	if len(rest) > 0 {
		name, n, err := commandName(rest)
		if err != nil {
			return nil, err
		}
		inv.command, rest = name, rest[n:]
	}
	if inv.command != "serve" {
		var serveOnly []string
		top.Visit(func(f *flag.Flag) {
			for _, o := range options() {
				if o.name == f.Name && o.serveOnly {
					serveOnly = append(serveOnly, "--"+f.Name)
				}
			}
		})
		if len(serveOnly) > 0 {
			return nil, usageErrorf("%s applies to serve, not to %s", strings.Join(serveOnly, ", "), inv.command)
		}
	}

	// Flags after the command: the global ones again, and the command's own.
	fs := newFlagSet("meldpunt " + inv.command)
	inv.register(fs)
	if err := fs.Parse(rest); err != nil {
		return helpOr(inv, err)
	}
	if fs.NArg() > 0 {
		return nil, usageErrorf("unexpected argument %q after %s (flags take the form --name value)", fs.Arg(0), inv.command)
	}
	var err error
	switch inv.command {
	case "user create":
		err = inv.user.check()
	case "token create":
		err = inv.token.check()
	case "monitors apply":
		err = inv.apply.check()
	}
	if err != nil {
		return nil, &usageError{err}
	}
	return inv, nil
}

// register adds the flags of the invocation's command to fs: the global ones and the
// command's own.
func (inv *invocation) register(fs *flag.FlagSet) {
	inv.cfg.register(fs, inv.command == "serve")
	switch inv.command {
	case "user create":
		inv.user.register(fs)
	case "token create":
		inv.token.register(fs)
	case "monitors apply":
		inv.apply.register(fs)
	case "monitors export":
		inv.export.register(fs)
	}
}

// commandName finds the command at the start of args and how many words it took.
func commandName(args []string) (string, int, error) {
	first := args[0]
	if slices.Contains(commandNames(), first) {
		return first, 1, nil
	}
	var verbs []string
	for _, c := range commandNames() {
		if noun, verb, ok := strings.Cut(c, " "); ok && noun == first {
			verbs = append(verbs, verb)
			if len(args) > 1 && args[1] == verb {
				return c, 2, nil
			}
		}
	}
	if len(verbs) > 0 {
		return "", 0, usageErrorf("%q needs a sub-command: %s %s", first, first, strings.Join(verbs, ", "))
	}
	return "", 0, usageErrorf("unknown command %q; the commands are: %s", first, strings.Join(commandNames(), ", "))
}

// helpOr turns -h/--help into the help command and other flag errors into usage errors.
func helpOr(inv *invocation, err error) (*invocation, error) {
	if errors.Is(err, flag.ErrHelp) {
		inv.command = "help"
		return inv, nil
	}
	return nil, &usageError{err}
}

// newFlagSet returns a FlagSet that reports errors to its caller and prints nothing: Run
// prints the one usage text.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

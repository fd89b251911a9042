package main

import (
	"io"
	"log/slog"
	"os"
)

// newLogger returns the logger of a run: text for people at a terminal, JSON for log
// collectors otherwise ("auto"), or what format says. Nothing secret is ever logged: the
// one-time setup link and new API tokens go to stdout, once.
func newLogger(format string, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" || format == "auto" && isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// isTerminal tells whether w is a terminal (a character device such as a tty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

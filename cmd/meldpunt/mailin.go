package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/inbound"
)

// mailShutdownTimeout is how long mail in flight gets to finish when the server stops. A
// sending server whose connection is cut before Meldpunt's "250" tries again later, so
// nothing is lost.
const mailShutdownTimeout = 5 * time.Second

// listenMail starts the listener for incoming mail when --smtp-listen is set, and returns
// the function that stops it (once; later calls do nothing): no new connections, and those
// open get mailShutdownTimeout to finish. It logs "listening for mail" with the address.
func listenMail(cfg Config, a *app.Inbox, base string, log *slog.Logger) (stop func(), err error) {
	if cfg.SMTPListen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.SMTPListen)
	if err != nil {
		return nil, fmt.Errorf("listen for incoming mail on %s (--smtp-listen): %w", cfg.SMTPListen, err)
	}
	domain := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	srv := inbound.New(a, inbound.Config{Addr: ln.Addr().String(), Domain: domain}, log)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil {
			log.Error("the listener for incoming mail stopped", "err", err)
		}
	}()
	log.Info("listening for mail", "addr", ln.Addr().String())
	return sync.OnceFunc(func() {
		ctx, cancel := context.WithTimeout(context.Background(), mailShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn("incoming mail still in flight was cut off; the sending servers try again", "err", err)
		}
		<-done
	}), nil
}

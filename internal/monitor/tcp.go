package monitor

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// TCPSettings are a tcp check's: the port must accept a connection.
type TCPSettings struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

func (s *TCPSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	checkPort(v, p+"port", s.Port, true)
}

func (s *TCPSettings) normalise()        {}
func (s *TCPSettings) secrets() []string { return nil }

func (s *TCPSettings) run(ctx context.Context, _ *Checker) Result {
	start := time.Now()
	conn, err := dial(ctx, s.Host, s.Port)
	elapsed := time.Since(start)
	if err != nil {
		r := failure(ctx, "", err)
		r.Duration = elapsed
		return r
	}
	_ = conn.Close()
	return Result{Status: Up, Duration: elapsed, Evidence: map[string]string{"address": conn.RemoteAddr().String(), "response_time_ms": ms(elapsed)}}
}

package monitor

import (
	"context"
	"encoding/json"
	"time"

	"meldpunt/internal/desk"
)

// DefaultGrace is how long past its interval a heartbeat may come late.
const DefaultGrace = time.Minute

// HeartbeatSettings are a heartbeat's: the target calls its secret URL at least once an
// interval; Grace is the slack past the interval before the monitor is down. The scheduler
// judges heartbeats from the calls it records: they are pushed, never Run.
type HeartbeatSettings struct {
	Grace string `json:"grace"`
}

func (s *HeartbeatSettings) check(v *desk.Validator, p string) {
	checkDuration(v, p+"grace", s.Grace, 7*24*time.Hour)
}

func (s *HeartbeatSettings) normalise() {
	if s.Grace == "" {
		s.Grace = fmtDuration(DefaultGrace)
	}
}

func (s *HeartbeatSettings) secrets() []string { return nil }

// GraceDuration is the grace as a duration (DefaultGrace when unset or not valid).
func (s *HeartbeatSettings) GraceDuration() time.Duration { return duration(s.Grace, DefaultGrace) }

func (s *HeartbeatSettings) run(context.Context, *Checker) Result {
	return Result{Status: Down, Reason: ReasonPushed, Error: "a heartbeat is pushed by its target to its URL, not run by Meldpunt"}
}

// HeartbeatGrace reads the grace of a heartbeat's settings, for the scheduler that judges
// heartbeats: DefaultGrace when the settings are empty or not valid.
func HeartbeatGrace(settings json.RawMessage) time.Duration {
	var s HeartbeatSettings
	if len(settings) > 0 && json.Unmarshal(settings, &s) != nil {
		return DefaultGrace
	}
	return s.GraceDuration()
}

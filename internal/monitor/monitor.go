// Package monitor runs checks against the provider's own systems and its suppliers' (issue 12,
// docs/monitors.md): one check of one monitor is Run, and gives a Result. It knows nothing of
// the database, of scheduling or of incidents: app.Monitors decides when a monitor is due,
// records the results, and turns a series of results into an outage (hysteresis), a component
// status, an incident and an alert.
package monitor

import "time"

// Kind names what a monitor checks; a monitor's settings are those of its kind.
type Kind string

// The kinds of check.
const (
	KindHTTP       Kind = "http"
	KindTLS        Kind = "tls"
	KindTCP        Kind = "tcp"
	KindDNS        Kind = "dns"
	KindPing       Kind = "ping"
	KindHeartbeat  Kind = "heartbeat" // pushed: the target calls us; never Run
	KindPostgres   Kind = "postgres"
	KindMySQL      Kind = "mysql"
	KindRedis      Kind = "redis"
	KindSMTP       Kind = "smtp"
	KindStatuspage Kind = "statuspage" // a supplier's Statuspage-format summary.json
)

// Status is the verdict of one check, and of a monitor after hysteresis.
type Status string

// The verdicts, from best to worst. Degraded is up but slow (a response time above the
// monitor's limit), or a supplier's component in degraded_performance or partial_outage.
const (
	Up       Status = "up"
	Degraded Status = "degraded"
	Down     Status = "down"
)

// Worse tells whether s is a worse verdict than t.
func (s Status) Worse(t Status) bool { return rank(s) > rank(t) }

func rank(s Status) int {
	switch s {
	case Up:
		return 0
	case Degraded:
		return 1
	default:
		return 2
	}
}

// Result is what one check found. Error says why a check is not up, in words a desk agent
// understands ("connection refused", "status 503, expected 200"); it never holds a secret.
// Evidence holds the facts an alert shows (status code, certificate dates, the supplier's
// own incident text), keyed by short names; ComponentStatus is set by a statuspage check: the
// supplier's own component status (Statuspage's words) that maps onto ours. Reason names
// why in one word (ReasonTimeout, ReasonStatus…: reason.go) for screens to translate; it is
// set whenever the status is not up.
type Result struct {
	Status          Status            `json:"status"`
	Duration        time.Duration     `json:"duration_ns"`
	Error           string            `json:"error,omitempty"`
	Reason          string            `json:"reason,omitempty"`
	Evidence        map[string]string `json:"evidence,omitempty"`
	ComponentStatus string            `json:"component_status,omitempty"`
	At              time.Time         `json:"at"`
}

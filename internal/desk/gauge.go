package desk

import "time"

// MonitorGauge is a monitor's current state as the metrics show it: who it is (id, name,
// kind, component), its verdict after hysteresis and its last check. Nothing in it grows
// without bound: no URL, no error text.
type MonitorGauge struct {
	ID        int64
	Name      string
	Kind      string
	Enabled   bool
	Component string
	Status    MonitorVerdict
	// LastAt is zero before the first check.
	LastAt       time.Time
	LastDuration time.Duration
	LastEvidence map[string]string
}

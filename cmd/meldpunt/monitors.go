package main

import "meldpunt/internal/app"

// monitorChecks runs the monitors' checks (package monitor's Checker). While it is nil,
// serve stores monitors without running them and says so once in its log.
var monitorChecks app.MonitorChecks

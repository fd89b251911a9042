package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The demo's monitors (issue 12, docs/monitors.md): what a new user sees on /monitors a
// minute after `serve --demo` starts. They point at the demo instance itself (its base URL)
// and at a closed port on this machine, so they work without a network:
//   - "Statuspagina" checks the instance's own /api/v2/status.json over HTTP: up;
//   - "Webshop HTTPS-poort" connects to 127.0.0.1 port 1, where nothing listens: it fails,
//     goes down after two checks, and opens an incident for the desk (the Webshop is in mode
//     propose, so its status for Acme only changes when the desk says so);
//   - "Mailprovider" follows a supplier's Statuspage page; the demo's supplier page is the
//     instance's own /api/v2/summary.json, whose open e-mail incident makes it degraded;
//   - "Nachtelijke back-up" is a heartbeat a backup script would call once a day.
//
// The heartbeat's secret URL is in DemoHeartbeat of the Summary.
func (w *world) monitors(ctx context.Context) error {
	base := w.a.BaseURL()
	supplier, err := w.a.Suppliers.Create(ctx, w.sys, desk.Supplier{Name: "Mailprovider B.V.", ContactName: "Storingsdienst",
		Email: "storingen@mailprovider.example", Active: true,
		Notes: "Levert de uitgaande mail. Hun statuspagina volgt het Statuspage-formaat (in de demo: onze eigen /api/v2)."})
	if err != nil {
		return fmt.Errorf("supplier: %w", err)
	}
	settings := func(v any) json.RawMessage {
		b, _ := json.Marshal(v)
		return b
	}
	ms := []app.MonitorInput{
		{ComponentID: w.components["Hosting"], Name: "Statuspagina", Kind: "http", IntervalSeconds: 60,
			Settings: settings(map[string]any{"url": base + "/api/v2/status.json", "expect_status": []int{200}, "keyword": "indicator", "degraded_after": "2s"})},
		{ComponentID: w.components["Webshop"], Name: "Webshop HTTPS-poort", Kind: "tcp", IntervalSeconds: 60, TimeoutSeconds: 5,
			Settings: settings(map[string]any{"host": "127.0.0.1", "port": 1})},
		{ComponentID: w.components["E-mail"], SupplierID: &supplier.ID, Name: "Mailprovider", Kind: "statuspage", IntervalSeconds: 120,
			Settings: settings(map[string]any{"url": base + "/api/v2/summary.json", "supplier": "Mailprovider B.V."})},
		{ComponentID: w.components["Hosting"], Name: "Nachtelijke back-up", Kind: "heartbeat", IntervalSeconds: 24 * 3600,
			Settings: settings(map[string]any{"grace": "1h"})},
	}
	for _, in := range ms {
		_, token, err := w.a.Monitors.Create(ctx, w.sys, in)
		if err != nil {
			return fmt.Errorf("monitor %s: %w", in.Name, err)
		}
		w.monitorCount++
		if token != "" {
			w.heartbeat = base + "/heartbeat/" + token
		}
	}
	return nil
}

package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"net/http/httptest"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store/storetest"
)

// BenchmarkCreateIncidentAPI creates incidents through the HTTP API on SQLite, 64 clients at
// a time (GOMAXPROCS × parallelism). It is the in-process companion of cmd/meldpunt-bench,
// handy with -cpuprofile. The creating admin is the only desk user, so no new_report
// notification is queued; BenchmarkCreateIncidentAPIDesk adds desk users to notify.
func BenchmarkCreateIncidentAPI(b *testing.B) { benchCreateIncident(b, benchDesk{}) }

// BenchmarkCreateIncidentAPIDesk is BenchmarkCreateIncidentAPI with active agents on the
// desk: each new incident queues a new_report notification to each of them, in the same
// transaction.
func BenchmarkCreateIncidentAPIDesk(b *testing.B) {
	b.Run("agents=10", func(b *testing.B) { benchCreateIncident(b, benchDesk{agents: 10}) })
}

// BenchmarkCreateIncidentAPIFull is BenchmarkCreateIncidentAPI with all that a new incident
// may set off: the client has a contract (SLA deadlines in the business calendar), ten
// agents are told of each report, and a webhook endpoint receives incident.created (the
// event is built and queued in the transaction).
func BenchmarkCreateIncidentAPIFull(b *testing.B) {
	benchCreateIncident(b, benchDesk{agents: 10, contract: true, webhook: true})
}

// benchDesk says what the benchmark's installation holds besides the creating admin.
type benchDesk struct {
	agents   int  // active agents, told of each new report
	contract bool // the client has an active contract
	webhook  bool // an endpoint receives incident.created
}

func benchCreateIncident(b *testing.B, d benchDesk) {
	agents := d.agents
	db := storetest.Open(b, "sqlite")
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, time.Now, log, app.Config{Holidays: holidays.NL()})
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		b.Fatal(err)
	}
	sys := desk.SystemActor("bench")
	org, err := a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	u, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "bench@bench.test", Name: "Bench", Role: desk.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	var agent desk.User
	for i := range agents {
		agent, err = a.Identity.CreateUser(ctx, sys, app.UserInput{Email: fmt.Sprintf("agent%d@bench.test", i),
			Name: fmt.Sprintf("Agent %d", i), Role: desk.RoleAgent})
		if err != nil {
			b.Fatal(err)
		}
	}
	if d.contract {
		_, err := a.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: org.ID, Name: "Bench",
			SupportHours: desk.HoursBusiness, UrgentHours: desk.Hours24x7, Active: true, Targets: desk.DefaultTargets()})
		if err != nil {
			b.Fatal(err)
		}
	}
	if d.webhook {
		url, events := "https://hooks.bench.test/meldpunt", []string{desk.EventIncidentCreated}
		if _, err := a.Webhooks.Create(ctx, sys, app.WebhookInput{URL: &url, Events: &events}); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := a.Identity.CreateToken(ctx, sys, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(Handler(Config{BaseURL: "http://bench", Texts: loadTexts(b)}, a, log, prometheus.NewRegistry()))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	body := fmt.Sprintf(`{"organisation_id":%d,"title":"Checkout fails","description":"After paying.","urgency":"high","impact":"normal","channel":"api"}`, org.ID)
	b.SetParallelism(64 / max(1, testingProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/incidents", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	if agents > 0 { // each agent heard of each incident
		err := db.Read(ctx, func(tx app.Tx) error {
			ns, err := tx.Notifications(ctx, agent.ID)
			if err == nil && len(ns) != b.N {
				err = fmt.Errorf("agent has %d notifications after %d incidents", len(ns), b.N)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if d.contract || d.webhook { // the last incident has deadlines, and each an event
		err := db.Read(ctx, func(tx app.Tx) error {
			is, err := tx.Incidents(ctx, desk.IncidentFilter{Limit: 1})
			if err == nil && d.contract && (len(is) != 1 || is[0].SLA.ResolveDue == nil) {
				err = fmt.Errorf("incident without deadlines: %+v", is)
			}
			if err != nil || !d.webhook {
				return err
			}
			ns, err := tx.Outbox(ctx, desk.OutboxFilter{Via: desk.ViaWebhook, Limit: 500})
			if err == nil && len(ns) != min(b.N, 500) {
				err = fmt.Errorf("%d webhook events queued after %d incidents", len(ns), b.N)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func testingProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkNotFoundPage answers a page request that no route claims: the not-found page,
// rendered in the request's language by the console's error renderer. It measures what
// every stray URL (a typo, a scanner) costs.
func BenchmarkNotFoundPage(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, time.Now, log, app.Config{})
	h := Handler(Config{BaseURL: "http://bench"}, a, log, prometheus.NewRegistry())
	req := httptest.NewRequest(http.MethodGet, "/no/such/page", nil)
	req.Header.Set("Accept-Language", "en")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Not found") {
			b.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
		}
	}
}

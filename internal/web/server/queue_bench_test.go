package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
)

// queueBenchSize is how many open incidents BenchmarkQueue fills the database with.
const queueBenchSize = 100_000

// BenchmarkQueue measures the console's queue page (GET /queue, signed in as an agent, 50
// rows rendered) with 100,000 open incidents on each database: the first page, a page per
// client, a page filtered by priority and state, a page per assignee, and a page deep in
// the queue. Besides ns/op it reports the 50th and 95th percentile of the requests'
// latency (p50-ms, p95-ms).
//
//	go test -run '^$' -bench BenchmarkQueue -benchtime 200x ./internal/web/server
func BenchmarkQueue(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			q := newQueueBench(b, dialect)
			for _, c := range []struct{ name, path string }{
				{"first-page", "/queue"},
				{"client", "/queue?org=" + fmt.Sprint(q.org)},
				{"priority-state", "/queue?priority=P2&state=in_progress"},
				{"assignee", "/queue?assignee=" + fmt.Sprint(q.assignee)},
				{"page-1000", "/queue?after=" + q.deep},
				// The built-in views (issue 13): the agent's own, those without an
				// assignee, those breaching within the hour, those with an external party.
				{"view-mine", "/queue?view=mine"},
				{"view-unassigned", "/queue?view=unassigned"},
				{"view-breaching", "/queue?view=breaching"},
				{"view-supplier", "/queue?view=supplier"},
			} {
				b.Run(c.name, func(b *testing.B) {
					var lat []time.Duration
					for b.Loop() {
						start := time.Now()
						q.get(b, c.path)
						lat = append(lat, time.Since(start))
					}
					slices.Sort(lat)
					pct := func(p float64) float64 {
						return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.95), "p95-ms")
				})
			}
			// The desk's menu counts, which every page a desk member sees pays for: one
			// query of two counts (store.MenuCounts).
			b.Run("menu-counts", func(b *testing.B) {
				agent := desk.Actor{UserID: q.agent.ID, Name: q.agent.Name, Role: q.agent.Role}
				for b.Loop() {
					c, err := q.app.SavedViews.MenuCounts(context.Background(), agent)
					if err != nil || c.Mine == 0 {
						b.Fatalf("counts %+v: %v", c, err)
					}
				}
			})
		})
	}
}

type queueBench struct {
	srv      *httptest.Server
	cookie   *http.Cookie
	org      int64  // a client with a twentieth of the incidents
	assignee int64  // an expert with a tenth of the assigned ones
	deep     string // the cursor of the 1000th page (the 50,000th incident)
	app      *app.Services
	agent    desk.User // who is signed in
}

// newQueueBench starts a server on a database of the dialect holding queueBenchSize open
// incidents of 20 clients, written straight through the store in one transaction: deadlines
// spread over ten days either side of now, one in ten paused, one in twenty without a
// contract, half of them owned and assigned.
func newQueueBench(b *testing.B, dialect string) *queueBench {
	b.Helper()
	db := storetest.Open(b, dialect)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, time.Now, log, app.Config{Holidays: holidays.NL(), Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		b.Fatal(err)
	}
	sys := desk.SystemActor("bench")
	var orgs []desk.Organisation
	for i := range 20 {
		o, err := a.Organisations.Create(ctx, sys, desk.Organisation{Name: fmt.Sprintf("Client %02d", i)})
		if err != nil {
			b.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	var staff []desk.User
	for i := range 15 {
		role := desk.RoleExpert
		if i < 5 {
			role = desk.RoleAgent
		}
		u, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: fmt.Sprintf("staff%d@bench.test", i), Name: fmt.Sprintf("Staff %d", i),
			Role: role, Password: "bench password 1"})
		if err != nil {
			b.Fatal(err)
		}
		staff = append(staff, u)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC().Truncate(time.Millisecond)
	type key struct {
		due time.Time
		id  int64
	}
	keys := make([]key, 0, queueBenchSize)
	start := time.Now()
	err := db.Write(ctx, func(tx app.Tx) error {
		for i := range queueBenchSize {
			org := orgs[i%len(orgs)]
			in := desk.Incident{OrgID: org.ID, Channel: desk.ChannelPortal, Kind: desk.KindRegular, Title: fmt.Sprintf("Incident %d", i),
				Description: "", Urgency: desk.Levels[rng.IntN(3)], Impact: desk.Levels[rng.IntN(3)], Priority: desk.Priorities[rng.IntN(5)],
				State:     []desk.State{desk.StateNew, desk.StateTriaged, desk.StateInProgress, desk.StateInProgress}[rng.IntN(4)],
				CreatedAt: now.Add(-time.Duration(rng.IntN(240)) * time.Hour), UpdatedAt: now, ComponentIDs: []int64{}}
			if rng.IntN(5) == 0 {
				in.Kind = desk.KindUrgent
				if rng.IntN(10) == 0 {
					in.Assessment = desk.AssessmentPending // to assess: the menu counts them
				}
			}
			if rng.IntN(2) == 0 {
				in.OwnerID, in.AssigneeID = &staff[rng.IntN(5)].ID, &staff[rng.IntN(len(staff))].ID
			}
			due := now.Add(time.Duration(rng.IntN(20*24*60)-10*24*60) * time.Minute)
			warn := due.Add(-2 * time.Hour)
			switch r := rng.IntN(20); {
			case r == 0: // no contract
			case r < 3: // paused
				in.State, in.WaitingOn = desk.StateWaiting, []desk.WaitingOn{desk.WaitingOnClient, desk.WaitingOnThirdParty}[rng.IntN(2)]
				in.SLA = desk.SLA{Calendar: "business", ResponseDue: &warn, ResponseWarn: &warn, PausedSince: &now}
			default:
				in.SLA = desk.SLA{Calendar: "business", ResponseDue: &warn, ResponseWarn: &warn, ResolveDue: &due, ResolveWarn: &warn}
				in.ResolveBreached = due.Before(now)
			}
			if err := tx.CreateIncident(ctx, &in); err != nil {
				return err
			}
			keys = append(keys, key{in.QueueDue(), in.ID})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d incidents written in %v", dialect, queueBenchSize, time.Since(start).Round(time.Millisecond))
	if dialect == store.DialectPostgres {
		// What autovacuum does on a running installation a minute after such a load;
		// SQLite gets no statistics, as in Meldpunt itself.
		if err := db.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := x.due.Compare(y.due); c != 0 {
			return c
		}
		return int(x.id - y.id)
	})
	deep := keys[len(keys)/2-1]
	sec, _, _, err := a.Identity.SignIn(ctx, staff[0].Email, "bench password 1", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(Handler(Config{BaseURL: "http://bench", Texts: loadTexts(b)}, a, log, prometheus.NewRegistry()))
	b.Cleanup(srv.Close)
	q := &queueBench{srv: srv, cookie: &http.Cookie{Name: web.SessionCookie, Value: sec}, org: orgs[3].ID, assignee: staff[9].ID,
		deep: fmt.Sprintf("%d_%d", deep.due.UnixMilli(), deep.id), app: a, agent: staff[0]}
	q.get(b, "/queue") // warm the connection and the caches once
	return q
}

// get fetches a page and checks that it lists incidents.
func (q *queueBench) get(b *testing.B, path string) {
	req, _ := http.NewRequest("GET", q.srv.URL+path, nil)
	req.AddCookie(q.cookie)
	res, err := q.srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `href="/incidents/INC-`) {
		b.Fatalf("GET %s: %d\n%.2000s", path, res.StatusCode, body)
	}
}

package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
)

// secret marks every object of organisation B. No response to anyone of organisation A
// may contain it.
const secret = "zzb-secret"

// incidentSecret marks B's incident and its timeline. An expert may know that B exists, but
// not see its incidents unless assigned.
const incidentSecret = secret + "-incident"

const password = "correct horse battery"

// person is a signed-in user with both kinds of credentials.
type person struct {
	user    desk.User
	token   string // API token
	session string // session cookie value
	csrf    string // the session's CSRF token
}

// fixture is an installation with a provider and two client organisations, A and B.
type fixture struct {
	t        *testing.T
	app      *app.Services
	srv      *httptest.Server
	mux      interface{ Patterns() []string }
	orgA     desk.Organisation
	orgB     desk.Organisation
	people   map[string]*person // "a_user", "a_admin", "b_user", "b_admin", "agent", "expert", "admin"
	contract desk.Contract      // B's
	comp     desk.Component     // used by B only
	group    desk.ComponentGroup
	incB     desk.Incident // reported by b_user, assigned to nobody
	incA     desk.Incident // reported by a_user
	tokenB   desk.Token    // b_user's token

	// attB is B's file on incB. It, B's report of incB and B's notification are written
	// straight through the store, so incB's timeline and B's counts stay as they were.
	attB desk.Attachment
	// chgB is a change request linked to incB only, written the same way: clients of A must
	// never learn of it; staff may (its title carries secret, not incidentSecret).
	chgB desk.ChangeRequest
	// hook is the provider's webhook endpoint, registered by the admin: only admins may
	// see, test, change or delete it. Its description carries incidentSecret, so no
	// answer to a client or the expert may show it.
	hook desk.WebhookEndpoint
	// pub is an open public incident on B's clients-only component: the public documents
	// show the incident but never the component (its name carries secret).
	pub desk.PublicIncident
	// tpl is the desk's message template: staff read it, only admins change it, clients
	// never see it.
	tpl desk.StatusTemplate
	// mon is the provider's monitor of B's component (its name carries secret): staff read
	// it, only admins change it, clients never see it.
	mon app.MonitorView
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, time.Now, log, app.Config{Holidays: holidays.NL(), BaseURL: "http://meldpunt.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	h, mux := build(Config{BaseURL: "http://meldpunt.test", Texts: loadTexts(t)}, a, log, prometheus.NewRegistry())
	f := &fixture{t: t, app: a, srv: httptest.NewServer(h), mux: mux, people: map[string]*person{}}
	t.Cleanup(f.srv.Close)
	sys := desk.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.orgA, err = a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Alpha Webshop"})
	must(err)
	f.orgB, err = a.Organisations.Create(ctx, sys, desk.Organisation{Name: "Bravo " + secret})
	must(err)
	f.contract, err = a.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: f.orgB.ID, Name: "Contract " + secret})
	must(err)
	_, err = a.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: f.orgA.ID, Name: "Alpha contract"})
	must(err)
	f.group, err = a.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Hosting"})
	must(err)
	f.comp, err = a.Components.Create(ctx, sys, desk.Component{Name: "Database " + secret, GroupID: &f.group.ID, ClientIDs: []int64{f.orgB.ID}})
	must(err)
	_, err = a.Components.Create(ctx, sys, desk.Component{Name: "Shared web server", ClientIDs: []int64{f.orgA.ID, f.orgB.ID}})
	must(err)
	f.pub, err = a.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Name: desk.Texts{EN: "Hosting slow"}, Impact: desk.ImpactMinor,
		Components: []desk.AffectedComponent{{ComponentID: f.comp.ID, Status: desk.StatusMajorOutage}}, Body: desk.Texts{EN: "Looking into it."}})
	must(err)

	add := func(key string, org int64, role desk.Role, name string) {
		u, err := a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: key + "@" + strings.ReplaceAll(name, " ", "-") + ".example", Name: name, Role: role, Password: password})
		must(err)
		tok, _, err := a.Identity.CreateToken(ctx, sys, u.ID, "test")
		must(err)
		sec, s, _, err := a.Identity.SignIn(ctx, u.Email, password, "127.0.0.1")
		must(err)
		f.people[key] = &person{user: u, token: tok, session: sec, csrf: s.CSRF}
	}
	add("a_user", f.orgA.ID, desk.RoleClientUser, "alpha user")
	add("a_admin", f.orgA.ID, desk.RoleClientAdmin, "alpha admin")
	add("b_user", f.orgB.ID, desk.RoleClientUser, secret+" user")
	add("b_admin", f.orgB.ID, desk.RoleClientAdmin, secret+" admin")
	add("agent", 0, desk.RoleAgent, "desk agent")
	add("expert", 0, desk.RoleExpert, "outside expert")
	add("admin", 0, desk.RoleAdmin, "desk admin")

	bUser := f.people["b_user"]
	f.incB, err = a.Incidents.Create(ctx, actorOf(bUser), app.IncidentInput{Title: "Outage " + incidentSecret, Description: "details " + incidentSecret, Urgency: desk.High, Impact: desk.High, ComponentIDs: []int64{f.comp.ID}})
	must(err)
	_, err = a.Incidents.AddEntry(ctx, actorOf(f.people["agent"]), f.incB.ID, app.EntryInput{Kind: desk.EntryReply, Body: "reply " + incidentSecret})
	must(err)
	_, err = a.Incidents.AddEntry(ctx, actorOf(f.people["agent"]), f.incB.ID, app.EntryInput{Kind: desk.EntryNote, Body: "note " + incidentSecret})
	must(err)
	f.incB, err = a.Incidents.Get(ctx, sys, f.incB.ID)
	must(err)
	f.incA, err = a.Incidents.Create(ctx, actorOf(f.people["a_user"]), app.IncidentInput{Title: "Alpha slow pages", Urgency: desk.Normal, Impact: desk.Low})
	must(err)
	toks, err := a.Identity.Tokens(ctx, actorOf(bUser))
	must(err)
	f.tokenB = toks[0]
	hook, err := a.Webhooks.Create(ctx, actorOf(f.people["admin"]), app.WebhookInput{URL: ptr("https://hooks.example.com/" + incidentSecret),
		Description: ptr("Monitoring " + incidentSecret), Events: &[]string{desk.EventIncidentCreated}})
	must(err)
	f.hook = hook.WebhookEndpoint
	f.tpl, err = a.StatusTemplates.Create(ctx, actorOf(f.people["admin"]), app.StatusTemplateInput{Name: "Investigating",
		Status: desk.PublicInvestigating, Body: desk.Texts{EN: "We are investigating."}})
	must(err)
	f.mon, _, err = a.Monitors.Create(ctx, actorOf(f.people["admin"]), app.MonitorInput{ComponentID: f.comp.ID, Name: "Probe " + secret,
		Kind: "tcp", Settings: []byte(`{"host":"127.0.0.1","port":1}`)})
	must(err)

	// B's report, file and notification (see attB).
	now := time.Now().UTC()
	f.attB = desk.Attachment{IncidentID: f.incB.ID, Name: "dump " + incidentSecret + ".txt", ContentType: "text/plain",
		Size: 27, SHA256: "sha " + incidentSecret, UploadedBy: &bUser.user.ID, CreatedAt: now}
	must(db.Write(ctx, func(tx app.Tx) error {
		if err := tx.CreateReport(ctx, &desk.Report{IncidentID: f.incB.ID, QuestionnaireVersion: 1,
			Answers: desk.Answers{"security": {"yes"}}, Evaluation: desk.Evaluation{Verdict: desk.VerdictUrgent,
				Criteria: []string{desk.CriterionSecurityRisk}, Exclusions: []string{}, Urgency: desk.High, Impact: desk.High, Priority: desk.P1},
			ProcedureLocale: desk.LocaleNL, ProcedureHash: "hash " + incidentSecret, AcceptedByID: bUser.user.ID, AcceptedAt: now,
			AcceptedFrom: "192.0.2.66 " + incidentSecret}); err != nil {
			return err
		}
		if err := tx.AddAttachment(ctx, &f.attB, []byte("log "+incidentSecret+" end")); err != nil {
			return err
		}
		f.chgB = desk.ChangeRequest{Title: "Fix " + secret, Description: "why " + secret, State: desk.ChangeRequested,
			IncidentIDs: []int64{f.incB.ID}, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateChange(ctx, &f.chgB); err != nil {
			return err
		}
		// Both tickets are linked to pub (issue 11, one outage, many tickets): A's people
		// see their own ticket's link, and learn nothing of B's.
		if err := tx.LinkTicket(ctx, f.incB.ID, f.pub.ID, nil, now); err != nil {
			return err
		}
		if err := tx.LinkTicket(ctx, f.incA.ID, f.pub.ID, nil, now); err != nil {
			return err
		}
		return tx.Notify(ctx, &desk.Notification{Kind: desk.NotifyReportReceived, UserID: bUser.user.ID, IncidentID: &f.incB.ID,
			Payload: `{"number":"` + incidentSecret + `"}`, CreatedAt: now})
	}))
	return f
}

func ptr[T any](v T) *T { return &v }

func actorOf(p *person) desk.Actor {
	return desk.Actor{UserID: p.user.ID, Name: p.user.Name, Role: p.user.Role, OrgID: p.user.OrgID}
}

// do sends a request as p: with the API token for /api/ paths, with the session cookie
// (and its CSRF token) for pages. It returns the status and body.
func (f *fixture) do(p *person, method, path, body string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	solutionLink := strings.HasPrefix(path, "/solution/")
	if body != "" && solutionLink {
		// A solution link's form carries the double-submit token of the form cookie (set
		// below), so the forged link itself is what is refused; other pages carry the
		// session's token, in the header.
		body += "&csrf=" + formToken
	}
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if strings.HasPrefix(path, "/api/") {
		if p != nil {
			req.Header.Set("Authorization", "Bearer "+p.token)
		}
		req.Header.Set("Content-Type", "application/json")
	} else {
		if p != nil {
			req.AddCookie(&http.Cookie{Name: "meldpunt_session", Value: p.session})
			req.Header.Set("X-CSRF-Token", p.csrf)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if solutionLink {
				req.AddCookie(&http.Cookie{Name: "meldpunt_csrf", Value: formToken})
			}
		}
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// formToken is the browser's double-submit token in requests to pages.
const formToken = "isolation-test-form-token-0123456789abcdef"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// loadTexts returns the catalog compiled into the binary.
func loadTexts(t testing.TB) *i18n.Catalog {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

package snapshot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/server"
	"meldpunt/internal/web/snapshot"
)

// The snapshot in a real server on a real database: what a visitor gets from it is what
// the handlers render, a change made through the app reaches it at the next refresh, and a
// change on one instance reaches another's by its poll.

const password = "correct horse battery"

// v2Routes are the Statuspage documents served from the snapshot.
var v2Routes = []string{"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json",
	"/api/v2/incidents.json", "/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
	"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json"}

// instance is one Meldpunt on a database: its services, its snapshot and a server using
// it, and (plain) a server without a snapshot.
type instance struct {
	app   *app.Services
	cache *snapshot.Cache
	srv   *httptest.Server
	plain *httptest.Server
}

func newInstance(t testing.TB, db *store.DB) *instance {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	in := &instance{}
	in.app = app.New(db, time.Now, log, app.Config{BaseURL: "http://meldpunt.test",
		Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	in.cache = snapshot.New(snapshot.Options{Version: in.app.Components.PageVersion, Log: log, Header: web.EveryAnswer(false)})
	cfg := server.Config{BaseURL: "http://meldpunt.test", Texts: texts}
	in.plain = httptest.NewServer(server.Handler(cfg, in.app, log, prometheus.NewRegistry()))
	t.Cleanup(in.plain.Close)
	cfg.Snapshot = in.cache
	in.srv = httptest.NewServer(server.Handler(cfg, in.app, log, prometheus.NewRegistry()))
	t.Cleanup(in.srv.Close)
	return in
}

// world is an installation with public components, a clients-only one, and an agent with
// an API token.
type world struct {
	hosting desk.Component
	agent   desk.User
	token   string
}

func seed(t testing.TB, a *app.Services) world {
	t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.Identity.Bootstrap(ctx)
	must(err)
	var w world
	g, err := a.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Infrastructure", Position: 1})
	must(err)
	w.hosting, err = a.Components.Create(ctx, sys, desk.Component{Name: "Hosting", GroupID: &g.ID, Visibility: desk.VisibilityPublic, Description: "Web servers"})
	must(err)
	_, err = a.Components.Create(ctx, sys, desk.Component{Name: "DNS", Visibility: desk.VisibilityPublic})
	must(err)
	_, err = a.Components.Create(ctx, sys, desk.Component{Name: "Private rack", Visibility: desk.VisibilityClients})
	must(err)
	w.agent, err = a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "agent@provider.test", Name: "Guus Agent",
		Role: desk.RoleAgent, Locale: desk.LocaleNL, Password: password})
	must(err)
	w.token, _, err = a.Identity.CreateToken(ctx, sys, w.agent.ID, "status")
	must(err)
	return w
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func fetch(t *testing.T, method, url string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Go's transport would ask for gzip and decode it itself; every test says what it wants.
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

// setStatus sets a component's status through the API, as an agent does.
func setStatus(t *testing.T, base, token string, id int64, status desk.ComponentStatus) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+"/api/v1/components/"+strconv.FormatInt(id, 10)+"/status",
		strings.NewReader(`{"status":"`+string(status)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("set status: %d", res.StatusCode)
	}
}

// TestSnapshotBytesAreTheHandlers compares every route and language served from the
// snapshot, in each encoding, with what the same handlers answer without one.
func TestSnapshotBytesAreTheHandlers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := newInstance(t, db)
		seed(t, in.app)
		type req struct {
			path   string
			header []string
		}
		reqs := []req{{"/status", []string{"Accept-Language", "nl"}}, {"/status", []string{"Accept-Language", "en-US,en;q=0.8"}},
			{"/status?lang=en", nil}, {"/status", []string{"Cookie", "lang=en"}}, {"/status", nil}}
		for _, p := range v2Routes {
			reqs = append(reqs, req{p, nil})
		}
		for _, rq := range reqs {
			want := fetch(t, "GET", in.plain.URL+rq.path, rq.header...)
			if want.status != 200 {
				t.Fatalf("%s without the snapshot: %d", rq.path, want.status)
			}
			for range 2 { // the miss that builds, then a hit
				got := fetch(t, "GET", in.srv.URL+rq.path, rq.header...)
				if got.status != 200 || !bytes.Equal(got.body, want.body) || got.header.Get("ETag") == "" {
					t.Fatalf("%s %v: %d %v\n%s\nwant\n%s", rq.path, rq.header, got.status, got.header, got.body, want.body)
				}
				for _, k := range []string{"Content-Type", "Access-Control-Allow-Origin", "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
					if got.header.Get(k) != want.header.Get(k) {
						t.Errorf("%s: %s %q, want %q", rq.path, k, got.header.Get(k), want.header.Get(k))
					}
				}
			}
			gz := fetch(t, "GET", in.srv.URL+rq.path, append([]string{"Accept-Encoding", "gzip"}, rq.header...)...)
			zr, err := gzip.NewReader(bytes.NewReader(gz.body))
			if err != nil {
				t.Fatalf("%s gzip: %v", rq.path, err)
			}
			if b, _ := io.ReadAll(zr); !bytes.Equal(b, want.body) {
				t.Errorf("%s: gzip decodes to other bytes", rq.path)
			}
			br := fetch(t, "GET", in.srv.URL+rq.path, append([]string{"Accept-Encoding", "br;q=1, gzip;q=0.5"}, rq.header...)...)
			if b, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(br.body))); br.header.Get("Content-Encoding") != "br" || !bytes.Equal(b, want.body) {
				t.Errorf("%s: br decodes to other bytes (%v)", rq.path, br.header)
			}
			head := fetch(t, "HEAD", in.srv.URL+rq.path, rq.header...)
			if head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Length") != strconv.Itoa(len(want.body)) {
				t.Errorf("%s HEAD: %d %v", rq.path, head.status, head.header)
			}
			nm := fetch(t, "GET", in.srv.URL+rq.path, append([]string{"If-None-Match", "W/" + gz.header.Get("ETag")}, rq.header...)...)
			if nm.status != 200 {
				t.Errorf("%s: the gzip ETag matched the identity bytes", rq.path)
			}
			nm = fetch(t, "GET", in.srv.URL+rq.path, append([]string{"Accept-Encoding", "gzip", "If-None-Match", `"x", ` + gz.header.Get("ETag")}, rq.header...)...)
			cc := snapshot.DefaultCacheControl
			if strings.Contains(rq.path, "lang=") {
				cc = "private, no-cache" // the answer sets the language cookie
			}
			if nm.status != http.StatusNotModified || nm.header.Get("ETag") != gz.header.Get("ETag") || nm.header.Get("Cache-Control") != cc {
				t.Errorf("%s If-None-Match: %d %v", rq.path, nm.status, nm.header)
			}
		}
		// Two languages of one page, nine JSON documents: one build each.
		if n := in.cache.Builds(); n != 2+int64(len(v2Routes)) {
			t.Errorf("%d builds, want %d", n, 2+len(v2Routes))
		}
	})
}

// TestChangeReachesTheSnapshotAtTheNextRefresh: an agent sets a status through the API; the
// snapshot serves the old page until it reads the counter, and the new one after.
func TestChangeReachesTheSnapshotAtTheNextRefresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := newInstance(t, db)
		w := seed(t, in.app)
		page := func() string { return string(fetch(t, "GET", in.srv.URL+"/status", "Accept-Language", "en").body) }
		doc := func() string { return string(fetch(t, "GET", in.srv.URL+"/api/v2/status.json").body) }
		if !strings.Contains(page(), "All systems operational") || !strings.Contains(doc(), `"indicator":"none"`) {
			t.Fatalf("before: %s %s", page(), doc())
		}
		setStatus(t, in.srv.URL, w.token, w.hosting.ID, desk.StatusMajorOutage)
		if !strings.Contains(page(), "All systems operational") || !strings.Contains(doc(), `"indicator":"none"`) {
			t.Fatalf("the snapshot changed before it read the counter: not served from it")
		}
		if err := in.cache.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page(), "Major system outage") || !strings.Contains(doc(), `"indicator":"critical"`) {
			t.Fatalf("after the refresh: %s %s", page(), doc())
		}
	})
}

// TestChangeOnOneInstanceReachesTheOther: two instances on one database (PostgreSQL, and
// two handles on one SQLite file); a change on A reaches B's snapshot by B's poll.
func TestChangeOnOneInstanceReachesTheOther(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dbA, dbB := storetest.OpenTwice(t, dialect)
			a, b := newInstance(t, dbA), newInstance(t, dbB)
			w := seed(t, a.app)
			ctx, cancel := context.WithCancel(context.Background())
			tick := make(chan time.Time)
			done := make(chan struct{})
			go func() { defer close(done); b.cache.Run(ctx, tick) }()
			defer func() { cancel(); <-done }()
			doc := func() string { return string(fetch(t, "GET", b.srv.URL+"/api/v2/summary.json").body) }
			if !strings.Contains(doc(), `"indicator":"none"`) {
				t.Fatalf("before: %s", doc())
			}
			setStatus(t, a.srv.URL, w.token, w.hosting.ID, desk.StatusPartialOutage)
			if !strings.Contains(doc(), `"indicator":"none"`) {
				t.Fatalf("B changed before its poll: not served from the snapshot")
			}
			// Run reads the counter at a tick; the second send returns once the first poll is done.
			tick <- time.Now()
			tick <- time.Now()
			if got := doc(); !strings.Contains(got, `"indicator":"major"`) || !strings.Contains(got, `"status":"partial_outage"`) {
				t.Fatalf("after B's poll: %s", got)
			}
		})
	}
}

// TestSignedInBypassesTheSnapshot: a signed-in person's page has their menu, name and the
// sign-out form with their CSRF token; it is rendered for them and never kept.
func TestSignedInBypassesTheSnapshot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := newInstance(t, db)
		w := seed(t, in.app)
		anon := fetch(t, "GET", in.srv.URL+"/status")
		secret, _, _, err := in.app.Identity.SignIn(context.Background(), w.agent.Email, password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		cookie := web.SessionCookieName(false) + "=" + secret
		for range 2 {
			mine := fetch(t, "GET", in.srv.URL+"/status", "Cookie", cookie)
			if mine.status != 200 || !strings.Contains(string(mine.body), "Guus Agent") ||
				mine.header.Get("ETag") != "" || mine.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("signed in: %d %v\n%s", mine.status, mine.header, mine.body)
			}
		}
		again := fetch(t, "GET", in.srv.URL+"/status")
		if strings.Contains(string(again.body), "Guus Agent") || !bytes.Equal(again.body, anon.body) ||
			again.header.Get("Cache-Control") != snapshot.DefaultCacheControl {
			t.Fatalf("anonymous after a signed-in visit: %v\n%s", again.header, again.body)
		}
		// A query the page does not know is rendered for itself too; ?lang= is not.
		if q := fetch(t, "GET", in.srv.URL+"/status?x=1"); q.header.Get("ETag") != "" {
			t.Fatalf("?x=1 served from the snapshot: %v", q.header)
		}
		// An invalid token is refused as before, though the document is in the snapshot.
		fetch(t, "GET", in.srv.URL+"/api/v2/summary.json")
		if bad := fetch(t, "GET", in.srv.URL+"/api/v2/summary.json", "Authorization", "Bearer mp_nonsense"); bad.status != http.StatusUnauthorized {
			t.Fatalf("an invalid token: %d", bad.status)
		}
		if n := in.cache.Builds(); n != 2 {
			t.Fatalf("%d builds, want 2", n)
		}
	})
}

// TestLanguageSwitch: ?lang= still sets the language cookie, and the page in that language
// comes from the snapshot; the cookie then chooses it.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := newInstance(t, db)
		seed(t, in.app)
		sw := fetch(t, "GET", in.srv.URL+"/status?lang=en", "Accept-Language", "nl")
		if !strings.Contains(sw.header.Get("Set-Cookie"), "lang=en") || !strings.Contains(string(sw.body), "All systems operational") ||
			sw.header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("?lang=en: %v\n%s", sw.header, sw.body)
		}
		byCookie := fetch(t, "GET", in.srv.URL+"/status", "Accept-Language", "nl", "Cookie", "lang=en")
		if byCookie.header.Get("ETag") != sw.header.Get("ETag") || byCookie.header.Get("Set-Cookie") != "" {
			t.Fatalf("by cookie: %v", byCookie.header)
		}
		nl := fetch(t, "GET", in.srv.URL+"/status", "Accept-Language", "nl")
		if !strings.Contains(string(nl.body), "Alle systemen werken normaal") || nl.header.Get("ETag") == sw.header.Get("ETag") ||
			nl.header.Get("Vary") != "Accept-Language, Cookie, Accept-Encoding" {
			t.Fatalf("Dutch: %v\n%s", nl.header, nl.body)
		}
	})
}

// Package feeds serves the status page's feeds (issue 11 point 2, docs/status-page.md
// "Feeds"): /status/history.atom and .rss, the same per public component under
// /status/components/{id}/, and /status/maintenance.ics. No sign-in; everything is in its
// public view (app.PublicIncidents.History and Calendar): no authors, no clients, no
// clients-only components. The language is ?lang= or Accept-Language, Dutch by default (no
// cookie: feed readers and calendar apps keep none worth reading). Every feed is served
// from the status page's snapshot when there is one (its ETag, 304 and Cache-Control),
// and otherwise answers with an ETag of its own.
package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/feed"
	"meldpunt/internal/i18n"
	"meldpunt/internal/markdown"
	"meldpunt/internal/web"
	"meldpunt/internal/web/snapshot"
)

// Deps is what the feeds need.
type Deps struct {
	PublicIncidents *app.PublicIncidents
	Branding        *app.Branding
	// Texts is the catalog of the pages' texts (titles, statuses, month names).
	Texts *i18n.Catalog
	// BaseURL is where people reach Meldpunt: every link in a feed starts with it, and its
	// host names the entries' ids and the events' UIDs.
	BaseURL string
	// Snapshot serves the feeds from memory; nil renders each request.
	Snapshot *snapshot.Cache
	// OnError answers an error (a component that is not public: 404) as the pages do.
	OnError func(w http.ResponseWriter, r *http.Request, err error)
	Log     *slog.Logger
}

type handler struct {
	Deps
	host string
	md   *markdown.Renderer
}

// Register adds the feeds' routes to mux.
func Register(mux *web.Mux, d Deps) {
	h := &handler{Deps: d, md: markdown.New()}
	h.BaseURL = strings.TrimRight(d.BaseURL, "/")
	if u, err := url.Parse(h.BaseURL); err == nil {
		h.host = strings.ToLower(u.Hostname())
	}
	if h.host == "" {
		h.host = "localhost"
	}
	if h.Log == nil {
		h.Log = slog.Default()
	}
	if h.OnError == nil {
		h.OnError = func(w http.ResponseWriter, r *http.Request, err error) { web.WriteProblem(w, r, h.Log, err) }
	}
	route := func(pattern string, fn func(w http.ResponseWriter, r *http.Request) error) {
		mux.Handle(pattern, d.Snapshot.Wrap(feedPolicy, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := fn(w, r); err != nil {
				h.OnError(w, r, err)
			}
		})))
	}
	route("GET /status/history.atom", h.atom)
	route("GET /status/history.rss", h.rss)
	route("GET /status/components/{id}/history.atom", h.atom)
	route("GET /status/components/{id}/history.rss", h.rss)
	route("GET /status/maintenance.ics", h.ics)
}

// feedPolicy keeps one snapshot per route and language. A query other than lang is
// rendered for the request itself.
var feedPolicy = snapshot.Policy{
	Key: func(r *http.Request) (string, bool) {
		l, ok := language(r)
		return string(l), ok
	},
	Prepare: func(r *http.Request, key string) { r.Header.Set("Accept-Language", key) },
	Vary:    "Accept-Language",
}

// language is ?lang= when it names a language Meldpunt speaks, else Accept-Language, else
// Dutch; false when the query holds anything but lang.
func language(r *http.Request) (desk.Locale, bool) {
	q := r.URL.Query()
	for k := range q {
		if k != "lang" {
			return i18n.Default, false
		}
	}
	if l, ok := i18n.Parse(q.Get("lang")); ok {
		return l, true
	}
	bare := &http.Request{URL: &url.URL{}, Header: http.Header{"Accept-Language": r.Header.Values("Accept-Language")}}
	return i18n.Negotiate(bare, ""), true
}

// componentID reads the {id} of a component's feed: 0 for the page's own feed; an id
// that is no positive number is not found.
func componentID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || len(s) > 19 {
		return 0, desk.Errorf(desk.ENOTFOUND, "no public component has this id")
	}
	return id, nil
}

func (h *handler) atom(w http.ResponseWriter, r *http.Request) error {
	f, err := h.history(r, "atom")
	if err != nil {
		return err
	}
	b, err := feed.Atom(f)
	if err != nil {
		return err
	}
	h.write(w, r, feed.AtomType, b)
	return nil
}

func (h *handler) rss(w http.ResponseWriter, r *http.Request) error {
	f, err := h.history(r, "rss")
	if err != nil {
		return err
	}
	b, err := feed.RSS(f)
	if err != nil {
		return err
	}
	h.write(w, r, feed.RSSType, b)
	return nil
}

func (h *handler) ics(w http.ResponseWriter, r *http.Request) error {
	l, _ := language(r)
	c, err := h.calendar(r, l)
	if err != nil {
		return err
	}
	h.write(w, r, feed.CalendarType, feed.ICS(c))
	return nil
}

// write answers with b and an ETag of its own (the snapshot, when it serves the route,
// replaces it with its own of the same bytes); If-None-Match with that tag is a 304.
func (h *handler) write(w http.ResponseWriter, r *http.Request, ctype string, b []byte) {
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("ETag", tag)
	hd.Set("Cache-Control", snapshot.DefaultCacheControl)
	hd.Add("Vary", "Accept-Language")
	if matches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// matches tells whether an If-None-Match header names tag (weakly compared, RFC 9110
// 13.1.2), or is "*".
func matches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// when is a time as a visitor reads it: "2 december 2026 10:14 CET", in the page's zone.
func (h *handler) when(l desk.Locale, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return strconv.Itoa(t.Day()) + " " + h.Texts.T(l, "month."+strconv.Itoa(int(t.Month()))) + " " +
		strconv.Itoa(t.Year()) + " " + t.Format("15:04 MST")
}

// heading is the page's name as its heading shows it.
func (h *handler) heading(l desk.Locale, b app.PageBrand) string {
	if b.Stored.Title == "" {
		return h.Texts.T(l, "status.heading", b.Settings.Title)
	}
	return b.Settings.Title
}

// incidentURL is an incident's or maintenance's own page.
func (h *handler) incidentURL(id int64) string {
	return h.BaseURL + "/status/incidents/" + desk.FormatInt(id)
}

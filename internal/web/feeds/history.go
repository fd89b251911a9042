package feeds

import (
	"html"
	"net/http"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/feed"
)

// One entry per incident (or maintenance), not per update, as Atlassian Statuspage does:
// a reader shows one item for one outage, with all its updates in the content (newest
// first), and the entry's updated time moves with each update, so readers that follow
// changes show it again. One entry per update would flood a reader with items that only
// make sense together.

// history builds the history feed of the request: the page's, or a public component's.
// format is "atom" or "rss", for the self link.
func (h *handler) history(r *http.Request, format string) (feed.Feed, error) {
	l, _ := language(r)
	id, err := componentID(r)
	if err != nil {
		return feed.Feed{}, err
	}
	brand, err := h.Branding.Page(r.Context())
	if err != nil {
		return feed.Feed{}, err
	}
	ps, comps, err := h.PublicIncidents.History(r.Context(), id)
	if err != nil {
		return feed.Feed{}, err
	}
	loc := brand.Settings.Zone()
	page := h.heading(l, brand)
	path := "/status/history."
	f := feed.Feed{Title: h.Texts.T(l, "feeds.history.title", page), Subtitle: h.Texts.T(l, "feeds.history.subtitle", brand.Settings.Title)}
	if id != 0 {
		path = "/status/components/" + desk.FormatInt(id) + "/history."
		name := comps[id].Name
		f.Title = h.Texts.T(l, "feeds.component.title", name, page)
		f.Subtitle = h.Texts.T(l, "feeds.component.subtitle", name, brand.Settings.Title)
	}
	f.ID = h.BaseURL + path + "atom"
	f.Self = h.BaseURL + path + format + "?lang=" + string(l)
	f.Alternate = h.BaseURL + "/status?lang=" + string(l)
	f.Lang = string(l)
	f.Updated = time.Unix(0, 0)
	for _, p := range ps {
		e := feed.Entry{ID: h.tag(p), Title: p.Name.In(l), Link: h.incidentURL(p.ID), Published: p.CreatedAt,
			Updated: app.FeedTime(p), HTML: h.content(l, p, comps, loc)}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// tag is an entry's permanent id (RFC 4151): the base URL's host, the day the incident was
// published there, and its path. It never changes with the incident, nor between the Atom
// and the RSS feed, nor between the languages.
func (h *handler) tag(p desk.PublicIncident) string {
	return "tag:" + h.host + "," + p.CreatedAt.UTC().Format("2006-01-02") + ":status/incidents/" + desk.FormatInt(p.ID)
}

// content is an entry's HTML: its status and impact (or window), the public components it
// affects, the postmortem, and every update with its time and status, the messages
// rendered from Markdown and sanitised (internal/markdown). Nothing else: no authors.
func (h *handler) content(l desk.Locale, p desk.PublicIncident, comps map[int64]desk.Component, loc *time.Location) string {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString("<p><strong>" + esc(h.Texts.T(l, "feeds.status."+string(p.Status))) + "</strong>")
	if p.Kind == desk.KindIncident {
		b.WriteString(" · " + esc(h.Texts.T(l, "feeds.impact."+string(p.Impact))))
	}
	b.WriteString("</p>\n")
	if p.ScheduledFor != nil && p.ScheduledUntil != nil {
		b.WriteString("<p>" + esc(h.Texts.T(l, "feeds.window", h.when(l, *p.ScheduledFor, loc), h.when(l, *p.ScheduledUntil, loc))) + "</p>\n")
	}
	if names := componentNames(p, comps); names != "" {
		b.WriteString("<p>" + esc(h.Texts.T(l, "feeds.affects", names)) + "</p>\n")
	}
	if p.Postmortem != nil {
		b.WriteString("<h3>" + esc(h.Texts.T(l, "feeds.postmortem")) + "</h3>\n<p><small>" + esc(h.when(l, p.Postmortem.At, loc)) + "</small></p>\n")
		b.WriteString(string(h.md.HTML(p.Postmortem.Body.In(l))) + "\n")
	}
	for _, u := range p.Updates {
		b.WriteString("<p><small>" + esc(h.when(l, u.CreatedAt, loc)) + "</small><br><strong>" +
			esc(h.Texts.T(l, "feeds.status."+string(u.Status))) + "</strong></p>\n")
		b.WriteString(string(h.md.HTML(u.Body.In(l))) + "\n")
	}
	return b.String()
}

// componentNames lists the public components p affects, by name.
func componentNames(p desk.PublicIncident, comps map[int64]desk.Component) string {
	var names []string
	for _, c := range p.Components {
		if comp, ok := comps[c.ComponentID]; ok {
			names = append(names, comp.Name)
		}
	}
	return strings.Join(names, ", ")
}

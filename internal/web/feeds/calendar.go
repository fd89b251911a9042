package feeds

import (
	"net/http"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/feed"
)

// calendar builds the maintenance calendar: one event per maintenance not completed yet or
// completed in the last app.CalendarDays days, over its scheduled window.
func (h *handler) calendar(r *http.Request, l desk.Locale) (feed.Calendar, error) {
	brand, err := h.Branding.Page(r.Context())
	if err != nil {
		return feed.Calendar{}, err
	}
	ps, comps, err := h.PublicIncidents.Calendar(r.Context())
	if err != nil {
		return feed.Calendar{}, err
	}
	page := h.heading(l, brand)
	c := feed.Calendar{ProdID: "-//Meldpunt//Status page//" + strings.ToUpper(string(l)),
		Name: h.Texts.T(l, "feeds.calendar.name", page), Description: h.Texts.T(l, "feeds.calendar.description", brand.Settings.Title)}
	for _, p := range ps {
		c.Events = append(c.Events, feed.Event{
			UID: "maintenance-" + desk.FormatInt(p.ID) + "@" + h.host,
			// UpdatedAt moves with every update and edit, never back: seconds since the
			// maintenance was created grow with each change, as SEQUENCE must.
			Sequence:    max(p.UpdatedAt.Unix()-p.CreatedAt.Unix(), 0),
			Stamp:       p.UpdatedAt,
			Start:       *p.ScheduledFor,
			End:         *p.ScheduledUntil,
			Summary:     p.Name.In(l),
			Description: h.eventText(l, p, comps),
			URL:         h.incidentURL(p.ID),
		})
	}
	return c, nil
}

// eventText is an event's plain-text description: its status, the public components it
// affects, the latest message (as written, Markdown being plain text to read) and the
// link to its page.
func (h *handler) eventText(l desk.Locale, p desk.PublicIncident, comps map[int64]desk.Component) string {
	lines := []string{h.Texts.T(l, "feeds.status."+string(p.Status))}
	if names := componentNames(p, comps); names != "" {
		lines = append(lines, h.Texts.T(l, "feeds.affects", names))
	}
	for _, u := range p.Updates { // newest first: the latest message that has text
		if body := strings.TrimSpace(u.Body.In(l)); body != "" {
			lines = append(lines, "", body)
			break
		}
	}
	return strings.Join(append(lines, "", h.incidentURL(p.ID)), "\n")
}

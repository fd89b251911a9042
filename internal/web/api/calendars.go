package api

import (
	"net/http"

	"meldpunt/internal/desk"
)

// calendarInput is the body of PUT /calendars/{slug}: desk.Calendar, with the week as a
// list (so that a wrong number of days is named, not cut off) and the holidays optional.
type calendarInput struct {
	Slug       string        `json:"slug"`
	Name       string        `json:"name"`
	Zone       string        `json:"zone"`
	AlwaysOpen bool          `json:"always_open"`
	Week       [][]desk.Span `json:"week"`
	// Holidays absent means every Dutch public holiday; [] means none.
	Holidays   *[]string `json:"holidays"`
	ClosedDays []string  `json:"closed_days"`
}

func (a *api) listCalendars(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.svc.sla.Calendars(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(cs))
}

func (a *api) putCalendar(w http.ResponseWriter, r *http.Request) error {
	var in calendarInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if in.Slug != "" && in.Slug != slug {
		return invalid("slug", "path", "must be the slug in the path ("+slug+"), or left out")
	}
	if in.Week != nil && len(in.Week) != 7 {
		return invalid("week", "days", "must list the spans of seven days, Sunday first")
	}
	c := desk.Calendar{Slug: slug, Name: in.Name, Zone: in.Zone, AlwaysOpen: in.AlwaysOpen, ClosedDays: in.ClosedDays,
		Holidays: desk.DutchHolidayCodes()}
	copy(c.Week[:], in.Week)
	if in.Holidays != nil {
		c.Holidays = *in.Holidays
	}
	e, err := a.svc.sla.PutCalendar(r.Context(), actor(r), c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

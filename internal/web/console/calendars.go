package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/web"
)

// calendarsPage is what calendars.html shows: the list or one calendar's form.
type calendarsPage struct {
	List *calendarsData
	Form *calendarData
}

// calendarsData lists the calendars.
type calendarsData struct {
	Calendars []app.CalendarEntry
	CanEdit   bool
}

// calendarData is the form of one calendar, filled from the calendar or from the input
// kept after an error.
type calendarData struct {
	New, CanEdit     bool
	Action           string
	Slug, Name, Zone string
	AlwaysOpen       bool
	Days             []calendarDay
	Holidays         []calendarHoliday
	ClosedDays       string
}

type calendarDay struct {
	Field, Label, Value string
}

type calendarHoliday struct {
	Code, Label string
	Closed      bool
}

// weekOrder shows Monday first.
var weekOrder = []int{1, 2, 3, 4, 5, 6, 0}

// calendars lists the calendars that contracts may name.
func (h *handler) calendars(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireDeskView(w, r, a) {
		return
	}
	cs, err := h.svc.sla.Calendars(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := newView(r, h.rd, "calendars.title")
	if s := r.URL.Query().Get("saved"); s != "" {
		v.Notice = v.T("calendars.saved", s)
	}
	v.Nav = "calendars"
	v.Data = calendarsPage{List: &calendarsData{Calendars: cs, CanEdit: a.Role == desk.RoleAdmin}}
	h.rd.render(w, r, h.log, http.StatusOK, "calendars", v)
}

// findCalendar returns the calendar of a slug, or a not-found error.
func (h *handler) findCalendar(r *http.Request, a desk.Actor, slug string) (app.CalendarEntry, error) {
	cs, err := h.svc.sla.Calendars(r.Context(), a)
	if err != nil {
		return app.CalendarEntry{}, err
	}
	for _, c := range cs {
		if c.Slug == slug {
			return c, nil
		}
	}
	return app.CalendarEntry{}, desk.NotFound("calendar")
}

// calendar shows a calendar's form; "new" starts a new one from the business hours.
func (h *handler) calendar(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireDeskView(w, r, a) {
		return
	}
	v := newView(r, h.rd, "calendars.title")
	slug := r.PathValue("slug")
	var c desk.Calendar
	if slug == "" {
		if !h.requireAdmin(w, r, a) {
			return
		}
		c = desk.DefaultCalendars()[1]
		c.Slug, c.Name = "", ""
	} else {
		e, err := h.findCalendar(r, a, slug)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		c = e.Calendar
	}
	h.showCalendar(w, r, a, v, http.StatusOK, calendarFormFor(v, c, slug == "", a.Role == desk.RoleAdmin))
}

func (h *handler) showCalendar(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, d calendarData) {
	v.Nav = "calendars"
	v.Data = calendarsPage{Form: &d}
	h.rd.render(w, r, h.log, status, "calendars", v)
}

// calendarFormFor fills the form from a calendar.
func calendarFormFor(v *view, c desk.Calendar, isNew, canEdit bool) calendarData {
	d := calendarData{New: isNew, CanEdit: canEdit, Slug: c.Slug, Name: c.Name, Zone: c.ZoneName(),
		AlwaysOpen: c.AlwaysOpen, ClosedDays: strings.Join(c.ClosedDays, "\n"), Action: "/calendars/new"}
	if !isNew {
		d.Action = "/calendars/" + c.Slug
	}
	for _, i := range weekOrder {
		var parts []string
		for _, sp := range c.Week[i] {
			parts = append(parts, sp.String())
		}
		d.Days = append(d.Days, calendarDay{Field: fmt.Sprintf("week.%d", i), Label: v.T(fmt.Sprintf("weekday.%d", i)), Value: strings.Join(parts, ", ")})
	}
	for _, code := range desk.DutchHolidayCodes() {
		d.Holidays = append(d.Holidays, calendarHoliday{Code: code, Label: holidays.Names(code, v.Locale), Closed: slices.Contains(c.Holidays, code)})
	}
	return d
}

// indexed matches a field with an index, "week[1][0]" or "closed_days[2]".
var indexed = regexp.MustCompile(`^(week)\[(\d)\](?:\[\d+\])?$|^(holidays|closed_days)\[\d+\]$`)

// formField maps a field of desk.Calendar.Validate onto the form's field.
func calendarFormField(f string) string {
	m := indexed.FindStringSubmatch(f)
	switch {
	case m == nil:
		return f
	case m[1] != "":
		return "week." + m[2]
	default:
		return m[3]
	}
}

// putCalendar saves a calendar from its form. The slug comes from the URL, or from the
// form for a new one.
func (h *handler) putCalendar(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	slug, isNew := r.PathValue("slug"), r.PathValue("slug") == ""
	if isNew {
		slug = strings.TrimSpace(r.PostFormValue("slug"))
	} else if _, err := h.findCalendar(r, a, slug); err != nil {
		h.fail(w, r, err)
		return
	}
	v := newView(r, h.rd, "calendars.title")
	errs := map[string]string{}
	c := desk.Calendar{Slug: slug, Name: r.PostFormValue("name"), Zone: strings.TrimSpace(r.PostFormValue("zone")),
		AlwaysOpen: r.PostFormValue("always_open") != "", Holidays: []string{}, ClosedDays: []string{}}
	for _, i := range weekOrder {
		f := fmt.Sprintf("week.%d", i)
		for part := range strings.SplitSeq(r.PostFormValue(f), ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			sp, err := desk.ParseSpan(part)
			if err != nil {
				errs[f] = v.T("calendars.span") + " (" + strings.TrimSpace(part) + ")"
				break
			}
			c.Week[i] = append(c.Week[i], sp)
		}
	}
	for _, code := range desk.DutchHolidayCodes() {
		if r.PostFormValue("holiday."+code) != "" {
			c.Holidays = append(c.Holidays, code)
		}
	}
	for line := range strings.Lines(r.PostFormValue("closed_days")) {
		if s := strings.TrimSpace(line); s != "" {
			c.ClosedDays = append(c.ClosedDays, s)
		}
	}
	if isNew {
		if slug == "" {
			slug = desk.Slugify(c.Name) // as Validate would: check that one too
			c.Slug = slug
		}
		if slug == "new" {
			errs["slug"] = v.T("calendars.slug_taken")
		} else if _, err := h.findCalendar(r, a, slug); err == nil && slug != "" {
			errs["slug"] = v.T("calendars.slug_taken")
		}
	}
	var err error
	if len(errs) == 0 {
		_, err = h.svc.sla.PutCalendar(r.Context(), a, c)
		if err == nil {
			http.Redirect(w, r, "/calendars?saved="+url.QueryEscape(c.Slug), http.StatusSeeOther)
			return
		}
		var e *desk.Error
		if !errors.As(err, &e) || e.Code != desk.EINVALID {
			h.fail(w, r, err)
			return
		}
		for _, fe := range e.Fields {
			f := calendarFormField(fe.Field)
			if _, dup := errs[f]; !dup {
				errs[f] = fieldMessage(v, fe)
			}
		}
	} else {
		// Check the rest too, so every field's problem shows at once.
		if ve := c.Validate(nil); ve != nil {
			var e *desk.Error
			if errors.As(ve, &e) {
				for _, fe := range e.Fields {
					f := calendarFormField(fe.Field)
					if _, dup := errs[f]; !dup && f != "holidays" && f != "week" {
						errs[f] = fieldMessage(v, fe)
					}
				}
			}
		}
	}
	d := calendarFormFor(v, c, isNew, true)
	d.Slug, d.Name, d.Zone, d.ClosedDays = slug, r.PostFormValue("name"), r.PostFormValue("zone"), r.PostFormValue("closed_days")
	for i := range d.Days {
		d.Days[i].Value = r.PostFormValue(d.Days[i].Field)
	}
	v.Form, v.Errors, v.Values, v.Alert = "calendar", errs, r.PostForm, v.T("calendars.not_saved")
	h.showCalendar(w, r, a, v, http.StatusUnprocessableEntity, d)
}

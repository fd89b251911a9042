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
)

// calendarsPage is what calendars.html shows: the list or one calendar's form.
type calendarsPage struct {
	List *calendarsData
	Form *calendarData
}

// calendarsData lists the calendars.
type calendarsData struct {
	Calendars []calendarRow
	CanEdit   bool
}

// calendarRow is one calendar of the list, its name in the page's language.
type calendarRow struct {
	app.CalendarEntry
	Name string
}

// calendarName is a calendar's name to show: a built-in calendar's in the page's language
// (desk.DefaultCalendars names them in English, for the API and the command line), any
// other as its admin wrote it.
func calendarName(v *view, c app.CalendarEntry) string {
	if c.BuiltIn {
		if key := "calendars.builtin_name." + c.Slug; v.Has(key) {
			return v.T(key)
		}
	}
	return c.Name
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
	// ClosedHolidays and ClosedDates are what the read-only page lists.
	ClosedHolidays []string
	ClosedDates    []string
}

// calendarDay is one weekday's opening hours; Value as the form writes them, Shown as the
// read-only page shows them (en dashes, or "closed").
type calendarDay struct {
	Field, Label, Value, Shown string
}

type calendarHoliday struct {
	Code, Label string
	Closed      bool
}

// weekOrder shows Monday first.
var weekOrder = []int{1, 2, 3, 4, 5, 6, 0}

// calendars lists the calendars that contracts may name.
func (h *handler) calendars(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	cs, err := h.svc.sla.Calendars(r.Context(), a)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "calendars.title")
	v.Nav = "calendars"
	d := &calendarsData{CanEdit: a.Role == desk.RoleAdmin}
	for _, c := range cs {
		d.Calendars = append(d.Calendars, calendarRow{CalendarEntry: c, Name: calendarName(v, c)})
	}
	v.Data = calendarsPage{List: d}
	h.rd.render(w, r, h.log, http.StatusOK, "calendars", v)
	return nil
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
func (h *handler) calendar(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	v := newView(r, h.rd, "calendars.title")
	slug := r.PathValue("slug")
	var c desk.Calendar
	if slug == "" {
		if err := requireAdmin(a); err != nil {
			return err
		}
		c = desk.DefaultCalendars()[1]
		c.Slug, c.Name = "", ""
	} else {
		e, err := h.findCalendar(r, a, slug)
		if err != nil {
			return err
		}
		c = e.Calendar
		c.Name = calendarName(v, e)
	}
	return h.showCalendar(w, r, v, http.StatusOK, calendarFormFor(v, c, slug == "", a.Role == desk.RoleAdmin))
}

func (h *handler) showCalendar(w http.ResponseWriter, r *http.Request, v *view, status int, d calendarData) error {
	v.Nav = "calendars"
	v.Data = calendarsPage{Form: &d}
	h.rd.render(w, r, h.log, status, "calendars", v)
	return nil
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
		shown := strings.ReplaceAll(strings.Join(parts, ", "), "-", "–")
		if shown == "" {
			shown = v.T("calendars.closed")
		}
		d.Days = append(d.Days, calendarDay{Field: fmt.Sprintf("week.%d", i), Label: v.T(fmt.Sprintf("weekday.%d", i)),
			Value: strings.Join(parts, ", "), Shown: shown})
	}
	for _, code := range desk.DutchHolidayCodes() {
		d.Holidays = append(d.Holidays, calendarHoliday{Code: code, Label: v.T("holiday." + code), Closed: slices.Contains(c.Holidays, code)})
		if slices.Contains(c.Holidays, code) {
			d.ClosedHolidays = append(d.ClosedHolidays, v.T("holiday."+code))
		}
	}
	d.ClosedDates = c.ClosedDays
	return d
}

// calendarKept is the form shown again after it failed: everything as it was sent.
func calendarKept(v *view, c desk.Calendar, form url.Values, isNew bool) calendarData {
	d := calendarFormFor(v, c, isNew, true)
	d.Name, d.Zone, d.ClosedDays = form.Get("name"), form.Get("zone"), form.Get("closed_days")
	if isNew {
		d.Slug = form.Get("slug")
	}
	for i := range d.Days {
		d.Days[i].Value = form.Get(d.Days[i].Field)
	}
	return d
}

// calendarFields lists the calendar form's fields in page order, for the error summary.
func calendarFields(v *view) []fieldRef {
	fs := []fieldRef{fld("slug", "slug", "calendars.slug"), fld("name", "name", "calendars.name"),
		fld("zone", "zone", "calendars.zone"), fld("week", "week.1", "calendars.hours")}
	for _, i := range weekOrder {
		f := fmt.Sprintf("week.%d", i)
		fs = append(fs, fieldRef{Name: f, ID: f, Text: v.T(fmt.Sprintf("weekday.%d", i))})
	}
	return append(fs, fld("holidays", "holidays", "calendars.holidays"), fld("closed_days", "closed_days", "calendars.closed_days"))
}

// indexed matches a field with an index, "week[1][0]" or "closed_days[2]".
var indexed = regexp.MustCompile(`^(week)\[(\d)\](?:\[\d+\])?$|^(holidays|closed_days)\[\d+\]$`)

// calendarFormField maps a field of desk.Calendar.Validate onto the form's field.
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

// calendarFromForm reads a calendar's form: the calendar it describes, and the errors of
// the fields that cannot be read (hours that are not spans), by form field, in the page's
// language (rule "text").
func calendarFromForm(v *view, form url.Values, slug string) (desk.Calendar, []desk.FieldError) {
	c := desk.Calendar{Slug: slug, Name: form.Get("name"), Zone: strings.TrimSpace(form.Get("zone")),
		AlwaysOpen: form.Get("always_open") != "", Holidays: []string{}, ClosedDays: []string{}}
	var bad []desk.FieldError
	for _, i := range weekOrder {
		f := fmt.Sprintf("week.%d", i)
		for part := range strings.SplitSeq(form.Get(f), ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			sp, err := desk.ParseSpan(part)
			if err != nil {
				bad = append(bad, desk.FieldError{Field: f, Rule: "text", Message: v.T("calendars.span") + " (" + strings.TrimSpace(part) + ")"})
				break
			}
			c.Week[i] = append(c.Week[i], sp)
		}
	}
	for _, code := range desk.DutchHolidayCodes() {
		if form.Get("holiday."+code) != "" {
			c.Holidays = append(c.Holidays, code)
		}
	}
	for line := range strings.Lines(form.Get("closed_days")) {
		if s := strings.TrimSpace(line); s != "" {
			c.ClosedDays = append(c.ClosedDays, s)
		}
	}
	return c, bad
}

// calendarProblems is the error of a calendar's form: the fields that could not be read
// (bad), and what Validate (checked too, so every field's problem shows at once) or the app
// (appErr) says, on the form's fields.
func calendarProblems(c desk.Calendar, bad []desk.FieldError, appErr error) error {
	e := &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: bad}
	check := appErr
	if check == nil {
		check = c.Validate(nil)
	}
	var ve *desk.Error
	if errors.As(check, &ve) && ve.Code == desk.EINVALID {
		for _, fe := range ve.Fields {
			fe.Field = calendarFormField(fe.Field)
			if appErr == nil && (fe.Field == "holidays" || fe.Field == "week") {
				continue // the form offers only valid holidays; a bad span is named already
			}
			e.Fields = append(e.Fields, fe)
		}
	}
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// putCalendar saves a calendar from its form. The slug comes from the URL, or from the
// form for a new one.
func (h *handler) putCalendar(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	slug, isNew := r.PathValue("slug"), r.PathValue("slug") == ""
	if isNew {
		slug = strings.TrimSpace(r.PostFormValue("slug"))
	} else if _, err := h.findCalendar(r, a, slug); err != nil {
		return err
	}
	v := newView(r, h.rd, "calendars.title")
	c, bad := calendarFromForm(v, r.PostForm, slug)
	s := submission{form: "calendar", fields: calendarFields(v), title: "calendars.title",
		show: func(v *view, status int) error {
			v.Alert = v.T("calendars.not_saved")
			return h.showCalendar(w, r, v, status, calendarKept(v, c, r.PostForm, isNew))
		}}
	if err := formCut(r); err != nil {
		return h.refill(r, v, s, err)
	}
	if isNew {
		if c.Slug == "" {
			c.Slug = desk.Slugify(c.Name) // as Validate would: check that one too
		}
		if _, err := h.findCalendar(r, a, c.Slug); c.Slug == "new" || err == nil && c.Slug != "" {
			bad = append(bad, desk.FieldError{Field: "slug", Rule: "text", Message: v.T("calendars.slug_taken")})
		}
	}
	if len(bad) > 0 {
		return h.refill(r, v, s, calendarProblems(c, bad, nil))
	}
	if _, err := h.svc.sla.PutCalendar(r.Context(), a, c); err != nil {
		if desk.ErrorCode(err) == desk.EINVALID {
			err = calendarProblems(c, nil, err)
		}
		return h.refill(r, v, s, err)
	}
	h.redirect(w, r, outcome{to: "/calendars", flash: flash{code: "calendar", arg: c.Slug}})
	return nil
}

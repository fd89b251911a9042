package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The desk's forms for the status page (issue 11 point 5, docs/status-page.md "Public
// incidents"): agents and admins list the public incidents and maintenance, open an
// incident, schedule a maintenance, post updates, resolve and add a postmortem. Each form
// works without JavaScript; errors show next to their field with the input kept. The
// service (app.PublicIncidents) checks the rules; the pages only translate the form to it.
// Clients and experts are refused (403) before anything is read.

// pubFormWhen is how a datetime-local field is written ("2026-12-05T22:00"), in the
// status page's time zone.
const pubFormWhen = "2006-01-02T15:04"

// maxPubList is how many public incidents the desk's list shows (the newest).
const maxPubList = 200

// pubListData is the list page's data.
type pubListData struct {
	Parts []pubPart
}

// pubPart is one table of the list: the open ones, or the closed ones.
type pubPart struct {
	ID, Heading string
	Rows        []pubRow
}

// pubRow is one public incident or maintenance in the desk's list.
type pubRow struct {
	ID                     int64
	Name, Kind, StatusText string
	Impact                 string
	Started                string
	Open                   bool
}

// publicIncidentList lists the public incidents and maintenance, open ones first.
func (h *handler) publicIncidentList(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	ps, err := h.svc.publicIncidents.List(r.Context(), a, app.PublicIncidentFilter{Limit: maxPubList})
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "pubdesk.title")
	open, closed := pubPart{ID: "open", Heading: v.T("pubdesk.list_open")}, pubPart{ID: "closed", Heading: v.T("pubdesk.list_closed")}
	for _, p := range ps {
		name, _ := pickText(v, p.Name)
		row := pubRow{ID: p.ID, Name: name, Kind: v.Label("pubdesk.kind", p.Kind), StatusText: v.Label("mail.subscriber_notice.status", p.Status),
			Started: v.Time(p.StartedAt), Open: p.Open()}
		if p.Kind == desk.KindIncident {
			row.Impact = v.Label("pages.impact", p.Impact)
		}
		if row.Open {
			open.Rows = append(open.Rows, row)
		} else {
			closed.Rows = append(closed.Rows, row)
		}
	}
	v.Nav, v.Data = "public-incidents", pubListData{Parts: []pubPart{open, closed}}
	h.rd.render(w, r, h.log, http.StatusOK, "pubincidents", v)
	return nil
}

// pubField is one field of these forms: an input, a textarea or a select (Options).
type pubField struct {
	ID, Name, Label, Value, Err, Hint, Type string
	Textarea                                bool
	Options                                 []pubOption
	// Public marks a component's select for a public component (the others do not show
	// on the status page).
	Public bool
}

// pubOption is one choice of a select.
type pubOption struct {
	Value, Text string
	Selected    bool
}

// pubFieldFor is field name of form, with value unless the form failed (then what was sent).
func pubFieldFor(v *view, form, name, value string) pubField {
	if v.Form == form {
		value = v.Val(form, name)
	}
	return pubField{ID: form + "-" + strings.ReplaceAll(name, ".", "-"), Name: name, Label: v.T("pubdesk.field." + name),
		Value: value, Err: v.Err(form, name), Type: "text"}
}

// withOptions gives f the choices of values, their texts from family ("" first when
// empty names the empty choice's text).
func (f pubField) withOptions(v *view, family, empty string, values []string) pubField {
	if empty != "" {
		f.Options = append(f.Options, pubOption{Value: "", Text: v.T(empty), Selected: f.Value == ""})
	}
	for _, s := range values {
		f.Options = append(f.Options, pubOption{Value: s, Text: v.Label(family, s), Selected: f.Value == s})
	}
	return f
}

// pubFormData is the data of the new incident / maintenance form, and of the detail page.
type pubFormData struct {
	Kind desk.PublicKind
	// Fields are the form's fields before the components, Components a select each,
	// Body the message's two fields.
	Fields, Components, Body []pubField
	// Incident is the incident the detail page shows (nil on the new form), Public how it
	// reads, and Resolve and Postmortem the fields of those forms.
	Incident           *desk.PublicIncident
	Public             pubIncident
	Resolve, Postmortm []pubField
	PublicURL          string
	// Template is the chooser of message templates (nil when none fits), LinkedTickets
	// how many tickets the incident links, ResolveTickets the resolve form's checkbox, and
	// Edit the fields of the edit form (pubincidentforms.go).
	Template       *pubTemplateField
	LinkedTickets  int
	ResolveTickets bool
	Edit           []pubField
}

// pubComponentFields lists every component's select on form, preset to current's status
// ("" not affected, or unchanged).
func (h *handler) pubComponentFields(r *http.Request, a desk.Actor, v *view, form string, current map[int64]desk.ComponentStatus) ([]pubField, error) {
	cs, err := h.svc.components.List(r.Context(), a, 0)
	if err != nil {
		return nil, err
	}
	out := make([]pubField, 0, len(cs))
	empty := "pubdesk.not_affected"
	if current != nil {
		empty = "pubdesk.unchanged"
	}
	for _, c := range cs {
		f := pubFieldFor(v, form, "component_"+strconv.FormatInt(c.ID, 10), string(current[c.ID]))
		f.Label, f.Public = c.Name, c.Visibility == desk.VisibilityPublic
		if !f.Public {
			f.Hint = v.T("pubdesk.not_public")
		}
		out = append(out, f.withOptions(v, "status.component", empty, desk.ComponentStatusNames()))
	}
	return out, nil
}

// bodyFields are the two fields of a message on form.
func bodyFields(v *view, form string) []pubField {
	nl, en := pubFieldFor(v, form, "body.nl", ""), pubFieldFor(v, form, "body.en", "")
	nl.Textarea, en.Textarea = true, true
	en.Hint = v.T("pubdesk.translate_hint")
	return []pubField{nl, en}
}

// pubStatuses lists the statuses a form offers for kind: not postmortem, which only a
// postmortem sets.
func pubStatuses(kind desk.PublicKind) []desk.PublicStatus {
	var out []desk.PublicStatus
	for _, s := range kind.Statuses() {
		if s != desk.PublicPostmortem {
			out = append(out, s)
		}
	}
	return out
}

// pubKind reads the kind of the new form: maintenance, or an incident.
func pubKind(s string) desk.PublicKind {
	if s == string(desk.KindMaintenance) {
		return desk.KindMaintenance
	}
	return desk.KindIncident
}

// publicIncidentForm shows the form of a new incident (?kind=maintenance: a maintenance).
func (h *handler) publicIncidentForm(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	kind := pubKind(r.URL.Query().Get("kind"))
	return h.showPubNew(w, r, a, newView(r, h.rd, "pubdesk.new_"+string(kind)), kind, http.StatusOK)
}

func (h *handler) showPubNew(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, kind desk.PublicKind, status int) error {
	comps, err := h.pubComponentFields(r, a, v, "new", nil)
	if err != nil {
		return err
	}
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	v.Title = v.T("pubdesk.new_" + string(kind))
	v.Nav = "public-incidents"
	fields := []pubField{pubFieldFor(v, "new", "name.nl", ""), pubFieldFor(v, "new", "name.en", "")}
	fields[1].Hint = v.T("pubdesk.translate_hint")
	fields = append(fields, pubFieldFor(v, "new", "status", string(kind.Statuses()[0])).withOptions(v, "mail.subscriber_notice.status", "", names(pubStatuses(kind))))
	if kind == desk.KindIncident {
		fields = append(fields, pubFieldFor(v, "new", "impact", string(desk.ImpactNone)).withOptions(v, "pages.impact", "", names(desk.PublicImpacts)))
	} else {
		for _, n := range []string{"scheduled_for", "scheduled_until"} {
			f := pubFieldFor(v, "new", n, "")
			f.Type, f.Hint = "datetime-local", v.T("pubdesk.window_hint", brand.Settings.Zone().String())
			fields = append(fields, f)
		}
	}
	tpl, err := h.templateChooser(r, a, v, "new", kind)
	if err != nil {
		return err
	}
	v.Data = pubFormData{Kind: kind, Fields: fields, Components: comps, Body: bodyFields(v, "new"), Template: tpl}
	h.rd.render(w, r, h.log, status, "pubincident_new", v)
	return nil
}

// names turns a vocabulary into its strings.
func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, s := range vs {
		out[i] = string(s)
	}
	return out
}

// pubFields are the fields of the new form, in page order (components follow).
var pubFields = []string{"name.nl", "name.en", "status", "impact", "scheduled_for", "scheduled_until", "template", "body.nl", "body.en"}

// pubSubmission describes a posted form of these pages for submit.
func pubSubmission(form, title string, fields []string, comps []desk.Component, show func(v *view, status int) error) submission {
	// In page order: the fields, the components, then the message.
	var fs, body []fieldRef
	for _, f := range fields {
		ref := fld(f, form+"-"+strings.ReplaceAll(f, ".", "-"), "pubdesk.field."+f)
		if strings.HasPrefix(f, "body.") || f == "template" {
			body = append(body, ref)
		} else {
			fs = append(fs, ref)
		}
	}
	for _, c := range comps {
		f := "component_" + strconv.FormatInt(c.ID, 10)
		fs = append(fs, fieldRef{Name: f, ID: form + "-" + f, Text: c.Name})
	}
	fs = append(fs, body...)
	return submission{form: form, fields: fs, title: title, conflict: "pubdesk.conflict", show: show}
}

// readWindow reads a datetime-local field in loc as RFC 3339; a bad one is added to v.
func readWindow(r *http.Request, v *desk.Validator, field string, loc *time.Location) *string {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return nil
	}
	t, err := time.ParseInLocation(pubFormWhen, s, loc)
	if err != nil {
		// Also accept seconds, as some browsers send them.
		if t, err = time.ParseInLocation(pubFormWhen+":05", s, loc); err != nil {
			v.Add(field, "date_time", "must be a date and time such as 2026-12-05T22:00")
			return nil
		}
	}
	out := t.Format(time.RFC3339)
	return &out
}

// readAffected reads the components' selects: each one set to a status is affected by
// it (keep tells which to leave out: those whose value is what they have already).
func readAffected(r *http.Request, comps []desk.Component, keep func(id int64, s desk.ComponentStatus) bool) ([]desk.AffectedComponent, []string) {
	var out []desk.AffectedComponent
	var fields []string
	for _, c := range comps {
		f := "component_" + strconv.FormatInt(c.ID, 10)
		s := strings.TrimSpace(r.PostFormValue(f))
		if s == "" || keep != nil && keep(c.ID, desk.ComponentStatus(s)) {
			continue
		}
		out = append(out, desk.AffectedComponent{ComponentID: c.ID, Status: desk.ComponentStatus(s)})
		fields = append(fields, f)
	}
	return out, fields
}

// renamed gives the service's field errors the form's names: components[i].x becomes the
// component's select, name and body (one language required) the Dutch field with a
// message in the page's language.
func renamed(v *view, err error, compFields []string) error {
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		return err
	}
	out := *e
	out.Fields = append([]desk.FieldError(nil), e.Fields...)
	for i, f := range out.Fields {
		switch {
		case strings.HasPrefix(f.Field, "components["):
			n, _ := strconv.Atoi(strings.TrimPrefix(f.Field[:strings.IndexByte(f.Field, ']')], "components["))
			if n >= 0 && n < len(compFields) {
				out.Fields[i].Field = compFields[n]
			} else {
				out.Fields[i].Field = "components"
			}
		case (f.Field == "name" || f.Field == "body") && f.Rule == "required":
			out.Fields[i].Field = f.Field + ".nl"
			out.Fields[i].Rule, out.Fields[i].Message = "pub_one_language", v.T("pubdesk.one_language")
		}
	}
	return &out
}

// createPublicIncident opens the incident or schedules the maintenance of the new form.
func (h *handler) createPublicIncident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	comps, err := h.svc.components.List(r.Context(), a, 0)
	if err != nil {
		return err
	}
	kind := pubKind(r.PostFormValue("kind"))
	title := "pubdesk.new_" + string(kind)
	s := pubSubmission("new", title, pubFields, comps, func(v *view, status int) error { return h.showPubNew(w, r, a, v, kind, status) })
	if usesTemplate(r) {
		return h.useTemplate(r, a, s, kind)
	}
	return h.submit(w, r, s, func() (outcome, error) {
		brand, err := h.svc.branding.Page(r.Context())
		if err != nil {
			return outcome{}, err
		}
		v := newView(r, h.rd, title)
		var val desk.Validator
		in := app.NewPublicIncident{Kind: kind,
			Name:   desk.Texts{NL: r.PostFormValue("name.nl"), EN: r.PostFormValue("name.en")},
			Status: desk.PublicStatus(r.PostFormValue("status")), Impact: desk.PublicImpact(r.PostFormValue("impact")),
			Body: desk.Texts{NL: strings.TrimSpace(r.PostFormValue("body.nl")), EN: strings.TrimSpace(r.PostFormValue("body.en"))}}
		if kind == desk.KindMaintenance {
			in.Impact = ""
			in.ScheduledFor = readWindow(r, &val, "scheduled_for", brand.Settings.Zone())
			in.ScheduledUntil = readWindow(r, &val, "scheduled_until", brand.Settings.Zone())
		}
		var fields []string
		in.Components, fields = readAffected(r, comps, nil)
		if err := val.Err(); err != nil {
			return outcome{}, err
		}
		p, err := h.svc.publicIncidents.Create(r.Context(), a, in)
		if err != nil {
			return outcome{}, renamed(v, err, fields)
		}
		return outcome{to: "/public-incidents/" + strconv.FormatInt(p.ID, 10), flash: flash{code: "pub_created"}}, nil
	})
}

// publicIncidentID reads the {id} of the path.
func publicIncidentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.Errorf(desk.ENOTFOUND, "no such public incident")
	}
	return id, nil
}

// publicIncident shows one public incident or maintenance for the desk, with the forms to
// post an update, resolve, and add a postmortem.
func (h *handler) publicIncident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	id, err := publicIncidentID(r)
	if err != nil {
		return err
	}
	return h.showPubIncident(w, r, a, newView(r, h.rd, "pubdesk.title"), id, http.StatusOK)
}

func (h *handler) showPubIncident(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, id int64, status int) error {
	p, err := h.svc.publicIncidents.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	current := map[int64]desk.ComponentStatus{}
	for _, c := range p.Components {
		current[c.ComponentID] = c.Status
	}
	comps, err := h.pubComponentFields(r, a, v, "update", current)
	if err != nil {
		return err
	}
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	// The desk sees every component it named, public or not.
	all := map[int64]desk.Component{}
	for _, c := range comps {
		id, _ := strconv.ParseInt(strings.TrimPrefix(c.Name, "component_"), 10, 64)
		all[id] = desk.Component{ID: id, Name: c.Label}
	}
	pub := h.pubIncidentFor(v, p, all, brand.Settings.Zone())
	v.Title, v.Nav = pub.Name, "public-incidents"
	fields := []pubField{pubFieldFor(v, "update", "status", string(p.Status)).withOptions(v, "mail.subscriber_notice.status", "", names(pubStatuses(p.Kind)))}
	d := pubFormData{Kind: p.Kind, Fields: fields, Components: comps, Body: bodyFields(v, "update"),
		Incident: &p, Public: pub, Resolve: bodyFields(v, "resolve"), Postmortm: bodyFields(v, "postmortem"),
		PublicURL: "/status/incidents/" + strconv.FormatInt(p.ID, 10), ResolveTickets: resolveTicketsChecked(v)}
	zone := brand.Settings.Zone()
	d.Edit = editFields(v, p, zone.String(), func(p *desk.PublicIncident) (from, until string) {
		if p.ScheduledFor != nil {
			from = p.ScheduledFor.In(zone).Format(pubFormWhen)
		}
		if p.ScheduledUntil != nil {
			until = p.ScheduledUntil.In(zone).Format(pubFormWhen)
		}
		return from, until
	})
	if p.Open() {
		if d.Template, err = h.templateChooser(r, a, v, "update", p.Kind); err != nil {
			return err
		}
		linked, err := h.svc.publicIncidents.LinkedTickets(r.Context(), a, p.ID)
		if err != nil {
			return err
		}
		d.LinkedTickets = len(linked)
	}
	v.Data = d
	h.rd.render(w, r, h.log, status, "pubincident", v)
	return nil
}

// pubDetailSubmission is a form of the detail page.
func (h *handler) pubDetailSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, form string, fields []string, comps []desk.Component) submission {
	return pubSubmission(form, "pubdesk.title", fields, comps, func(v *view, status int) error {
		return h.showPubIncident(w, r, a, v, id, status)
	})
}

// postPublicUpdate posts an update: status, message, and the components' statuses.
func (h *handler) postPublicUpdate(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	id, err := publicIncidentID(r)
	if err != nil {
		return err
	}
	p, err := h.svc.publicIncidents.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	comps, err := h.svc.components.List(r.Context(), a, 0)
	if err != nil {
		return err
	}
	current := map[int64]desk.ComponentStatus{}
	for _, c := range p.Components {
		current[c.ComponentID] = c.Status
	}
	s := h.pubDetailSubmission(w, r, a, id, "update", []string{"status", "template", "body.nl", "body.en"}, comps)
	if usesTemplate(r) {
		return h.useTemplate(r, a, s, p.Kind)
	}
	return h.submit(w, r, s, func() (outcome, error) {
		in := desk.UpdateInput{Status: desk.PublicStatus(r.PostFormValue("status")),
			Body: desk.Texts{NL: strings.TrimSpace(r.PostFormValue("body.nl")), EN: strings.TrimSpace(r.PostFormValue("body.en"))}}
		// Only what changes is sent: a component left as it is keeps its status, also
		// when the update resolves the incident (its components then return to operational).
		var fields []string
		in.Components, fields = readAffected(r, comps, func(id int64, s desk.ComponentStatus) bool { return current[id] == s })
		_, err := h.svc.publicIncidents.PostUpdate(r.Context(), a, id, in)
		return outcome{to: "/public-incidents/" + strconv.FormatInt(id, 10), flash: flash{code: "pub_updated"}},
			renamed(newView(r, h.rd, "pubdesk.title"), err, fields)
	})
}

// resolvePublicIncident resolves an incident (completes a maintenance) with a message.
func (h *handler) resolvePublicIncident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.pubTextForm(w, r, a, "resolve", "pub_resolved", func(id int64, body desk.Texts) error {
		// The checkbox shows only when tickets are linked; without it nothing is kept open.
		tickets := r.PostFormValue("resolve_tickets") != "" || r.PostFormValue("resolve_tickets_shown") == ""
		_, err := h.svc.publicIncidents.ResolveLinked(r.Context(), a, id, body, tickets)
		return err
	})
}

// postmortemPublicIncident publishes (or replaces) a resolved incident's postmortem.
func (h *handler) postmortemPublicIncident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.pubTextForm(w, r, a, "postmortem", "pub_postmortem", func(id int64, body desk.Texts) error {
		_, err := h.svc.publicIncidents.SetPostmortem(r.Context(), a, id, body)
		return err
	})
}

// pubTextForm runs a form of the detail page that sends a message in two languages.
func (h *handler) pubTextForm(w http.ResponseWriter, r *http.Request, a desk.Actor, form, code string, do func(id int64, body desk.Texts) error) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	id, err := publicIncidentID(r)
	if err != nil {
		return err
	}
	s := h.pubDetailSubmission(w, r, a, id, form, []string{"body.nl", "body.en"}, nil)
	return h.submit(w, r, s, func() (outcome, error) {
		body := desk.Texts{NL: strings.TrimSpace(r.PostFormValue("body.nl")), EN: strings.TrimSpace(r.PostFormValue("body.en"))}
		err := do(id, body)
		return outcome{to: "/public-incidents/" + strconv.FormatInt(id, 10), flash: flash{code: code}},
			renamed(newView(r, h.rd, "pubdesk.title"), err, nil)
	})
}

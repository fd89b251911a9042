package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// The monitor form: a new monitor starts with a choice of kind (a plain GET form, so it
// works without JavaScript and by keyboard), then the form of that kind: the fields every
// monitor has, and the kind's settings as a JSON object, started from an example of the
// kind and described beside it (docs/monitors.md lists every setting). Errors show next to
// their field, the settings' ones named by setting. Secrets show as "********"; sent back
// unchanged, they keep the stored value (app.Monitors.KeepSecrets). "Test now" runs the
// check once with the form's values and shows the result on the page, saving nothing.

// monitorKinds are the kinds the form offers, in the order it lists them.
var monitorKinds = []monitor.Kind{
	monitor.KindHTTP, monitor.KindTLS, monitor.KindTCP, monitor.KindDNS, monitor.KindPing, monitor.KindHeartbeat,
	monitor.KindPostgres, monitor.KindMySQL, monitor.KindRedis, monitor.KindSMTP, monitor.KindStatuspage,
}

// monitorFormPage is what monitor_form.html shows: the choice of kind, or the form.
type monitorFormPage struct {
	Kinds []kindChoice // the choice of kind, for a new monitor without one
	Form  *monitorFormData
}

// kindChoice is one kind on the chooser.
type kindChoice struct {
	Kind, Label, Hint string
}

// monitorFormData is the form of one monitor, filled from it or from the input kept.
type monitorFormData struct {
	New                                bool
	ID                                 int64
	Action                             string
	Kind, KindLabel, KindHint          string
	ComponentID, SupplierID            string
	Name, Interval, Timeout, Fail, Rec string
	Enabled                            bool
	// Settings fill the kind's fields; kept, when set, are the values a failed form sent.
	Settings   json.RawMessage
	kept       url.Values
	SetFields  []settingField
	Components []option
	Suppliers  []option
	Result     *testResult
}

// option is one choice of a select.
type option struct{ Value, Label string }

// testResult is what "Test now" found, as the form shows it.
type testResult struct {
	Status   statusBadge
	Duration string
	Error    string
	Evidence []evidenceLine
	At       string
}

// monitorFields are the form's fields in page order, for the error summary: the shared
// ones, then the kind's settings.
func monitorFields(kind string) []fieldRef {
	fs := []fieldRef{
		fld("component_id", "component_id", "monitors.component"), fld("name", "name", "monitors.name"),
		fld("supplier_id", "supplier_id", "monitors.supplier"), fld("kind", "kind", "monitors.kind"),
		fld("interval_seconds", "interval_seconds", "monitors.interval"), fld("timeout_seconds", "timeout_seconds", "monitors.timeout"),
		fld("fail_after", "fail_after", "monitors.fail_after"), fld("recover_after", "recover_after", "monitors.recover_after"),
		fld("settings", "settings", "monitors.settings"),
	}
	for _, sp := range kindSpecs[monitor.Kind(kind)] {
		fs = append(fs, fld("s."+sp.Name, "s-"+sp.Name, "monitors.set."+sp.Name))
	}
	return fs
}

// monitorNew shows the choice of kind, or the form of the kind chosen.
func (h *handler) monitorNew(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	v := newView(r, h.rd, "monitors.new")
	kind := monitor.Kind(r.URL.Query().Get("kind"))
	if !slices.Contains(monitorKinds, kind) {
		v.Nav = "monitors"
		var ks []kindChoice
		for _, k := range monitorKinds {
			ks = append(ks, kindChoice{Kind: string(k), Label: v.T("monitors.kind." + string(k)), Hint: v.T("monitors.kind_hint." + string(k))})
		}
		v.Data = monitorFormPage{Kinds: ks}
		h.rd.render(w, r, h.log, http.StatusOK, "monitor_form", v)
		return nil
	}
	def := kindDefaults[kind]
	if def == "" {
		def = "{}"
	}
	d := monitorFormData{New: true, Action: "/monitors/new", Kind: string(kind), Settings: json.RawMessage(def),
		Interval: "60", Timeout: "10", Fail: "2", Rec: "1", Enabled: true,
		ComponentID: r.URL.Query().Get("component")}
	if kind == monitor.KindHeartbeat {
		d.Fail = "1"
	}
	return h.showMonitorForm(w, r, v, a, http.StatusOK, d)
}

// monitorEdit shows a monitor's form, its secrets redacted.
func (h *handler) monitorEdit(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.NotFound("monitor")
	}
	m, err := h.svc.monitors.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "monitors.edit")
	d := monitorFormData{ID: id, Action: "/monitors/" + strconv.FormatInt(id, 10) + "/edit", Kind: m.Kind,
		ComponentID: strconv.FormatInt(m.ComponentID, 10), Name: m.Name,
		Interval: strconv.Itoa(int(m.Interval / time.Second)), Timeout: strconv.Itoa(int(m.Timeout / time.Second)),
		Fail: strconv.Itoa(m.FailAfter), Rec: strconv.Itoa(m.RecoverAfter), Enabled: m.Enabled, Settings: m.Settings}
	if m.SupplierID != nil {
		d.SupplierID = strconv.FormatInt(*m.SupplierID, 10)
	}
	return h.showMonitorForm(w, r, v, a, http.StatusOK, d)
}

// showMonitorForm renders the form with its choices.
func (h *handler) showMonitorForm(w http.ResponseWriter, r *http.Request, v *view, a desk.Actor, status int, d monitorFormData) error {
	comps, err := h.svc.components.List(r.Context(), a, 0)
	if err != nil {
		return err
	}
	for _, c := range comps {
		d.Components = append(d.Components, option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
	}
	ss, err := h.svc.suppliers.List(r.Context(), a, false)
	if err != nil {
		return err
	}
	for _, s := range ss {
		d.Suppliers = append(d.Suppliers, option{Value: strconv.FormatInt(s.ID, 10), Label: s.Name})
	}
	d.KindLabel = v.T("monitors.kind." + d.Kind)
	d.SetFields = settingFields(v, d.Kind, d.Settings, d.kept)
	v.Nav = "monitors"
	v.Data = monitorFormPage{Form: &d}
	h.rd.render(w, r, h.log, status, "monitor_form", v)
	return nil
}

// keptForm is the form as it was sent.
func keptForm(form url.Values, d monitorFormData) monitorFormData {
	d.Kind = form.Get("kind")
	d.ComponentID, d.SupplierID, d.Name = form.Get("component_id"), form.Get("supplier_id"), form.Get("name")
	d.Interval, d.Timeout = form.Get("interval_seconds"), form.Get("timeout_seconds")
	d.Fail, d.Rec = form.Get("fail_after"), form.Get("recover_after")
	d.Enabled, d.kept = form.Get("enabled") != "", form
	return d
}

// monitorInput reads the form; fields that are not numbers are named in bad.
func monitorInput(v *view, form url.Values) (app.MonitorInput, []desk.FieldError) {
	in := app.MonitorInput{Name: form.Get("name"), Kind: form.Get("kind"), Enabled: ptrBool(form.Get("enabled") != "")}
	var bad []desk.FieldError
	in.Settings, bad = settingsFromForm(v, in.Kind, form)
	num := func(field string) int {
		s := strings.TrimSpace(form.Get(field))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			bad = append(bad, desk.FieldError{Field: field, Rule: "monitor", Message: v.T("monitors.err.whole_number")})
		}
		return n
	}
	in.IntervalSeconds, in.TimeoutSeconds = num("interval_seconds"), num("timeout_seconds")
	in.FailAfter, in.RecoverAfter = num("fail_after"), num("recover_after")
	if c, err := strconv.ParseInt(form.Get("component_id"), 10, 64); err == nil {
		in.ComponentID = c
	}
	if s := form.Get("supplier_id"); s != "" {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.SupplierID = &id
		}
	}
	return in, bad
}

func ptrBool(b bool) *bool { return &b }

// monitorProblems puts the app's validation error on the form's fields, in the page's
// language: the shared fields by name, the kind's settings ("http.url") on the settings
// field, named by setting.
func monitorProblems(v *view, kind string, bad []desk.FieldError, err error) error {
	out := &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: bad}
	var e *desk.Error
	if err != nil && (!errors.As(err, &e) || e.Code != desk.EINVALID) {
		return err
	}
	settings := map[string][]string{} // messages by form field, in order
	var order []string
	if e != nil {
		for _, fe := range e.Fields {
			if slices.ContainsFunc(bad, func(b desk.FieldError) bool { return b.Field == monitorFormField(fe.Field) }) {
				continue // named already: not a number
			}
			switch f := fe.Field; {
			case f == "settings" || f == kind || strings.HasPrefix(f, kind+"."):
				msg := fe.Message
				if fe.Rule == "required" {
					msg = v.T("field.required")
				}
				ff := settingFormField(kind, f)
				if ff == "settings" && f != kind && f != "settings" {
					msg = strings.TrimPrefix(f, kind+".") + ": " + msg
				}
				if _, seen := settings[ff]; !seen {
					order = append(order, ff)
				}
				settings[ff] = append(settings[ff], msg)
			case f == "interval" || f == "timeout" || f == "fail_after" || f == "recover_after" || f == "component_id" || f == "supplier_id":
				out.Fields = append(out.Fields, desk.FieldError{Field: monitorFormField(f), Rule: "monitor", Message: v.T("monitors.err." + f)})
			case f == "kind":
				out.Fields = append(out.Fields, desk.FieldError{Field: "kind", Rule: "monitor", Message: v.T("monitors.err.kind")})
			default:
				out.Fields = append(out.Fields, fe)
			}
		}
	}
	for _, ff := range order {
		out.Fields = append(out.Fields, desk.FieldError{Field: ff, Rule: "monitor", Message: strings.Join(settings[ff], "; ")})
	}
	if len(out.Fields) == 0 {
		return nil
	}
	return out
}

// monitorFormField is the form's name of a field of the app's error.
func monitorFormField(f string) string {
	switch f {
	case "interval":
		return "interval_seconds"
	case "timeout":
		return "timeout_seconds"
	}
	return f
}

// monitorCreate saves a new monitor, or tests it ("Test now").
func (h *handler) monitorCreate(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.monitorPost(w, r, a, 0)
}

// monitorSave saves a monitor's changes, or tests them.
func (h *handler) monitorSave(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.NotFound("monitor")
	}
	if _, err := h.svc.monitors.Get(r.Context(), a, id); err != nil {
		return err
	}
	return h.monitorPost(w, r, a, id)
}

func (h *handler) monitorPost(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64) error {
	title, d := "monitors.new", monitorFormData{New: true, Action: "/monitors/new"}
	if id > 0 {
		title, d = "monitors.edit", monitorFormData{ID: id, Action: "/monitors/" + strconv.FormatInt(id, 10) + "/edit"}
	}
	v := newView(r, h.rd, title)
	d = keptForm(r.PostForm, d)
	s := submission{form: "monitor", fields: monitorFields(r.PostFormValue("kind")), title: title, conflict: "monitors.no_checks",
		show: func(v *view, status int) error { return h.showMonitorForm(w, r, v, a, status, d) }}
	if err := formCut(r); err != nil {
		return h.refill(r, v, s, err)
	}
	in, bad := monitorInput(v, r.PostForm)
	ctx := r.Context()
	if len(bad) > 0 { // every other problem too, at once
		return h.refill(r, v, s, monitorProblems(v, in.Kind, bad, h.svc.monitors.Validate(ctx, a, id, in)))
	}
	if r.PostFormValue("do") == "test" {
		var res monitor.Result
		var err error
		if id > 0 {
			res, err = h.svc.monitors.TestChange(ctx, a, id, in)
		} else {
			res, err = h.svc.monitors.Test(ctx, a, in)
		}
		if err != nil {
			if pe := monitorProblems(v, in.Kind, nil, err); pe != nil {
				err = pe
			}
			return h.refill(r, v, s, err)
		}
		d.Result = resultFor(v, res)
		return h.showMonitorForm(w, r, v, a, http.StatusOK, d)
	}
	if id > 0 {
		m, err := h.svc.monitors.Update(ctx, a, id, in)
		if err != nil {
			if pe := monitorProblems(v, in.Kind, nil, err); pe != nil {
				err = pe
			}
			return h.refill(r, v, s, err)
		}
		h.redirect(w, r, outcome{to: monitorURL(m.ID), flash: flash{code: "monitor_saved", arg: m.Name}})
		return nil
	}
	m, token, err := h.svc.monitors.Create(ctx, a, in)
	if err != nil {
		if pe := monitorProblems(v, in.Kind, nil, err); pe != nil {
			err = pe
		}
		return h.refill(r, v, s, err)
	}
	if token == "" {
		h.redirect(w, r, outcome{to: monitorURL(m.ID), flash: flash{code: "monitor_created", arg: m.Name}})
		return nil
	}
	// A heartbeat's secret URL is shown once, on the answer itself.
	pv := newView(r, h.rd, "monitors.title")
	md, err := h.monitorDetailFor(r, pv, a, m.ID)
	if err != nil {
		return err
	}
	md.HeartbeatURL = strings.TrimRight(h.baseURL, "/") + "/heartbeat/" + token
	pv.Notice = pv.T("monitors.created", m.Name)
	return h.showMonitor(w, r, pv, http.StatusCreated, md)
}

// resultFor describes a test's result.
func resultFor(v *view, res monitor.Result) *testResult {
	t := &testResult{Status: verdictBadge(v, desk.MonitorVerdict(res.Status)), Duration: msText(v, res.Duration),
		Error: monitorError(v, res.Reason, res.Error)}
	if !res.At.IsZero() {
		t.At = v.Time(res.At)
	}
	keys := make([]string, 0, len(res.Evidence))
	for k := range res.Evidence {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Evidence = append(t.Evidence, evidenceLine{Key: k, Value: res.Evidence[k]})
	}
	return t
}

// indentJSON writes settings indented for reading and editing; what is not JSON is shown
// as it is.
func indentJSON(b json.RawMessage) string {
	if len(b) == 0 {
		return "{}"
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

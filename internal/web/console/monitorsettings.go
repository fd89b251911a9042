package console

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// A kind's settings on the monitor form: a field for each setting the checks know
// (docs/monitors.md "Kinds of check"), named "s.<setting>". The form's values become the
// settings' JSON object (empty fields are left out, so the checks' defaults apply) and
// stored settings fill the fields again; the checks' errors ("http.expect_status[1]") show
// next to their field.

// settingType says how a setting is edited and written.
type settingType int

const (
	setText    settingType = iota // one line of text
	setSecret                     // a password: shown as ******** when stored
	setLong                       // text of several lines, sent as it is
	setInt                        // a whole number
	setBool                       // a checkbox, always sent
	setLines                      // a list of texts, one per line
	setInts                       // a list of whole numbers, separated by commas
	setHeaders                    // a map of header names to values, "Name: value" per line
	setChoice                     // one of Options
)

// settingSpec is one setting of a kind.
type settingSpec struct {
	Name    string
	Type    settingType
	Options []string
}

func sText(n string) settingSpec              { return settingSpec{Name: n, Type: setText} }
func sOf(n string, t settingType) settingSpec { return settingSpec{Name: n, Type: t} }
func sChoice(n string, o ...string) settingSpec {
	return settingSpec{Name: n, Type: setChoice, Options: o}
}

// serviceSpecs are the settings of the PostgreSQL and MySQL checks.
var serviceSpecs = []settingSpec{sText("host"), sOf("port", setInt), sText("user"), sOf("password", setSecret),
	sText("database"), sChoice("tls", "off", "on", "skip-verify")}

// kindSpecs are each kind's settings in the order the form shows them.
var kindSpecs = map[monitor.Kind][]settingSpec{
	monitor.KindHTTP: {sText("url"), sChoice("method", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
		sOf("expect_status", setInts), sText("keyword"), sOf("keyword_absent", setBool), sText("json_path"), sText("json_equals"),
		sText("degraded_after"), sOf("follow_redirects", setBool), sOf("verify_tls", setBool), sOf("headers", setHeaders), sOf("body", setLong)},
	monitor.KindTLS:        {sText("host"), sOf("port", setInt), sText("server_name"), sOf("warn_days", setInt), sOf("fail_days", setInt)},
	monitor.KindTCP:        {sText("host"), sOf("port", setInt)},
	monitor.KindDNS:        {sText("name"), sChoice("type", "A", "AAAA", "CNAME", "MX", "TXT", "NS"), sOf("expect", setLines), sText("resolver")},
	monitor.KindPing:       {sText("host"), sOf("count", setInt)},
	monitor.KindHeartbeat:  {sText("grace")},
	monitor.KindPostgres:   serviceSpecs,
	monitor.KindMySQL:      serviceSpecs,
	monitor.KindRedis:      {sText("host"), sOf("port", setInt), sText("user"), sOf("password", setSecret), sOf("database", setInt), sChoice("tls", "off", "on", "skip-verify")},
	monitor.KindSMTP:       {sText("host"), sOf("port", setInt), sOf("starttls", setBool), sText("user"), sOf("password", setSecret)},
	monitor.KindStatuspage: {sText("url"), sOf("components", setLines), sText("supplier")},
}

// kindDefaults start a new monitor's fields: the checks' defaults, so the form shows them.
var kindDefaults = map[monitor.Kind]string{
	monitor.KindHTTP:      `{"method": "GET", "follow_redirects": true, "verify_tls": true}`,
	monitor.KindTLS:       `{"port": 443, "warn_days": 14, "fail_days": 3}`,
	monitor.KindDNS:       `{"type": "A"}`,
	monitor.KindPing:      `{"count": 1}`,
	monitor.KindHeartbeat: `{"grace": "1m"}`,
	monitor.KindPostgres:  `{"port": 5432, "user": "postgres", "tls": "off"}`,
	monitor.KindMySQL:     `{"port": 3306, "tls": "off"}`,
	monitor.KindRedis:     `{"port": 6379, "tls": "off"}`,
	monitor.KindSMTP:      `{"port": 25}`,
}

// settingField is one setting's field as the template shows it.
type settingField struct {
	ID, Name, Label, Hint string
	Input                 string // text, password, textarea, checkbox, select
	Value                 string
	Checked               bool
	Options               []option
}

// settingFields lays out the kind's fields with the values of a settings' object, and
// with values a failed form sent (form, when not nil) instead.
func settingFields(v *view, kind string, settings json.RawMessage, form url.Values) []settingField {
	specs := kindSpecs[monitor.Kind(kind)]
	vals := settingValues(specs, settings)
	out := make([]settingField, 0, len(specs))
	for _, s := range specs {
		f := settingField{ID: "s-" + s.Name, Name: "s." + s.Name, Label: v.T("monitors.set." + s.Name), Input: "text", Value: vals[s.Name]}
		if k := "monitors.set_hint." + s.Name; v.Has(k) {
			f.Hint = v.T(k)
		}
		if form != nil {
			f.Value = form.Get(f.Name)
		}
		switch s.Type {
		case setSecret:
			f.Input = "password"
		case setLong, setLines, setHeaders:
			f.Input = "textarea"
		case setBool:
			f.Input = "checkbox"
			f.Checked = f.Value != "" && f.Value != "false"
		case setChoice:
			f.Input = "select"
			for _, o := range s.Options {
				f.Options = append(f.Options, option{Value: o, Label: o})
			}
		}
		out = append(out, f)
	}
	return out
}

// settingValues turns a settings' object into the fields' texts.
func settingValues(specs []settingSpec, settings json.RawMessage) map[string]string {
	out := map[string]string{}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(settings))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return out
	}
	for _, s := range specs {
		val, ok := m[s.Name]
		if !ok || val == nil {
			continue
		}
		switch x := val.(type) {
		case string:
			out[s.Name] = x
		case json.Number:
			out[s.Name] = x.String()
		case bool:
			if x {
				out[s.Name] = "1"
			}
		case []any:
			parts := make([]string, 0, len(x))
			for _, p := range x {
				parts = append(parts, anyText(p))
			}
			sep := "\n"
			if s.Type == setInts {
				sep = ", "
			}
			out[s.Name] = strings.Join(parts, sep)
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			lines := make([]string, 0, len(keys))
			for _, k := range keys {
				lines = append(lines, k+": "+anyText(x[k]))
			}
			out[s.Name] = strings.Join(lines, "\n")
		}
	}
	return out
}

func anyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// settingsFromForm writes the kind's fields as its settings' object; fields that cannot
// be read (a port that is not a number, a header without a colon) are named in bad.
func settingsFromForm(v *view, kind string, form url.Values) (json.RawMessage, []desk.FieldError) {
	m := map[string]any{}
	var bad []desk.FieldError
	fail := func(s settingSpec, key string) {
		bad = append(bad, desk.FieldError{Field: "s." + s.Name, Rule: "monitor", Message: v.T(key)})
	}
	for _, s := range kindSpecs[monitor.Kind(kind)] {
		raw := form.Get("s." + s.Name)
		text := strings.TrimSpace(raw)
		switch s.Type {
		case setBool:
			m[s.Name] = text != ""
		case setLong:
			if raw != "" {
				m[s.Name] = raw
			}
		case setInt:
			if text == "" {
				continue
			}
			n, err := strconv.Atoi(text)
			if err != nil {
				fail(s, "monitors.err.whole_number")
				continue
			}
			m[s.Name] = n
		case setInts:
			var ns []int
			for _, p := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
				n, err := strconv.Atoi(p)
				if err != nil {
					fail(s, "monitors.err.numbers")
					ns = nil
					break
				}
				ns = append(ns, n)
			}
			if len(ns) > 0 {
				m[s.Name] = ns
			}
		case setLines:
			var ls []string
			for l := range strings.Lines(text) {
				if l = strings.TrimSpace(l); l != "" {
					ls = append(ls, l)
				}
			}
			if len(ls) > 0 {
				m[s.Name] = ls
			}
		case setHeaders:
			hs := map[string]string{}
			for l := range strings.Lines(text) {
				if l = strings.TrimSpace(l); l == "" {
					continue
				}
				name, value, ok := strings.Cut(l, ":")
				if !ok || strings.TrimSpace(name) == "" {
					fail(s, "monitors.err.header")
					break
				}
				hs[strings.TrimSpace(name)] = strings.TrimSpace(value)
			}
			if len(hs) > 0 {
				m[s.Name] = hs
			}
		default:
			if text != "" {
				m[s.Name] = text
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m)
	return json.RawMessage(bytes.TrimSpace(b.Bytes())), bad
}

// settingFormField is the form's field of a settings' error: "http.expect_status[1]" and
// "http.headers.Authorization" are s.expect_status and s.headers; the kind's own name
// (the object as a whole) is the settings' fieldset.
func settingFormField(kind, field string) string {
	rest, ok := strings.CutPrefix(field, kind+".")
	if !ok {
		return "settings"
	}
	name := rest
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		name = rest[:i]
	}
	if !slices.ContainsFunc(kindSpecs[monitor.Kind(kind)], func(s settingSpec) bool { return s.Name == name }) {
		return "settings"
	}
	return "s." + name
}

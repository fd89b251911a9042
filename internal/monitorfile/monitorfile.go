// Package monitorfile reads and writes monitoring as code (docs/monitors.md "Monitoring as
// code"): a YAML file with one list, monitors, each item a monitor named by its component
// and its own name, with its schedule and one key named after its kind that holds the
// kind's settings, exactly as the JSON settings of the API:
//
//	monitors:
//	  - name: Shop
//	    component: Webshop
//	    kind: http
//	    interval: 60s
//	    http: {url: "https://shop.example.com/health", expect_status: [200]}
//
// Read refuses unknown keys and values of the wrong type, naming each by its path
// ("monitors[3].interval") and line; the kind's own rules are the app's to check.
package monitorfile

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// MaxSize bounds a file, in bytes: ten thousand monitors fit with room to spare.
const MaxSize = 16 << 20

// itemKeys are the keys every item may have, besides its kind's.
var itemKeys = []string{"name", "component", "supplier", "kind", "interval", "timeout", "fail_after", "recover_after", "enabled"}

// File is a file read: its monitors, and the line each starts on.
type File struct {
	Monitors []app.MonitorSpec
	Lines    []int
}

// Line returns the line of a field named "monitors[i]…", 0 when it names none.
func (f *File) Line(field string) int {
	rest, ok := strings.CutPrefix(field, "monitors[")
	if !ok {
		return 0
	}
	n, _, ok := strings.Cut(rest, "]")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 || i >= len(f.Lines) {
		return 0
	}
	return f.Lines[i]
}

// reader collects the problems of one file.
type reader struct {
	v desk.Validator
}

func (r *reader) add(field string, n *yaml.Node, rule, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", n.Line)
	}
	r.v.Add(field, rule, "%s", msg)
}

// Read reads a file. Its errors are a *desk.Error whose fields are paths into the file
// ("monitors[3].http.expect_status", "monitors[0].colour"), or a plain error when the
// text is no YAML at all.
func Read(in io.Reader) (*File, error) {
	b, err := io.ReadAll(io.LimitReader(in, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("the file is larger than %d MiB", MaxSize>>20)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	var r reader
	f := &File{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		r.add("monitors", nil, "required", "is required: the file holds one list, monitors (an empty list has no monitors)")
		return nil, r.v.Err()
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		r.add("", top, "type", "must be a mapping with one key, monitors")
		return nil, r.v.Err()
	}
	var list *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch {
		case k.Value != "monitors":
			r.add(k.Value, k, "unknown_key", "is not a key of the file, which holds one list, monitors")
		case list != nil:
			r.add("monitors", k, "duplicate", "is given twice")
		default:
			list = v
		}
	}
	switch {
	case list == nil:
		r.add("monitors", top, "required", "is required: the file holds one list, monitors")
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
	case list.Kind != yaml.SequenceNode:
		r.add("monitors", list, "type", "must be a list of monitors")
	default:
		for i, item := range list.Content {
			sp := r.item(fmt.Sprintf("monitors[%d]", i), item)
			f.Monitors = append(f.Monitors, sp)
			f.Lines = append(f.Lines, item.Line)
		}
	}
	if err := r.v.Err(); err != nil {
		return f, err
	}
	return f, nil
}

// item reads one monitor.
func (r *reader) item(p string, n *yaml.Node) app.MonitorSpec {
	var sp app.MonitorSpec
	if n.Kind != yaml.MappingNode {
		r.add(p, n, "type", "must be a mapping: name, component, kind, … and the kind's settings")
		return sp
	}
	seen := map[string]bool{}
	var kindKey, kindVal *yaml.Node
	var others []*yaml.Node // keys that are no item key: the kind's settings, or unknown
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f := p + "." + k.Value
		if seen[k.Value] {
			r.add(f, k, "duplicate", "is given twice")
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "name":
			sp.Name = r.text(f, v)
		case "component":
			sp.Component = r.text(f, v)
		case "supplier":
			sp.Supplier = r.text(f, v)
		case "kind":
			sp.Kind = r.text(f, v)
		case "interval":
			sp.Interval = r.duration(f, v)
		case "timeout":
			sp.Timeout = r.duration(f, v)
		case "fail_after":
			sp.FailAfter = r.count(f, v)
		case "recover_after":
			sp.RecoverAfter = r.count(f, v)
		case "enabled":
			sp.Enabled = r.boolean(f, v)
		default:
			if kindKey == nil && slices.Contains(app.MonitorKinds(), k.Value) {
				kindKey, kindVal = k, v
				continue
			}
			others = append(others, k)
		}
	}
	for _, k := range others {
		r.add(p+"."+k.Value, k, "unknown_key", "is not a key of a monitor: %s, and one key named after its kind for its settings", strings.Join(itemKeys, ", "))
	}
	switch {
	case kindKey == nil:
		sp.Settings = json.RawMessage("{}")
	case sp.Kind != "" && kindKey.Value != sp.Kind:
		r.add(p+"."+kindKey.Value, kindKey, "kind", "holds the settings of kind %s, but the monitor's kind is %s: name the key after the kind", kindKey.Value, sp.Kind)
	default:
		sp.Settings = r.settings(p+"."+kindKey.Value, kindVal)
	}
	return sp
}

func (r *reader) text(f string, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		r.add(f, n, "type", "must be text")
		return ""
	}
	return n.Value
}

func (r *reader) duration(f string, n *yaml.Node) time.Duration {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		s, err := strconv.ParseInt(n.Value, 10, 32)
		if err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		d, err := time.ParseDuration(n.Value)
		switch {
		case err != nil || d < 0:
		case d%time.Second != 0:
			r.add(f, n, "whole_seconds", "must be a whole number of seconds")
			return 0
		default:
			return d
		}
	}
	r.add(f, n, "duration", "must be a duration such as 30s, 5m or 1h (or a number of seconds)")
	return 0
}

func (r *reader) count(f string, n *yaml.Node) int {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if c, err := strconv.Atoi(n.Value); err == nil && c >= 0 && c <= math.MaxInt32 {
			return c
		}
	}
	r.add(f, n, "type", "must be a whole number, 1 or more")
	return 0
}

func (r *reader) boolean(f string, n *yaml.Node) *bool {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if n.Decode(&b) == nil {
			return &b
		}
	}
	r.add(f, n, "type", "must be true or false")
	return nil
}

// settings turns the kind's YAML mapping into the JSON the checks read.
func (r *reader) settings(f string, n *yaml.Node) json.RawMessage {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return json.RawMessage("{}")
	}
	if n.Kind != yaml.MappingNode {
		r.add(f, n, "type", "must be a mapping of the kind's settings")
		return nil
	}
	v, ok := r.plain(f, n)
	if !ok {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		r.add(f, n, "type", "cannot be written as JSON: %v", err)
		return nil
	}
	return b
}

// plain turns a YAML node into the JSON values it stands for: mappings with text keys,
// lists, text, numbers, booleans and null. Aliases and tags beyond the core schema are
// refused.
func (r *reader) plain(f string, n *yaml.Node) (any, bool) {
	switch n.Kind {
	case yaml.AliasNode:
		// Refused rather than followed: nested aliases grow a small file into a huge value.
		r.add(f, n, "alias", "must be written out: aliases (*name) are not read")
		return nil, false
	case yaml.MappingNode:
		m := map[string]any{}
		ok := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag != "!!str" && k.Tag != "!!int" && k.Tag != "!!bool" {
				r.add(f, k, "type", "must have text keys")
				ok = false
				continue
			}
			if _, dup := m[k.Value]; dup {
				r.add(f+"."+k.Value, k, "duplicate", "is given twice")
				ok = false
				continue
			}
			val, good := r.plain(f+"."+k.Value, v)
			m[k.Value], ok = val, ok && good
		}
		return m, ok
	case yaml.SequenceNode:
		xs := make([]any, 0, len(n.Content))
		ok := true
		for i, c := range n.Content {
			val, good := r.plain(fmt.Sprintf("%s[%d]", f, i), c)
			xs, ok = append(xs, val), ok && good
		}
		return xs, ok
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return n.Value, true
		case "!!null":
			return nil, true
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				r.add(f, n, "type", "is not a value: %v", err)
				return nil, false
			}
			if x, ok := v.(float64); ok && (math.IsInf(x, 0) || math.IsNaN(x)) {
				r.add(f, n, "type", "must be a finite number")
				return nil, false
			}
			return v, true
		}
	}
	r.add(f, n, "type", "must be text, a number, true or false, a list or a mapping")
	return nil, false
}

// Write writes the monitors as a file Read reads back to the same monitors: every field
// written out, durations in their shortest unit, settings as given (the caller redacts
// their secrets).
func Write(w io.Writer, specs []app.MonitorSpec, header string) error {
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for _, sp := range specs {
		item := &yaml.Node{Kind: yaml.MappingNode}
		add := func(k string, v *yaml.Node) {
			item.Content = append(item.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
		}
		str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
		num := func(n int) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)} }
		add("name", str(sp.Name))
		add("component", str(sp.Component))
		if sp.Supplier != "" {
			add("supplier", str(sp.Supplier))
		}
		add("kind", str(sp.Kind))
		add("interval", str(FormatDuration(sp.Interval)))
		add("timeout", str(FormatDuration(sp.Timeout)))
		add("fail_after", num(sp.FailAfter))
		add("recover_after", num(sp.RecoverAfter))
		enabled := sp.Enabled == nil || *sp.Enabled
		add("enabled", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(enabled)})
		var settings any = map[string]any{}
		if len(sp.Settings) > 0 {
			if err := json.Unmarshal(sp.Settings, &settings); err != nil {
				return fmt.Errorf("monitor %q of %s: settings: %w", sp.Name, sp.Component, err)
			}
		}
		var sn yaml.Node
		if err := sn.Encode(settings); err != nil {
			return fmt.Errorf("monitor %q of %s: settings: %w", sp.Name, sp.Component, err)
		}
		add(sp.Kind, &sn)
		items.Content = append(items.Content, item)
	}
	root := &yaml.Node{Kind: yaml.MappingNode, HeadComment: header, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "monitors"}, items,
	}}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return err
	}
	return enc.Close()
}

// FormatDuration writes a whole number of seconds in its largest whole unit: 45s, 5m, 1h.
func FormatDuration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s > 0 && s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + "h"
	case s > 0 && s%60 == 0:
		return strconv.FormatInt(s/60, 10) + "m"
	}
	return strconv.FormatInt(s, 10) + "s"
}

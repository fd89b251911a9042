package monitorfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// fieldsOf returns the "field rule" pairs of a validation error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var de *desk.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a validation error, got %v", err)
	}
	var out []string
	for _, f := range de.Fields {
		out = append(out, f.Field+" "+f.Rule)
	}
	return out
}

// TestReadRefuses: every malformed file is refused with each problem named by its path
// and rule.
func TestReadRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"an empty file", "", []string{"monitors required"}},
		{"no monitors key", "monitor: []\n", []string{"monitor unknown_key", "monitors required"}},
		{"a list at the top", "- name: x\n", []string{" type"}},
		{"monitors no list", "monitors: {name: x}\n", []string{"monitors type"}},
		{"monitors twice", "monitors: []\nmonitors: []\n", []string{"monitors duplicate"}},
		{"a key twice", "monitors:\n  - {name: a, name: b, component: c, kind: tcp}\n", []string{"monitors[0].name duplicate"}},
		{"a setting twice", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: {port: 1, port: 2}}\n", []string{"monitors[0].tcp.port duplicate"}},
		{"an alias", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: {host: &h x, port: 1}}\n  - {name: b, component: c, kind: tcp, tcp: {host: *h}}\n",
			[]string{"monitors[1].tcp.host alias"}},
		{"nested aliases", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: &a {x: [1, 2]}}\n  - {name: b, component: c, kind: tcp, tcp: {y: [*a, *a]}}\n",
			[]string{"monitors[1].tcp.y[0] alias", "monitors[1].tcp.y[1] alias"}},
		{"no YAML", "monitors: [\n", nil},
		{"an item no mapping", "monitors: [web]\n", []string{"monitors[0] type"}},
		{"an unknown key", "monitors:\n  - name: a\n    component: c\n    kind: tcp\n    colour: red\n", []string{"monitors[0].colour unknown_key"}},
		{"a key of another kind", "monitors:\n  - {name: a, component: c, kind: tcp, http: {url: x}}\n", []string{"monitors[0].http kind"}},
		{"two kinds' settings", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: {}, http: {}}\n", []string{"monitors[0].http unknown_key"}},
		{"a name that is a number", "monitors:\n  - {name: 5, component: c, kind: tcp}\n", []string{"monitors[0].name type"}},
		{"a bad interval", "monitors:\n  - {name: a, component: c, kind: tcp, interval: soon}\n", []string{"monitors[0].interval duration"}},
		{"a negative interval", "monitors:\n  - {name: a, component: c, kind: tcp, interval: -5}\n", []string{"monitors[0].interval duration"}},
		{"a fraction of a second", "monitors:\n  - {name: a, component: c, kind: tcp, timeout: 1500ms}\n", []string{"monitors[0].timeout whole_seconds"}},
		{"a count that is text", "monitors:\n  - {name: a, component: c, kind: tcp, fail_after: two}\n", []string{"monitors[0].fail_after type"}},
		{"enabled as yes", "monitors:\n  - {name: a, component: c, kind: tcp, enabled: yes}\n", []string{"monitors[0].enabled type"}},
		{"settings no mapping", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: [1]}\n", []string{"monitors[0].tcp type"}},
		{"a settings key that is a list", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: {[1]: x}}\n", []string{"monitors[0].tcp type"}},
		{"a timestamp in settings", "monitors:\n  - {name: a, component: c, kind: tcp, tcp: {at: !!timestamp 2026-01-01}}\n", []string{"monitors[0].tcp.at type"}},
		{"an infinite number", "monitors:\n  - {name: a, component: c, kind: http, http: {x: .inf}}\n", []string{"monitors[0].http.x type"}},
		{"every problem at once", "monitors:\n  - {name: 1, kind: tcp, interval: x}\n  - {name: b, component: c, kind: tcp, size: 3}\n",
			[]string{"monitors[0].name type", "monitors[0].interval duration", "monitors[1].size unknown_key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(strings.NewReader(tc.file))
			if err == nil {
				t.Fatal("the file was read")
			}
			if tc.want == nil {
				if !strings.Contains(err.Error(), "not YAML") {
					t.Errorf("err = %v, want not YAML", err)
				}
				return
			}
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadLines: a problem of the file's form names its line.
func TestReadLines(t *testing.T) {
	t.Parallel()
	_, err := Read(strings.NewReader("monitors:\n  - name: a\n    component: c\n    kind: tcp\n    interval: soon\n"))
	if err == nil || !strings.Contains(err.(*desk.Error).Fields[0].Message, "(line 5)") {
		t.Errorf("err = %v", err)
	}
	f, err := Read(strings.NewReader("# monitors\nmonitors:\n  - {name: a, component: c, kind: tcp}\n\n  - name: b\n    component: c\n    kind: heartbeat\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Line("monitors[1].name") != 5 || f.Line("monitors[0]") != 3 || f.Line("monitors[2].x") != 0 || f.Line("name") != 0 {
		t.Errorf("lines %v", f.Lines)
	}
}

// TestRoundTrip: what Write writes, Read reads back as the same monitors, settings and
// all; an empty list and a null list are no monitors.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	specs := []app.MonitorSpec{
		{Name: "Shop: front", Component: "Web shop", Supplier: "Hoster", Kind: "http", Interval: 90 * time.Second, Timeout: 5 * time.Second,
			FailAfter: 2, RecoverAfter: 1, Enabled: ptr(true),
			Settings: json.RawMessage(`{"expect_status":[200,204],"headers":{"Authorization":"********"},"json_equals":"yes","ratio":0.5,"url":"https://shop.example.com/?a=1#x"}`)},
		{Name: "Backup", Component: "Jobs", Kind: "heartbeat", Interval: 24 * time.Hour, Timeout: time.Hour, FailAfter: 1, RecoverAfter: 1,
			Enabled: ptr(false), Settings: json.RawMessage(`{}`)},
		{Name: "yes", Component: "null", Kind: "tcp", Interval: time.Minute, Timeout: 10 * time.Second, FailAfter: 3, RecoverAfter: 2,
			Enabled: ptr(true), Settings: json.RawMessage(`{"host":"true","port":25}`)},
	}
	var b bytes.Buffer
	if err := Write(&b, specs, "a header\nof two lines"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "# a header\n# of two lines\nmonitors:\n") || !strings.Contains(b.String(), "interval: 90s\n") ||
		!strings.Contains(b.String(), "interval: 24h\n") || !strings.Contains(b.String(), "interval: 1m\n") {
		t.Errorf("written:\n%s", b.String())
	}
	f, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Monitors) != len(specs) {
		t.Fatalf("read %d monitors", len(f.Monitors))
	}
	for i, got := range f.Monitors {
		want := specs[i]
		if string(got.Settings) != string(want.Settings) {
			t.Errorf("monitor %d settings %s, want %s", i, got.Settings, want.Settings)
		}
		got.Settings, want.Settings = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("monitor %d = %+v, want %+v", i, got, want)
		}
	}
	for _, empty := range []string{"monitors: []\n", "monitors:\n"} {
		if f, err := Read(strings.NewReader(empty)); err != nil || len(f.Monitors) != 0 {
			t.Errorf("%q: %v %v", empty, f, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

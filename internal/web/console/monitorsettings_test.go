package console

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
)

// TestMonitorSettingsRoundTrip: stored HTTP settings fill the form's fields, and the fields
// sent back give the same settings; fields that cannot be read are named.
func TestMonitorSettingsRoundTrip(t *testing.T) {
	t.Parallel()
	v := testView(t, desk.LocaleEN)
	stored := `{"url":"https://shop.example/health?x=1&y=2","method":"POST","headers":{"Authorization":"********","X-Probe":"1"},` +
		`"body":"ping\nline two","expect_status":[200,204],"keyword":"ok","keyword_absent":true,"json_equals":"green","follow_redirects":false,"verify_tls":true}`
	fields := settingFields(v, "http", json.RawMessage(stored), nil)
	form := url.Values{}
	for _, f := range fields {
		switch {
		case f.Input == "checkbox" && f.Checked:
			form.Set(f.Name, "1")
		case f.Input != "checkbox":
			form.Set(f.Name, f.Value)
		}
	}
	if got := form.Get("s.headers"); got != "Authorization: ********\nX-Probe: 1" {
		t.Errorf("headers field %q", got)
	}
	if got := form.Get("s.expect_status"); got != "200, 204" {
		t.Errorf("expect_status field %q", got)
	}
	back, bad := settingsFromForm(v, "http", form)
	if len(bad) > 0 {
		t.Fatalf("the form's own values are refused: %v", bad)
	}
	var want, got map[string]any
	if err := json.Unmarshal([]byte(stored), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back, &got); err != nil {
		t.Fatal(err)
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Errorf("round trip:\n got %s\nwant %s", gj, wj)
	}
	if strings.Contains(string(back), `\u0026`) {
		t.Errorf("the URL's & is escaped: %s", back)
	}

	form.Set("s.expect_status", "200, two hundred")
	form.Set("s.headers", "no colon here")
	_, bad = settingsFromForm(v, "http", form)
	names := map[string]bool{}
	for _, b := range bad {
		names[b.Field] = true
	}
	if !names["s.expect_status"] || !names["s.headers"] || len(bad) != 2 {
		t.Errorf("unreadable fields: %+v", bad)
	}
	_, bad = settingsFromForm(v, "tls", url.Values{"s.host": {"x"}, "s.port": {"443a"}})
	if len(bad) != 1 || bad[0].Field != "s.port" {
		t.Errorf("a port that is no number: %+v", bad)
	}
}

func TestSettingFormField(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http.url": "s.url", "http.expect_status[1]": "s.expect_status", "http.headers.Authorization": "s.headers",
		"http": "settings", "http.nonsense": "settings", "tls.fail_days": "s.fail_days", "dns.expect[0]": "s.expect",
	} {
		kind, _, _ := strings.Cut(in, ".")
		if got := settingFormField(kind, in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// TestMonitorCharts: the pictures are labelled, scale to a round top, mark down checks,
// and the buckets leave down checks out of the mean.
func TestMonitorCharts(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	rs := []desk.MonitorResult{
		{At: start.Add(1 * time.Minute), Status: desk.MonitorUp, Duration: 40 * time.Millisecond},
		{At: start.Add(2 * time.Minute), Status: desk.MonitorUp, Duration: 80 * time.Millisecond},
		{At: start.Add(3 * time.Minute), Status: desk.MonitorDown, Duration: 5 * time.Second},
		{At: start.Add(45 * time.Minute), Status: desk.MonitorDown},
		{At: start.Add(-time.Minute), Status: desk.MonitorUp, Duration: time.Hour}, // before the start: left out
	}
	bs := bucketResults(rs, start, start.Add(time.Hour), 2)
	if len(bs) != 2 || bs[0].Checks != 3 || bs[0].Down != 1 || bs[0].MeanMS != 60 || bs[0].WorstMS != 80 || bs[1].Checks != 1 || bs[1].Down != 1 {
		t.Fatalf("buckets: %+v", bs)
	}
	for n, want := range map[int64]int64{1: 1, 3: 5, 7: 10, 60: 100, 101: 200, 4999: 5000} {
		if got := niceCeilMS(n); got != want {
			t.Errorf("niceCeilMS(%d) = %d, want %d", n, got, want)
		}
	}
	pts := []chartPoint{{At: start, MS: 40}, {At: start.Add(time.Minute), MS: 95}, {At: start.Add(2 * time.Minute), Down: true}}
	s := string(sparkline(pts, `Shop <"port">`))
	for _, w := range []string{`role="img"`, `aria-label="Shop &lt;&#34;port&#34;&gt;"`, `<polyline`, `<rect class="down"`} {
		if !strings.Contains(s, w) {
			t.Errorf("the sparkline lacks %s:\n%s", w, s)
		}
	}
	c := string(responseChart(pts, chartLabels{Label: "chart", XAxis: "Time", YAxis: "ms", Time: func(t time.Time) string { return t.Format("15:04") }}))
	for _, w := range []string{`aria-label="chart"`, `>100</text>`, `>50</text>`, `>0</text>`, `>10:00</text>`, `>10:02</text>`, `>Time</text>`, `>ms</text>`, `class="dot"`, `class="down"`} {
		if !strings.Contains(c, w) {
			t.Errorf("the chart lacks %s:\n%s", w, c)
		}
	}
	if sparkline(nil, "x") != "" || responseChart(nil, chartLabels{}) != "" {
		t.Error("no points should draw nothing")
	}
}

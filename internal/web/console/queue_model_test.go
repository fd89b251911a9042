package console

import (
	"net/url"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// TestQueueViewModel: a filter reads back as one canonical query, whatever the order or
// the junk it came with; the current view is the one named, or else the first whose filter
// is the page's; menu counts stop at 99+.
func TestQueueViewModel(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"unassigned=1&org=7&junk=x":         "org=7&unassigned=1",
		"org=7&unassigned=1":                "org=7&unassigned=1",
		"mine=yes&breaching=1&priority=P9":  "breaching=1",
		"external=1&state=closed&kind=both": "external=1",
		"%zz":                               "",
	} {
		if got := canonicalQuery(raw); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", raw, got, want)
		}
	}
	v := testView(t, desk.LocaleEN)
	saved := []app.SavedView{{ID: 4, Name: "Acme", Query: "org=7"}, {ID: 5, Name: "Acme again", Query: "org=7"}}
	current := func(d queueData) []string {
		var out []string
		for _, l := range viewLinks(v, d) {
			if l.Current {
				out = append(out, l.Name)
			}
		}
		return out
	}
	for _, c := range []struct {
		d    queueData
		want string
	}{
		{queueData{Saved: saved}, "All open"},
		{queueData{Saved: saved, Query: "mine=1"}, "Mine"},
		{queueData{Saved: saved, Query: "org=7"}, "Acme"},
		{queueData{Saved: saved, Query: "org=7", View: "5"}, "Acme again"},
		{queueData{Saved: saved, Query: "org=8"}, ""},
	} {
		got := current(c.d)
		if c.want == "" && len(got) != 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
			t.Errorf("%+v: current %q, want %q", c.d, got, c.want)
		}
	}
	if links := viewLinks(v, queueData{Saved: saved}); len(links) != 7 || links[5].URL != "/queue?view=4" || links[1].URL != "/queue?view=mine" {
		t.Errorf("links %+v", links)
	}
	for n, want := range map[int]string{0: "0", 7: "7", 99: "99", 100: "99+"} {
		if got := v.NavCount(n); got != want {
			t.Errorf("NavCount(%d) = %q", n, got)
		}
	}
	if _, d := queueFilter(url.Values{"mine": {"1"}, "unassigned": {"1"}}); !d.Mine || !d.Unassigned || d.filterValues().Encode() != "mine=1&unassigned=1" {
		t.Errorf("flags %+v", d)
	}
}

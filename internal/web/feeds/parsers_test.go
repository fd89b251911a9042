package feeds_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// The third-party clients of the formats we promise (docs/developers.md): feedparser (npm)
// reads the Atom and RSS feeds, ical.js (npm, Mozilla's) the calendar, run with node on
// what the server answers. scripts/test installs them (scripts/lib-npm-tools.sh) and sets
// MELDPUNT_TEST_NPM_TOOLS to their node_modules folder; without it these tests skip.

const feedScript = `
const fs = require('fs');
// Well-formed XML first, by sax in strict mode (feedparser's own parser; feedparser itself
// reads in sax's lenient mode, as readers do, and its strict mode loses mixed-case names).
const sax = require(process.env.TOOLS + '/sax').parser(true, { xmlns: true });
sax.onerror = e => { console.error('sax (strict): ' + e.message); process.exit(1); };
sax.write(fs.readFileSync(process.argv[2], 'utf8')).close();
const FeedParser = require(process.env.TOOLS + '/feedparser');
const fp = new FeedParser({ normalize: true, addmeta: false });
const out = { items: [] };
fp.on('error', e => { console.error('feedparser: ' + e.message); process.exit(1); });
fp.on('meta', m => { out.meta = { type: m['#type'], version: m['#version'], title: m.title, link: m.link,
  xmlurl: m.xmlurl, language: m.language, date: m.date && m.date.toISOString() }; });
fp.on('readable', function () { let it; while ((it = this.read())) out.items.push({ title: it.title, link: it.link,
  guid: it.guid, pubdate: it.pubdate && it.pubdate.toISOString(), date: it.date && it.date.toISOString(),
  description: it.description }); });
fp.on('end', () => console.log(JSON.stringify(out)));
fs.createReadStream(process.argv[2]).pipe(fp);
`

const icalScript = `
const ICAL = require(process.env.TOOLS + '/ical.js/dist/ical.es5.cjs');
const text = require('fs').readFileSync(process.argv[2], 'utf8');
const cal = new ICAL.Component(ICAL.parse(text));
const out = { version: cal.getFirstPropertyValue('version'), prodid: cal.getFirstPropertyValue('prodid'),
  method: cal.getFirstPropertyValue('method'), name: cal.getFirstPropertyValue('x-wr-calname'), events: [] };
for (const v of cal.getAllSubcomponents('vevent')) {
  const e = new ICAL.Event(v);
  out.events.push({ uid: e.uid, summary: e.summary, description: e.description, sequence: e.sequence,
    start: e.startDate.toJSDate().toISOString(), end: e.endDate.toJSDate().toISOString(),
    startZone: e.startDate.zone.tzid, stamp: v.getFirstPropertyValue('dtstamp').toJSDate().toISOString(),
    url: v.getFirstPropertyValue('url'), status: v.getFirstPropertyValue('status') });
}
console.log(JSON.stringify(out));
`

// npmTools is the folder the parsers are installed in; the test skips without it.
func npmTools(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MELDPUNT_TEST_NPM_TOOLS")
	if dir == "" {
		t.Skip("MELDPUNT_TEST_NPM_TOOLS is not set: the third-party feed parsers are not checked (scripts/test installs them)")
	}
	return dir
}

// runNode runs script with node on doc and decodes what it prints into out.
func runNode(t *testing.T, tools, script, doc string, out any) {
	t.Helper()
	dir := t.TempDir()
	js, in := filepath.Join(dir, "read.cjs"), filepath.Join(dir, "doc")
	if err := os.WriteFile(js, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	node := "/usr/bin/node"
	if _, err := os.Stat(node); err != nil {
		node = "node"
	}
	cmd := exec.Command(node, js, in)
	cmd.Env = append(os.Environ(), "TOOLS="+tools)
	b, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node: %v: %s\n%s", err, stderr, doc)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

type parsedFeed struct {
	Meta struct {
		Type, Version, Title, Link, Xmlurl, Language, Date string
	}
	Items []struct {
		Title, Link, GUID, Pubdate, Date, Description string
	}
}

// feedparser reads the Atom and the RSS feed alike: the titles, links, ids and dates we
// wrote, the content as HTML.
func TestFeedsWithFeedparser(t *testing.T) {
	t.Parallel()
	tools := npmTools(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPage(t, db)
		tag := func(id int64) string { return "tag:desk.example.nl,2026-12-01:status/incidents/" + desk.FormatInt(id) }
		link := func(id int64) string { return base + "/status/incidents/" + desk.FormatInt(id) }
		for _, c := range []struct {
			path, typ, version string
		}{{"/status/history.atom?lang=en", "atom", "1.0"}, {"/status/history.rss?lang=en", "rss", "2.0"}} {
			_, doc := get(t, p.cached, c.path)
			var f parsedFeed
			runNode(t, tools, feedScript, doc, &f)
			m := f.Meta
			if m.Type != c.typ || m.Version != c.version || m.Title != "Provider status — incidents and maintenance" ||
				m.Link != base+"/status?lang=en" || !strings.HasPrefix(m.Xmlurl, base+"/status/history.") || m.Language != "en" ||
				m.Date != "2026-12-01T11:00:00.000Z" {
				t.Errorf("%s: feedparser read the feed as %+v", c.path, m)
			}
			if len(f.Items) != 3 {
				t.Fatalf("%s: %d items, want 3: %+v", c.path, len(f.Items), f.Items)
			}
			maint, outage := f.Items[0], f.Items[1]
			if maint.Title != "DNS maintenance; servers, part 1" || maint.GUID != tag(p.maint.ID) || maint.Link != link(p.maint.ID) ||
				maint.Pubdate != "2026-12-01T10:00:00.000Z" {
				t.Errorf("%s: the maintenance read as %+v", c.path, maint)
			}
			if outage.Title != "Web hosting outage" || outage.GUID != tag(p.outage.ID) || outage.Link != link(p.outage.ID) ||
				outage.Pubdate != "2026-12-01T09:00:00.000Z" {
				t.Errorf("%s: the outage read as %+v", c.path, outage)
			}
			if c.typ == "atom" && outage.Date != "2026-12-01T10:00:00.000Z" {
				t.Errorf("%s: the outage's updated time read as %s, want its resolution", c.path, outage.Date)
			}
			for _, want := range []string{"<strong>Resolved</strong>", "<strong>investigating</strong>", "Affects: Webhosting", "A full disk."} {
				if !strings.Contains(outage.Description, want) {
					t.Errorf("%s: the outage's content lacks %q: %s", c.path, want, outage.Description)
				}
			}
			if strings.Contains(outage.Description, private) {
				t.Errorf("%s: the content names a clients-only component", c.path)
			}
		}
		// A component's feed holds only what affects it.
		_, doc := get(t, p.cached, "/status/components/"+desk.FormatInt(p.dns.ID)+"/history.atom")
		var f parsedFeed
		runNode(t, tools, feedScript, doc, &f)
		if len(f.Items) != 2 || f.Items[0].GUID != tag(p.maint.ID) || f.Meta.Title != "DNS — storingen en onderhoud (Status van Provider)" {
			t.Errorf("the DNS feed read as %+v", f)
		}
	})
}

// ical.js reads the calendar: the event's window in UTC, its UID, SEQUENCE, summary and
// description unescaped.
func TestCalendarWithICALJS(t *testing.T) {
	t.Parallel()
	tools := npmTools(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPage(t, db)
		_, doc := get(t, p.cached, "/status/maintenance.ics")
		var c struct {
			Version, Prodid, Method, Name string
			Events                        []struct {
				UID, Summary, Description, Start, End, StartZone, Stamp, URL, Status string
				Sequence                                                             int
			}
		}
		runNode(t, tools, icalScript, doc, &c)
		if c.Version != "2.0" || c.Method != "PUBLISH" || c.Prodid != "-//Meldpunt//Status page//NL" || c.Name != "Status van Provider — onderhoud" {
			t.Errorf("ical.js read the calendar as %+v", c)
		}
		if len(c.Events) != 1 {
			t.Fatalf("%d events, want 1: %+v", len(c.Events), c.Events)
		}
		e := c.Events[0]
		amsterdam, _ := time.LoadLocation("Europe/Amsterdam")
		start := time.Date(2026, 12, 5, 23, 0, 0, 0, amsterdam).UTC().Format("2006-01-02T15:04:05.000Z")
		end := time.Date(2026, 12, 6, 2, 0, 0, 0, amsterdam).UTC().Format("2006-01-02T15:04:05.000Z")
		if e.UID != "maintenance-"+desk.FormatInt(p.maint.ID)+"@desk.example.nl" || e.Start != start || e.End != end || e.StartZone != "UTC" ||
			e.Sequence != 3600 || e.Stamp != "2026-12-01T11:00:00.000Z" || e.Status != "CONFIRMED" ||
			e.URL != base+"/status/incidents/"+desk.FormatInt(p.maint.ID) || e.Summary != "Onderhoud DNS; servers, deel 1" {
			t.Errorf("ical.js read the event as %+v", e)
		}
		for _, want := range []string{"Gepland\nBetreft: DNS\n\nWij vervangen de naamservers; één voor één, zodat",
			`onderbreking\storing van betekenis.` + "\nVragen? Bel de servicedesk."} {
			if !strings.Contains(e.Description, want) {
				t.Errorf("the description lacks %q: %q", want, e.Description)
			}
		}
	})
}

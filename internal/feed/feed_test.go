package feed

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func sampleFeed() Feed {
	at := time.Date(2026, 12, 2, 9, 14, 5, 0, time.FixedZone("CET", 3600))
	return Feed{ID: "https://desk.example.nl/status/history.atom", Title: "Acme & co status", Subtitle: "s",
		Lang: "nl", Alternate: "https://desk.example.nl/status?lang=nl", Self: "https://desk.example.nl/status/history.atom?lang=nl",
		Updated: at, Entries: []Entry{{ID: "tag:desk.example.nl,2026-12-02:status/incidents/1", Title: "Storing <e-mail>",
			Link: "https://desk.example.nl/status/incidents/1", Published: at.Add(-time.Hour), Updated: at,
			HTML: `<p><strong>Opgelost</strong></p><script>x</script>`}}}
}

func TestAtom(t *testing.T) {
	t.Parallel()
	b, err := Atom(sampleFeed())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entry []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Content struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if doc.XMLName.Space != atomNS || doc.XMLName.Local != "feed" || doc.Lang != "nl" || doc.Updated != "2026-12-02T08:14:05Z" {
		t.Errorf("feed %+v", doc)
	}
	if len(doc.Links) != 2 || doc.Links[0].Rel != "self" || doc.Links[1].Rel != "alternate" {
		t.Errorf("links %+v", doc.Links)
	}
	if len(doc.Entry) != 1 || doc.Entry[0].Title != "Storing <e-mail>" || doc.Entry[0].Content.Type != "html" ||
		doc.Entry[0].Content.Text != `<p><strong>Opgelost</strong></p><script>x</script>` {
		t.Errorf("entry %+v", doc.Entry)
	}
	if strings.Contains(string(b), "<script>") {
		t.Error("HTML content is not escaped")
	}
}

func TestRSS(t *testing.T) {
	t.Parallel()
	b, err := RSS(sampleFeed())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">`,
		`<atom:link rel="self" type="application/rss+xml" href="https://desk.example.nl/status/history.atom?lang=nl">`,
		`<guid isPermaLink="false">tag:desk.example.nl,2026-12-02:status/incidents/1</guid>`,
		`<pubDate>Wed, 02 Dec 2026 07:14:05 +0000</pubDate>`, `<language>nl</language>`,
		`<title>Storing &lt;e-mail&gt;</title>`} {
		if !strings.Contains(s, want) {
			t.Errorf("the RSS lacks %s:\n%s", want, s)
		}
	}
	var doc struct {
		Channel struct {
			Items []struct {
				Description string `xml:"description"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Channel.Items) != 1 || !strings.HasPrefix(doc.Channel.Items[0].Description, "<p>") {
		t.Errorf("%v %+v", err, doc)
	}
}

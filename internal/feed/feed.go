// Package feed writes the status page's feeds (issue 11, docs/status-page.md "Feeds"): its
// history as Atom 1.0 (RFC 4287) and as RSS 2.0, and its maintenance as iCalendar
// (RFC 5545). It knows nothing of incidents or HTTP: the web layer fills a Feed or a
// Calendar with what a visitor may see, and gets the exact bytes back.
//
// The XML formats use the standard library's encoding/xml: both are small, fixed
// documents, and a feed library (gorilla/feeds) would add a dependency while still needing
// our own structs for the RSS atom:link, the entries' tag: ids and content type="html".
// iCalendar has no parser or writer in the standard library; its rules (CRLF, folding at
// 75 octets, TEXT escaping) fit in one short file (ical.go), tested on their own.
package feed

import (
	"bytes"
	"encoding/xml"
	"time"
)

// Feed is a feed of the page's history: the same data gives the Atom and the RSS document.
type Feed struct {
	// ID is the feed's permanent id (a URI); Title and Subtitle describe it.
	ID       string
	Title    string
	Subtitle string
	// Lang is the language of its texts ("nl", "en").
	Lang string
	// Alternate is the page the feed follows; Self the URL of the document itself.
	Alternate string
	Self      string
	// Updated is the latest change of any entry (or a fixed time when there is none, so
	// the same data always gives the same bytes).
	Updated time.Time
	Entries []Entry
}

// Entry is one incident or maintenance, with all its updates in its content.
type Entry struct {
	// ID is a permanent URI (a tag: URI): it does not change when the entry does.
	ID        string
	Title     string
	Link      string
	Published time.Time
	Updated   time.Time
	// HTML is the entry's content: sanitised HTML (internal/markdown), escaped here.
	HTML string
}

// AtomType and RSSType are the documents' media types.
const (
	AtomType = "application/atom+xml; charset=utf-8"
	RSSType  = "application/rss+xml; charset=utf-8"
)

const atomNS = "http://www.w3.org/2005/Atom"

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     atomText `xml:"title"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Content   atomText `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomFeed struct {
	XMLName  xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID       string     `xml:"id"`
	Title    atomText   `xml:"title"`
	Subtitle atomText   `xml:"subtitle"`
	Updated  string     `xml:"updated"`
	Links    []atomLink `xml:"link"`
	// Author is the page itself: RFC 4287 wants an author for every entry, and the page,
	// not a person, is who publishes (no staff member is ever named).
	Author atomAuthor  `xml:"author"`
	Entry  []atomEntry `xml:"entry"`
}

// stamp is an RFC 3339 time in UTC, to the second, as RFC 4287 3.3 asks.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Atom writes f as an Atom 1.0 document.
func Atom(f Feed) ([]byte, error) {
	doc := atomFeed{Lang: f.Lang, ID: f.ID, Title: atomText{Type: "text", Text: f.Title},
		Subtitle: atomText{Type: "text", Text: f.Subtitle}, Updated: stamp(f.Updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.Self},
			{Rel: "alternate", Type: "text/html", Href: f.Alternate},
		},
		Author: atomAuthor{Name: f.Title}, Entry: []atomEntry{}}
	for _, e := range f.Entries {
		doc.Entry = append(doc.Entry, atomEntry{ID: e.ID, Title: atomText{Type: "text", Text: e.Title},
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: e.Link},
			Published: stamp(e.Published), Updated: stamp(e.Updated),
			Content: atomText{Type: "html", Text: e.HTML}})
	}
	return marshal(doc)
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Text        string `xml:",chardata"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	TTL           int       `xml:"ttl"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

// rfc1123Z is RSS 2.0's date format (RFC 822 with a four-digit year), in UTC.
func rfc1123Z(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// RSS writes f as an RSS 2.0 document. An item's guid is the entry's tag: id, which is not
// a link (isPermaLink="false"); its pubDate is when the incident was first published.
func RSS(f Feed) ([]byte, error) {
	doc := rss{Version: "2.0", Atom: atomNS, Channel: rssChannel{Title: f.Title, Link: f.Alternate,
		Description: f.Subtitle, Language: f.Lang, LastBuildDate: rfc1123Z(f.Updated), TTL: 5,
		Self: atomLink{Rel: "self", Type: "application/rss+xml", Href: f.Self}, Items: []rssItem{}}}
	for _, e := range f.Entries {
		doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: e.Title, Link: e.Link,
			GUID: rssGUID{Text: e.ID}, PubDate: rfc1123Z(e.Published), Description: e.HTML})
	}
	return marshal(doc)
}

func marshal(doc any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

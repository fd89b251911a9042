// Package markdown renders the status page's messages (public incident updates and
// postmortems, written in Markdown) to HTML that is safe to put on a public page: goldmark
// renders CommonMark without raw HTML, and bluemonday's user-content policy removes what
// could still run (script, event handlers, javascript: and data: links, styles).
package markdown

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer turns Markdown into sanitised HTML. It is safe for concurrent use; make one and
// share it.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a renderer: CommonMark with tables, strikethrough and autolinks; raw HTML
// in the source is dropped (goldmark's default), and every link opens without passing on
// the page (rel="nofollow noopener noreferrer").
func New() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return &Renderer{
		md:     goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)),
		policy: p,
	}
}

// HTML renders src. An error of the renderer (it has none for text in memory) gives the
// source as escaped text, so a message always shows.
func (r *Renderer) HTML(src string) template.HTML {
	var b bytes.Buffer
	if err := r.md.Convert([]byte(src), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) //nolint:gosec // escaped
	}
	return template.HTML(r.policy.SanitizeBytes(b.Bytes())) //nolint:gosec // sanitised by bluemonday
}

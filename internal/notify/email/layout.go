package email

import (
	htmltemplate "html/template"
	"strings"
	"text/template"
)

// The layouts. Both print the same page; the HTML one escapes every value.

// layouts are the two layouts, parsed.
type layouts struct {
	text *template.Template
	html *htmltemplate.Template
}

// parseLayouts parses the layouts; a Renderer does it on its first message.
func parseLayouts() (layouts, error) {
	quote := func(s string) string { return "> " + strings.ReplaceAll(s, "\n", "\n> ") }
	text, err := template.New("text").Funcs(template.FuncMap{"quote": quote}).Parse(textLayout)
	if err != nil {
		return layouts{}, err
	}
	html, err := htmltemplate.New("html").Parse(htmlLayout)
	if err != nil {
		return layouts{}, err
	}
	return layouts{text: text, html: html}, nil
}

const textLayout = `
{{- if .Heading}}{{.Heading}}

{{end}}{{.Greeting}}
{{range .Blocks}}
{{if eq .Kind "para"}}{{.Text}}
{{else if eq .Kind "quote"}}{{quote .Text}}
{{else if eq .Kind "facts"}}{{range .Facts}}{{.Label}}: {{.Value}}
{{end}}{{else if eq .Kind "links"}}{{range $i, $l := .Links}}{{if $i}}
{{end}}{{$l.Label}}:
{{$l.URL}}
{{end}}{{end}}{{end}}
{{- if .View.URL}}
{{.View.Label}}:
{{.View.URL}}
{{end}}
-- 
{{.Reply}}
{{if .Optional}}{{.Optional}}
{{if .PreferencesURL}}{{.PreferencesURL}}
{{end}}{{end}}{{.Sent}}
`

const htmlLayout = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;color:#1f2937;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5">
{{- if .Number}}
<p style="margin:0 0 4px;color:#6b7280;font-size:13px">{{.Number}}</p>
{{- end}}
{{- if .Title}}
<h1 style="margin:0 0 20px;font-size:20px;line-height:1.3">{{.Title}}</h1>
{{- end}}
<p style="margin:0 0 16px">{{.Greeting}}</p>
{{- range .Blocks}}
{{- if eq .Kind "para"}}
<p style="margin:0 0 16px">{{.Text}}</p>
{{- else if eq .Kind "quote"}}
<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #d1d5db;background:#f9fafb;white-space:pre-wrap">{{.Text}}</blockquote>
{{- else if eq .Kind "facts"}}
<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">
{{- range .Facts}}
<tr><td style="padding:2px 16px 2px 0;color:#6b7280">{{.Label}}</td><td style="padding:2px 0">{{.Value}}</td></tr>
{{- end}}
</table>
{{- else if eq .Kind "links"}}
<p style="margin:0 0 16px">
{{- range .Links}}
{{- if .Primary}}
<a href="{{.URL}}" style="display:inline-block;margin:0 8px 8px 0;padding:10px 18px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:bold;text-decoration:none">{{.Label}}</a>
{{- else}}
<a href="{{.URL}}" style="display:inline-block;margin:0 8px 8px 0;padding:9px 17px;border:1px solid #1d4ed8;border-radius:6px;background:#ffffff;color:#1d4ed8;font-weight:bold;text-decoration:none">{{.Label}}</a>
{{- end}}
{{- end}}
</p>
{{- end}}
{{- end}}
{{- if .View.URL}}
<p style="margin:0 0 16px"><a href="{{.View.URL}}" style="color:#1d4ed8">{{.View.Label}}</a></p>
{{- end}}
<hr style="margin:24px 0 12px;border:none;border-top:1px solid #e5e7eb">
<p style="margin:0 0 4px;color:#6b7280;font-size:13px">{{.Reply}}</p>
{{- if .Optional}}
<p style="margin:0 0 4px;color:#6b7280;font-size:13px">{{.Optional}}{{if .PreferencesURL}} <a href="{{.PreferencesURL}}" style="color:#6b7280">{{.PreferencesURL}}</a>{{end}}</p>
{{- end}}
<p style="margin:0;color:#6b7280;font-size:13px">{{.Sent}}</p>
</div>
</body>
</html>
`

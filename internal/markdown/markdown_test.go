package markdown

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	t.Parallel()
	r := New()
	for _, c := range []struct {
		name, src string
		want      []string // substrings the HTML has
		not       []string // substrings it must not have
	}{
		{"paragraph and emphasis", "We are *investigating*.", []string{"<p>We are <em>investigating</em>.</p>"}, nil},
		{"list", "- one\n- two\n", []string{"<ul>", "<li>one</li>"}, nil},
		{"link", "[status](https://example.com/s)", []string{`href="https://example.com/s"`, `rel="nofollow noreferrer`}, nil},
		{"autolink", "see https://example.com", []string{`href="https://example.com"`}, nil},
		{"script tag", "<script>alert(1)</script>hello", nil, []string{"<script", "alert(1)</script"}},
		{"inline raw html", "a <img src=x onerror=alert(1)> b", nil, []string{"<img", "onerror"}},
		{"javascript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:text"}},
		{"html block", "<div onclick=\"x()\">hi</div>\n\ntext", []string{"<p>text</p>"}, []string{"onclick", "<div"}},
		{"escaped in code", "`<b>`", []string{"<code>&lt;b&gt;</code>"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := string(r.HTML(c.src))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("%q has %q", got, n)
				}
			}
		})
	}
}

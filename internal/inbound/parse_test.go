package inbound

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	attachment := func(name string) string {
		return "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"" + name + "\"\n\nlog line\n"
	}
	cases := []struct {
		name, raw string
		text      string
		subject   string
		files     []string
		ignored   int
		auto      bool
	}{
		{name: "plain utf-8", raw: "Subject: =?UTF-8?B?U3RvcmluZyDigqw=?=\n\nPrijs: 10 €\n", text: "Prijs: 10 €\n", subject: "Storing €"},
		{name: "windows-1252", raw: "Content-Type: text/plain; charset=windows-1252\n\n\x93quoted\x94 \x80\n", text: "“quoted” €\n"},
		{name: "latin-1 quoted-printable", raw: "Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nf=FCr die =\nKasse\n", text: "für die Kasse\n"},
		{name: "base64 text", raw: "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte("Hallo daar")) + "\n", text: "Hallo daar"},
		{name: "unknown charset read as utf-8", raw: "Content-Type: text/plain; charset=x-unknown\n\nok\xff\n", text: "ok\uFFFD\n"},
		{name: "html entities and lists", raw: "Content-Type: text/html\n\n<p>A &lt;b&gt; &amp; c&nbsp;d</p><ul><li>one</li><li>two</li></ul><script>x()</script>",
			text: "A <b> & c\u00a0d\n- one\n- two"},
		{name: "gmail html lines", raw: "Content-Type: text/html\n\n<div dir=\"ltr\">Hi,<div><br></div><div>It  fails\n again.<br>Rita</div></div>",
			text: "Hi,\n\nIt fails again.\nRita"},
		{name: "outlook html paragraphs", raw: "Content-Type: text/html\n\n<html><head><title>x</title></head><body><p class=MsoNormal>One<o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<p>Two</p></body></html>",
			text: "One\n\nTwo"},
		{name: "apple mail text around a picture", raw: "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nBefore\n--b\n" +
			"Content-Type: image/png\nContent-Disposition: inline\n\n\x89PNG\r\n\x1a\n--b\nContent-Type: text/plain\n\nAfter\n--b--\n",
			text: "Before\nAfter", files: []string{"attachment"}},
		{name: "rfc 2231 file name", raw: "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee file\n--b\n" +
			"Content-Type: text/plain\nContent-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\n\nx\n--b--\n",
			text: "See file", files: []string{"résumé.txt"}},
		{name: "at most five attachments", raw: "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSix logs\n" +
			attachment("1.log") + attachment("2.log") + attachment("3.log") + attachment("4.log") + attachment("5.log") + attachment("6.log") + "--b--\n",
			text: "Six logs", files: []string{"1.log", "2.log", "3.log", "4.log", "5.log"}, ignored: 1},
		{name: "out of office", raw: "Auto-Submitted: auto-replied\n\nAway\n", text: "Away\n", auto: true},
		{name: "auto-submitted no", raw: "Auto-Submitted: no\n\nHere\n", text: "Here\n"},
		{name: "exchange auto reply", raw: "X-Autoreply: yes\n\nAway\n", text: "Away\n", auto: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := parse([]byte("From: rita@acme.example\n" + c.raw))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range m.files {
				names = append(names, f.Name)
			}
			if m.text != c.text || m.subject != c.subject || strings.Join(names, ",") != strings.Join(c.files, ",") ||
				m.ignored != c.ignored || m.auto != c.auto || m.from != "rita@acme.example" {
				t.Errorf("got text %q subject %q files %q ignored %d auto %v from %q", m.text, m.subject, names, m.ignored, m.auto, m.from)
			}
		})
	}
	for name, raw := range map[string]string{
		"no headers":         "not a message",
		"multipart boundary": "From: a@b\nContent-Type: multipart/mixed\n\nx",
		"two senders":        "From: a@b, c@d\n\nx",
	} {
		if _, err := parse([]byte(raw)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

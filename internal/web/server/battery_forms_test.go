package server

// The malformed-input battery's multipart and YAML cases.

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// multipartCases returns malformed multipart/form-data bodies; withReport says the form
// carries a "report" part (JSON, report is a valid one) besides its "files" parts.
func multipartCases(method, target string, withReport bool, report []byte) []bcase {
	const bd = "BatteryBoundary"
	ct := "multipart/form-data; boundary=" + bd
	part := func(header, content string) string {
		return "--" + bd + "\r\n" + header + "\r\n\r\n" + content + "\r\n"
	}
	file := func(name, content string) string {
		return part(`Content-Disposition: form-data; name="files"; filename="`+name+`"`+"\r\nContent-Type: text/plain", content)
	}
	head := ""
	if withReport {
		head = part(`Content-Disposition: form-data; name="report"`+"\r\nContent-Type: application/json", string(report))
	}
	end := "--" + bd + "--\r\n"
	c := func(name, ctype, body string) bcase {
		return bcase{name: "multipart: " + name, method: method, target: target, ctype: ctype, body: []byte(body)}
	}
	var many strings.Builder
	many.WriteString(head)
	for range 10000 {
		many.WriteString(file("a.txt", "x"))
	}
	many.WriteString(end)
	out := []bcase{
		c("no boundary", "multipart/form-data", head+file("a.txt", "hello")+end),
		c("another boundary", "multipart/form-data; boundary=Other", head+file("a.txt", "hello")+end),
		c("an empty boundary", "multipart/form-data; boundary=", head+end),
		c("a boundary of 200 characters", "multipart/form-data; boundary="+strings.Repeat("b", 200), head+end),
		c("empty body", ct, ""),
		c("no parts", ct, end),
		c("truncated", ct, head+"--"+bd+"\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhel"),
		c("no closing boundary", ct, head+file("a.txt", "hello")),
		c("garbage", ct, "\x00\xff garbage \r\n\r\n--"),
		c("a file name with a NUL", ct, head+file("a\x00.txt", "hello")+end),
		c("a file name in invalid UTF-8", ct, head+file("\xff\xfe.txt", "hello")+end),
		c("a file name with a path", ct, head+file("../../etc/passwd", "hello")+end),
		c("a file name with a right-to-left override", ct, head+file("invoice \u202egnp.exe", "hello")+end),
		c("a long file name", ct, head+file(strings.Repeat("n", 5000)+".txt", "hello")+end),
		c("an empty file name", ct, head+file("", "hello")+end),
		c("an encoded file name with a NUL", ct, head+part(`Content-Disposition: form-data; name="files"; filename*=UTF-8''a%00b.txt`, "hello")+end),
		c("a part name with a NUL", ct, head+part("Content-Disposition: form-data; name=\"files\x00\"; filename=\"a.txt\"", "hello")+end),
		c("an unknown part", ct, head+part(`Content-Disposition: form-data; name="x"`, "y")+file("a.txt", "hello")+end),
		c("a part without a name", ct, head+part(`Content-Disposition: form-data`, "y")+end),
		c("a part without headers", ct, head+"--"+bd+"\r\n\r\nhello\r\n"+end),
		c("a header of 100 KiB", ct, head+part(`Content-Disposition: form-data; name="files"; filename="a.txt"`+"\r\nX-Pad: "+strings.Repeat("p", 100<<10), "hello")+end),
		c("a bad content disposition", ct, head+part(`Content-Disposition: ;;;=`, "hello")+end),
		c("a file of NUL bytes", ct, head+file("a.txt", strings.Repeat("\x00", 1000))+end),
		c("an empty file", ct, head+file("a.txt", "")+end),
		c("a file that claims to be PNG", ct, head+file("a.png", "\x89PNG\r\n\x1a\n"+strings.Repeat("\x00", 100))+end),
		c("six files", ct, head+strings.Repeat(file("a.txt", "hello"), 6)+end),
		c("10000 files", ct, many.String()),
		c("a nested multipart", ct, head+part("Content-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: multipart/mixed; boundary=inner",
			"--inner\r\n\r\nx\r\n--inner--")+end),
		{name: "multipart: a file over 10 MiB", method: method, target: target, ctype: ct,
			body: []byte(head + "--" + bd + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n"), stream: 10<<20 + 1},
		{name: "multipart: a body over the upload limit", method: method, target: target, ctype: ct,
			body: []byte(head + "--" + bd + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n"), stream: MaxUpload + 1},
	}
	if withReport {
		rp := func(name, content string) bcase {
			return c("report part: "+name, ct, part(`Content-Disposition: form-data; name="report"`, content)+file("a.txt", "hello")+end)
		}
		out = append(out,
			rp("malformed JSON", `{"title":`), rp("a NUL in the title", string(set(report, "title", `"a\u0000b"`))),
			rp("invalid UTF-8", "{\"title\":\"\xff\"}"), rp("an array", `[]`), rp("empty", ``),
			rp("nested past the decoder's depth", strings.Repeat("[", 20000)+strings.Repeat("]", 20000)),
			rp("over 1 MiB", `{"title":"`+strings.Repeat("x", 1<<20)+`"}`),
			c("report part: twice", ct, head+head+end),
			c("report part: missing", ct, file("a.txt", "hello")+end),
		)
	}
	return out
}

// yamlCases returns malformed YAML definitions.
func yamlCases(method, target string, base []byte) []bcase {
	c := func(name, ctype, body string) bcase {
		return bcase{name: "yaml: " + name, method: method, target: target, ctype: ctype, body: []byte(body)}
	}
	const y = "application/yaml"
	var laughs strings.Builder
	laughs.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 'b'; i <= 'j'; i++ {
		fmt.Fprintf(&laughs, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return []bcase{
		c("malformed", y, "questions: [\n"), c("a tab for indentation", y, "questions:\n\t- id: a\n"),
		c("only a colon", y, ": :"), c("empty", y, ""), c("a list", y, "- a\n- b\n"), c("a scalar", y, "hello"),
		c("null", y, "~"), c("a NUL byte", y, "questions: \x00\n"), c("a NUL escape", y, "questions: \"a\\0b\"\n"),
		c("invalid UTF-8", y, "questions: \"\xff\"\n"), c("UTF-16", y, string(utf16LE("questions: []\n"))),
		c("a duplicate key", y, "rules: []\nrules: []\n"), c("aliases that expand", y, laughs.String()),
		c("nested past any depth", y, strings.Repeat("[", 20000)+strings.Repeat("]", 20000)),
		c("two documents", y, "questions: []\n---\nrules: []\n"), c("a binary tag", y, "questions: !!binary AAAA\n"),
		c("a foreign tag", y, "questions: !!python/object:os.system [ls]\n"), c("a huge number", y, "version: 1e400\nquestions: 99999999999999999999999\n"),
		c("a merge key", y, "base: &b {id: x}\nquestions: [{<<: *b}]\n"), c("a wrong type", y, "questions: x\nrules: 1\ncriteria: []\nexclusions: true\n"),
		c("over 1 MiB", y, "questions: \""+strings.Repeat("x", 1<<20)+"\"\n"),
		c("the definition with a NUL in a text", y, strings.Replace(string(base), `"`, "\"\\0", 1)),
		c("text/yaml in Latin-1", "text/yaml; charset=iso-8859-1", string(base)),
		c("application/x-yaml malformed", "application/x-yaml", "{"),
	}
}

// TestBatteryFormCases: the multipart and YAML cases are each a request of their own — a
// distinct name (the key of a failure and of knownFailing) and a distinct request — aimed
// at the operation they were made for.
func TestBatteryFormCases(t *testing.T) {
	t.Parallel()
	sets := map[string][]bcase{
		"multipart":             multipartCases("POST", "/api/v1/x", false, nil),
		"multipart with report": multipartCases("POST", "/api/v1/x", true, []byte(`{"title":"t"}`)),
		"yaml":                  yamlCases("PUT", "/api/v1/x", []byte("version: 1\n")),
	}
	for set, cs := range sets {
		if len(cs) < 5 {
			t.Errorf("%s: only %d cases", set, len(cs))
		}
		names, requests := map[string]bool{}, map[string]string{}
		for _, c := range cs {
			if c.name == "" || names[c.name] {
				t.Errorf("%s: case name %q is empty or given twice", set, c.name)
			}
			names[c.name] = true
			if c.target != "/api/v1/x" || c.method == "" {
				t.Errorf("%s: %q is sent as %s %s", set, c.name, c.method, c.target)
			}
			req := c.ctype + "\n" + string(c.body) + "\n" + strconv.FormatInt(c.stream, 10)
			if other, ok := requests[req]; ok {
				t.Errorf("%s: %q sends the same request as %q", set, c.name, other)
			}
			requests[req] = c.name
		}
	}
}

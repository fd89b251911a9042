package app

import (
	"encoding/json"
	"strings"
	"testing"

	"meldpunt/internal/desk"
)

func TestParseQuestionnaire(t *testing.T) {
	t.Parallel()
	def := desk.DefaultQuestionnaire()
	js, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseQuestionnaire(js)
	if err != nil || q.Hash() != def.Hash() {
		t.Fatalf("JSON round trip: %v", err)
	}
	yml := `
version: 0
questions:
  - id: down
    kind: yes_no
    required: true
    text: {nl: "Ligt het eruit?", en: "Is it down?"}
  - id: who
    kind: single
    required: true
    text: {nl: "Wie?", en: "Who?"}
    options:
      - {id: all, text: {nl: Iedereen, en: Everyone}}
      - {id: one, text: {nl: Eén, en: One}}
rules:
  - {question: down, any_of: ["yes"], criterion: unavailable}
  - {question: down, any_of: ["yes"], urgency: high}
  - {question: who, any_of: [all], impact: high}
  - {question: who, any_of: [one], impact: low}
criteria: {}
exclusions: {}
`
	q, err = ParseQuestionnaire([]byte(yml))
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	if len(q.Questions) != 2 || q.Questions[1].Options[0].Text[desk.LocaleEN] != "Everyone" || q.Rules[0].AnyOf[0] != "yes" {
		t.Fatalf("YAML read as %+v", q)
	}
	// It parses, but the definition is incomplete: validation names what is missing.
	e, ok := q.Validate().(*desk.Error)
	if !ok || !strings.Contains(e.Error(), "criteria.unavailable") {
		t.Fatalf("validation: %v", q.Validate())
	}
	for name, tc := range map[string]struct{ in, field, rule string }{
		"empty":                    {"  ", "definition", "format"},
		"broken JSON":              {`{"questions": [`, "definition", "format"},
		"broken YAML":              {"questions: [\n  - id: x\n text", "definition", "format"},
		"unknown field":            {`{"questions": [], "colour": "red"}`, "colour", "unknown_field"},
		"unknown YAML":             {"questionz: []", "questionz", "unknown_field"},
		"a key in another case":    {`{"Questions": []}`, "Questions", "unknown_field"},
		"a wrong type":             {"questions:\n  - id: x\n    kind: 5\n", "questions[0].kind", "type"},
		"a key twice":              {`{"questions": [], "questions": []}`, "questions", "duplicate_key"},
		"a key twice, YAML":        {"questions: []\nquestions: []\n", "questions", "duplicate_key"},
		"a nested key twice, YAML": {"questions:\n  - id: a\n    kind: yes_no\n    \"id\": b\n", "questions[0].id", "duplicate_key"},
		"a key twice, YAML flow":   {"questions: [{id: a, text: {nl: x, en: y, nl: z}}]", "questions[0].text.nl", "duplicate_key"},
		"too large":                {"{" + strings.Repeat(" ", MaxDefinition) + "}", "definition", "format"},
	} {
		_, err := ParseQuestionnaire([]byte(tc.in))
		e, ok := err.(*desk.Error)
		if !ok || e.Code != desk.EINVALID || e.Fields[0].Field != tc.field || e.Fields[0].Rule != tc.rule {
			t.Errorf("%s: %v, want %s %s", name, err, tc.field, tc.rule)
		} else if strings.Contains(e.Fields[0].Message, "Go ") || strings.Contains(e.Fields[0].Message, "desk.") {
			t.Errorf("%s: a Go type in %q", name, e.Fields[0].Message)
		}
	}
}

func TestCleanFileNameAndSniff(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"screenshot.png": "screenshot.png", `C:\Users\anna\log.txt`: "log.txt", "../../etc/passwd": "passwd",
		"a\"b\r\n.txt": "ab.txt", "..": "", "/": "", "invoice\u202egnp.exe": "invoicegnp.exe",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if got := sniff(png); got != "image/png" {
		t.Errorf("png sniffed as %s", got)
	}
	if got := sniff([]byte("<html><script>alert(1)</script>")); got != "text/html" {
		t.Errorf("html sniffed as %s", got)
	}
	_, errs := checkFiles([]File{{Name: "page.png", Data: []byte("<html><body>hi")}, {Name: "log.txt", Data: []byte("12:00 error\n")}})
	if len(errs) != 1 || errs[0].Field != "files[0]" || errs[0].Rule != "type" {
		t.Errorf("HTML named .png accepted, or text refused: %v", errs)
	}
}

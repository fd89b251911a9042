package i18n

import (
	"fmt"
	"strconv"
	"strings"
)

// The catalog files are YAML, written in a small part of it that parse reads line by line,
// so that loading copies no text: every plain text, and every quoted one without escapes,
// stays a substring of the file compiled into the binary. Decoding the same files with
// go.yaml.in/yaml/v3 allocated 1.5 MB (this: 0.14 MB), took several times as long, and left
// the idle server 1.3 MB larger (docs/i18n.md). A test decodes the files with yaml/v3
// and requires the same texts, so what parse accepts means what YAML says it means. The
// part of YAML used:
//
//	# a comment line, or an empty line
//	key: a plain text, to the end of the line # a comment
//	key: "a text in double quotes: for one with ': ', ' #', or a special first character"
//	key: "…" # leaves out {{.Zone}}   (this language does without that template field)
//	key:
//	  one: the form for a count of one
//	  other: the form for every other count
//
// A key starts its line; the forms of a plural text are indented. Anything else (block
// scalars, flow collections, single quotes, anchors, tabs) is refused with the line number.

// parse reads one language's file: its texts by key, and per key the template fields the
// text's line comment says this language leaves out. name is only for messages.
func parse(name, src string) (texts map[string]message, leftOut map[string][]string, problems []error) {
	bad := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	texts = make(map[string]message, strings.Count(src, "\n"))
	leftOut = map[string][]string{}
	open, openLine := "", 0 // a plural text whose forms follow, and its line
	var forms message
	closeOpen := func() {
		if open == "" {
			return
		}
		if forms.one == "" || forms.other == "" {
			bad(openLine, "%s: a text with plural forms needs both one: and other:", open)
		}
		texts[open], open, forms = forms, "", message{}
	}
	for n := 1; src != ""; n++ {
		var line string
		line, src, _ = strings.Cut(src, "\n")
		line = strings.TrimSuffix(line, "\r")
		body := strings.TrimLeft(line, " ")
		if body == "" || body[0] == '#' {
			continue
		}
		if body[0] == '\t' {
			bad(n, "indent with spaces, not tabs")
			continue
		}
		key, rest, ok := strings.Cut(body, ":")
		if !ok || (rest != "" && rest[0] != ' ') {
			bad(n, "want \"key: text\"")
			continue
		}
		value, comment, err := scalar(strings.TrimLeft(rest, " "))
		if err != nil {
			bad(n, "%s: %v", key, err)
			continue
		}
		if len(body) < len(line) { // indented: a form of the plural text above
			switch {
			case open == "":
				bad(n, "%s: only the forms of a text with plural forms (\"key:\" alone on the line above) are indented", key)
			case key != "one" && key != "other":
				bad(n, "%s: %q is no plural form of Dutch or English; use one: and other:", open, key)
			case value == "":
				bad(n, "%s.%s is empty", open, key)
			case key == "one" && forms.one != "", key == "other" && forms.other != "":
				bad(n, "%s: the form %s is given twice", open, key)
			case key == "one":
				forms.one = value
			default:
				forms.other = value
			}
			continue
		}
		closeOpen()
		if !validKey(key) {
			bad(n, "%q is no key: use letters, digits, _ and -, joined by dots", key)
			continue
		}
		if _, dup := texts[key]; dup {
			bad(n, "%s is defined twice", key)
			continue
		}
		if fields, ok := strings.CutPrefix(comment, leavesOut); ok {
			leftOut[key] = actions(fields)
		}
		if rest := strings.TrimSpace(rest); rest == "" || rest[0] == '#' { // the plural forms follow
			open, openLine = key, n
			continue
		}
		if value == "" {
			bad(n, "%s is empty", key)
			continue
		}
		texts[key] = message{other: value}
	}
	closeOpen()
	return texts, leftOut, problems
}

// leavesOut starts the comment on a text's line that names the template fields this
// language leaves out although the others use them: "# leaves out {{.Zone}}".
const leavesOut = "leaves out "

// scalar reads the value of a line: a plain text or one in double quotes, and the comment
// after it ("" for none). A plain text that YAML would read differently (as a number, a
// boolean, null, or with a special first character) must be quoted.
func scalar(s string) (value, comment string, err error) {
	if s == "" {
		return "", "", nil
	}
	if s[0] == '#' {
		return "", strings.TrimSpace(s[1:]), nil
	}
	if s[0] == '"' {
		end := 1
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(s) {
			return "", "", fmt.Errorf("the quoted text does not end on its line")
		}
		value = s[1:end]
		if strings.ContainsRune(value, '\\') {
			if value, err = unescape(value); err != nil {
				return "", "", err
			}
		}
		after := strings.TrimLeft(s[end+1:], " ")
		if after != "" && after[0] != '#' {
			return "", "", fmt.Errorf("text after the closing quote")
		}
		return value, strings.TrimSpace(strings.TrimPrefix(after, "#")), nil
	}
	if i := strings.Index(s, " #"); i >= 0 {
		value, comment = s[:i], strings.TrimSpace(s[i+2:])
	} else {
		value = s
	}
	value = strings.TrimRight(value, " ")
	switch {
	case strings.ContainsRune("-?:,[]{}#&*!|>'%@`", rune(value[0])):
		return "", "", fmt.Errorf("a text starting with %q must be in double quotes", value[0])
	case strings.Contains(value, ": ") || strings.HasSuffix(value, ":"):
		return "", "", fmt.Errorf("a text with a colon followed by a space or ending in one must be in double quotes")
	case strings.ContainsRune(value, '\t'):
		return "", "", fmt.Errorf("a text with a tab must be in double quotes, the tab written \\t")
	case notText(value):
		return "", "", fmt.Errorf("YAML reads %q as no text: put it in double quotes", value)
	}
	return value, comment, nil
}

// notText tells whether YAML would read a plain value as a boolean, null or number.
func notText(s string) bool {
	if len(s) > 5 { // longer than any of these words: a number, then
		if c := s[0]; c != '+' && c != '-' && c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan":
		return true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	_, err := strconv.ParseInt(s, 0, 64)
	return err == nil
}

// unescape reads the escapes of a double-quoted YAML text that a catalog needs: \" \\ \n
// \t and \u followed by four hex digits.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			return "", fmt.Errorf("a backslash ends the text")
		}
		switch s[i] {
		case '"', '\\', '/':
			b.WriteByte(s[i])
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("\\u needs four hex digits")
			}
			r, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
			if err != nil {
				return "", fmt.Errorf("\\u needs four hex digits")
			}
			b.WriteRune(rune(r))
			i += 4
		default:
			return "", fmt.Errorf("the escape \\%c is not one a catalog uses (\\\" \\\\ \\n \\t \\uXXXX)", s[i])
		}
	}
	return b.String(), nil
}

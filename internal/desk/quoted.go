package desk

import (
	"regexp"
	"strings"
)

// StripQuoted returns what a person wrote in an email reply, without the history their mail
// program quoted below it: lines starting with ">", everything from an attribution line
// ("On … wrote:", "Op … schreef …:", also wrapped over two lines), an "Original Message"
// separator or an Outlook header block ("From:" then "Sent:"), and a signature after a "-- "
// line. Text between quoted lines (an answer written inline) is kept. Line ends become "\n";
// leading and trailing blank lines go.
func StripQuoted(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	var kept []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, ">") {
			continue
		}
		if endsHere(lines, i) {
			if n := len(kept); n > 0 && isRule(kept[n-1]) {
				kept = kept[:n-1] // Outlook's line above its header block
			}
			break
		}
		kept = append(kept, strings.TrimRight(line, " \t"))
	}
	// Drop the blank lines a removed quote leaves at either end.
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	for len(kept) > 0 && strings.TrimSpace(kept[0]) == "" {
		kept = kept[1:]
	}
	return strings.Join(kept, "\n")
}

var (
	// attribution matches the line a mail program writes above the quoted message, in
	// English, Dutch (Gmail, Outlook and Apple Mail), German and French.
	attribution = regexp.MustCompile(`(?i)^(on\s.+\swrote|op\s.+\s(schreef\s.+|geschreven)|am\s.+\sschrieb\s.+|le\s.+\sa\s+écrit)\s*:$`)
	// attributionStart is how such a line begins, for one that is wrapped over two lines.
	attributionStart = regexp.MustCompile(`(?i)^(on|op|am|le)\s`)
	// separator matches "-----Original Message-----" and its Dutch, German and French kin.
	separator = regexp.MustCompile(`(?i)^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|ursprüngliche nachricht|message d'origine)\s*-{2,}$`)
	// headerFrom and headerSent match the first two lines of Outlook's header block above a
	// quoted message, with the bold stars a converted HTML message may carry.
	headerFrom = regexp.MustCompile(`(?i)^\*?(from|van|von|de)\s*:\*?\s*\S`)
	headerSent = regexp.MustCompile(`(?i)^\*?(sent|date|verzonden|datum|gesendet|envoyé)\s*:\*?\s*\S`)
)

// endsHere tells whether lines[i] starts the quoted history or the signature.
func endsHere(lines []string, i int) bool {
	line := strings.TrimSpace(lines[i])
	if lines[i] == "-- " || lines[i] == "--" || line == "-- " {
		return true // the signature separator, "-- " (some programs drop the space)
	}
	if separator.MatchString(line) || attribution.MatchString(line) {
		return true
	}
	next := ""
	if i+1 < len(lines) {
		next = strings.TrimSpace(lines[i+1])
	}
	if attributionStart.MatchString(line) && next != "" && attribution.MatchString(line+" "+next) {
		return true // Gmail wraps a long attribution line
	}
	if headerFrom.MatchString(line) {
		// Outlook: "From:" followed within a few lines by "Sent:"; a lone "From:" is text.
		for j := i + 1; j < len(lines) && j <= i+3; j++ {
			if headerSent.MatchString(strings.TrimSpace(lines[j])) {
				return true
			}
		}
	}
	return false
}

// isRule tells whether a line is a horizontal rule of underscores, as Outlook puts above
// its header block.
func isRule(line string) bool {
	line = strings.TrimSpace(line)
	return len(line) >= 10 && strings.Trim(line, "_") == ""
}

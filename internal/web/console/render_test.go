package console

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
)

// TestTemplateKeys checks that every text a template or the Go code asks for exists in
// both languages, and every value of the vocabularies that pages label.
func TestTemplateKeys(t *testing.T) {
	used := map[string]string{} // key → where
	tplKey := regexp.MustCompile(`\.T\s+"([^"]+)"`)
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		b, _ := templateFS.ReadFile(f)
		for _, m := range tplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	// Keys in the Go code: string literals that look like catalog keys.
	goKey := regexp.MustCompile(`"((?:login|forgot|reset|setup|incidents?|form|field|error|nav|lang|filter|col|write|transition|assign|decide|password)\.[a-z0-9_.]+)"`)
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			if strings.HasPrefix(k, "error.") && !strings.HasPrefix(k, "error.to_") {
				used[k+".title"], used[k+".text"] = f, f // errorPage adds the suffixes
				continue
			}
			if k == "field." { // fieldMessage adds the rule
				continue
			}
			used[k] = f
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys; is the pattern broken?", len(used))
	}
	labels := map[string][]string{
		"state": desk.StateNames(), "kind": {string(desk.KindUrgent), string(desk.KindRegular)},
		"level": desk.LevelNames(), "role": desk.RoleNames(), "waiting": {string(desk.WaitingOnClient), string(desk.WaitingOnThirdParty)},
		"entry": {string(desk.EntryReply), string(desk.EntryNote), string(desk.EntryState), string(desk.EntrySystem)},
	}
	for _, p := range desk.Priorities {
		labels["priority"] = append(labels["priority"], p.String())
	}
	for _, c := range desk.Channels {
		labels["channel"] = append(labels["channel"], string(c))
	}
	for fam, vals := range labels {
		for _, v := range vals {
			used[fam+"."+v] = "label"
		}
	}
	for _, rule := range []string{"required", "min_length", "max_length", "email", "one_of", "same", "number"} {
		used["field."+rule] = "fieldMessage"
	}
	for k, where := range used {
		for _, l := range i18n.Locales() {
			if !i18n.Has(l, k) {
				t.Errorf("%s uses %q, which %s lacks", where, k, l)
			}
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	rd, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"error", "login", "forgot", "reset", "setup", "incidents", "incident"} {
		if rd.pages[name] == nil {
			t.Errorf("no page %s", name)
		}
	}
	if _, err := newRenderer("nonexistent"); err == nil {
		t.Error("a missing page parses")
	}
}

func TestFieldMessage(t *testing.T) {
	for _, c := range []struct {
		l    desk.Locale
		fe   desk.FieldError
		want string
	}{
		{desk.LocaleNL, desk.FieldError{Rule: "required", Message: "is required"}, "Vul dit veld in."},
		{desk.LocaleEN, desk.FieldError{Rule: "min_length", Message: "must be at least 10 characters"}, "Use at least 10 characters."},
		{desk.LocaleNL, desk.FieldError{Rule: "max_length", Message: "must be at most 200 characters (it has 250)"}, "Gebruik hoogstens 200 tekens."},
		{desk.LocaleNL, desk.FieldError{Rule: "unknown_rule", Message: "as the domain says"}, "as the domain says"},
	} {
		if got := fieldMessage(c.l, c.fe); got != c.want {
			t.Errorf("fieldMessage(%s, %+v) = %q, want %q", c.l, c.fe, got, c.want)
		}
	}
}

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
	t.Parallel()
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
	goKey := regexp.MustCompile(`"((?:login|forgot|reset|setup|incidents?|form|field|error|nav|lang|filter|col|write|transition|assign|decide|password|report|intake|files|verdict|dur|age|triage|assess|classify|confirm|record|questionnaire|outbox|webhooks)\.[a-z0-9_.]+)"`)
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
	labels["verdict"] = []string{string(desk.VerdictUrgent), string(desk.VerdictRegular)}
	labels["criterion"], labels["exclusion"] = desk.Criteria, desk.Exclusions
	labels["hours"] = []string{string(desk.Hours24x7), string(desk.HoursBusiness)}
	labels["urgency"], labels["impact"] = desk.LevelNames(), desk.LevelNames()
	labels["assessment"] = []string{string(desk.AssessmentPending), string(desk.AssessmentApproved), string(desk.AssessmentReclassified)}
	labels["qkind"] = []string{string(desk.QuestionSingle), string(desk.QuestionMulti), string(desk.QuestionYesNo)}
	labels["lang"] = []string{string(desk.LocaleNL), string(desk.LocaleEN)}
	labels["change"] = []string{"kind", "urgency", "impact", "priority"}
	labels["solution_kind"] = desk.SolutionKindNames()
	labels["webhooks.event"] = append([]string{desk.EventWebhookTest}, desk.WebhookEvents...)
	labels["webhooks.format"] = []string{string(desk.WebhookStandard), string(desk.WebhookSlack)}
	labels["webhooks.format_short"], labels["webhooks.format_hint"] = labels["webhooks.format"], labels["webhooks.format"]
	for _, v := range desk.Vias {
		labels["via"] = append(labels["via"], string(v))
	}
	labels["event"] = []string{desk.EventRegistered, desk.EventReclassified, desk.EventAssigned, desk.EventWaitingOn,
		desk.EventReported, desk.EventApproved, desk.EventToRegular, desk.EventAttached, desk.EventAutoClosed, desk.EventReopened, "reason", "criteria", "exclusions", "same", "none"}
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
	for _, rule := range []string{"required", "min_length", "max_length", "email", "one_of", "same", "number",
		"confirm", "url", "scheme", "credentials", "fragment", "reachable", "unique"} {
		used["field."+rule] = "fieldMessage"
	}
	texts := loadCatalog(t)
	for k, where := range used {
		for _, l := range i18n.Locales() {
			if !texts.Has(l, k) {
				t.Errorf("%s uses %q, which %s lacks", where, k, l)
			}
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	rd, err := newRenderer(loadCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"error", "login", "forgot", "reset", "setup", "incidents", "incident", "report", "intake", "triage", "questionnaire"} {
		if _, ok := rd.pages[name]; !ok {
			t.Errorf("no page %s", name)
		}
	}
	if len(rd.pages) < 15 {
		t.Errorf("only %d pages", len(rd.pages))
	}
	for name := range rd.pages { // pages are parsed when first shown: parse them all here
		if p, err := rd.page(name); err != nil || p.Lookup("layout") == nil {
			t.Errorf("page %s: %v", name, err)
		}
	}
	if _, err := newRenderer(loadCatalog(t), "nonexistent"); err == nil {
		t.Error("a missing page parses")
	}
	if _, err := newRenderer(nil); err == nil {
		t.Error("pages without texts")
	}
}

func TestFieldMessage(t *testing.T) {
	t.Parallel()
	texts := loadCatalog(t)
	for _, c := range []struct {
		l    desk.Locale
		fe   desk.FieldError
		want string
	}{
		{desk.LocaleNL, desk.FieldError{Rule: "required", Message: "is required"}, "Vul dit veld in."},
		{desk.LocaleEN, desk.FieldError{Rule: "min_length", Message: "must be at least 10 characters"}, "Use at least 10 characters."},
		{desk.LocaleNL, desk.FieldError{Rule: "max_length", Message: "must be at most 200 characters (it has 250)"}, "Gebruik hoogstens 200 tekens."},
		{desk.LocaleEN, desk.FieldError{Rule: "min_length", Message: "must be at least 1 character"}, "Use at least 1 character."},
		{desk.LocaleNL, desk.FieldError{Rule: "max_length", Message: "must be at most 1 character"}, "Gebruik hoogstens 1 teken."},
		{desk.LocaleEN, desk.FieldError{Rule: "min_length", Message: "too short"}, "too short"},
		{desk.LocaleNL, desk.FieldError{Rule: "unknown_rule", Message: "as the domain says"}, "as the domain says"},
	} {
		if got := fieldMessage(&view{Locale: c.l, texts: texts}, c.fe); got != c.want {
			t.Errorf("fieldMessage(%s, %+v) = %q, want %q", c.l, c.fe, got, c.want)
		}
	}
}

func TestEventsOfReports(t *testing.T) {
	t.Parallel()
	texts := loadCatalog(t)
	for _, c := range []struct {
		l    desk.Locale
		e    desk.TimelineEntry
		want string
	}{
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventReported, Args: []string{"verdict:urgent", "criterion:unavailable", "criterion:security_risk", "priority:P1"}},
			"Gemeld met de vragenlijst: spoedmelding, prioriteit P1. Van toepassing: onbereikbaar, beveiligingsrisico."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventReported, Args: []string{"verdict:regular", "criterion:unavailable", "exclusion:workaround_available", "priority:P3"}},
			"Reported with the questionnaire: regular support, priority P3. Applies: unavailable. Not urgent because: workaround available."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventApproved},
			"Assessed by the service desk: an urgent report, handled with priority."},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventApproved, Args: []string{"text:We pakken het nu op."}},
			"Beoordeeld door de servicedesk: dit is een spoedmelding en wordt met voorrang behandeld. Reden: We pakken het nu op."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventToRegular, Args: []string{"text:A: b"}},
			"Assessed by the service desk: not an urgent report; handled as regular support. Reason: A: b"},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventAttached, Args: []string{"text:log: 1.txt"}}, "Bestand log: 1.txt toegevoegd."},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventAutoClosed, Args: []string{"hours:24"}}, "Automatisch gesloten: geen reactie binnen 24 uur."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventAutoClosed, Args: []string{"hours:48"}}, "Closed automatically: no reaction within 48 hours."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventAutoClosed, Args: []string{"hours:1"}}, "Closed automatically: no reaction within 1 hour."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventReopened}, "Reopened: the client replied to the solution."},
		{desk.LocaleNL, desk.TimelineEntry{Event: desk.EventReclassified, Args: []string{"field:urgency", "level:high", "level:low",
			"field:priority", "priority:P2", "priority:P4", "text:Alleen de testwinkel."}},
			"Classificatie gewijzigd: urgentie Hoog → Laag, prioriteit P2 → P4. Reden: Alleen de testwinkel."},
		{desk.LocaleEN, desk.TimelineEntry{Event: desk.EventReclassified, Args: []string{"field:kind", "kind:urgent", "kind:regular", "text:"}},
			"Classification changed: kind Urgent report → Regular."},
	} {
		v := &view{Locale: c.l, texts: texts}
		if got := v.Event(c.e); got != c.want {
			t.Errorf("%s %v:\n got %q\nwant %q", c.l, c.e.Args, got, c.want)
		}
	}
}

func TestMinutes(t *testing.T) {
	t.Parallel()
	texts := loadCatalog(t)
	for _, c := range []struct {
		l    desk.Locale
		m    int
		want string
	}{
		{desk.LocaleNL, 30, "30 minuten"}, {desk.LocaleNL, 60, "1 uur"}, {desk.LocaleNL, 90, "1 uur en 30 minuten"},
		{desk.LocaleEN, 1, "1 minute"}, {desk.LocaleEN, 240, "4 hours"}, {desk.LocaleEN, 61, "1 hour and 1 minute"},
		{desk.LocaleNL, 1, "1 minuut"}, {desk.LocaleNL, 121, "2 uur en 1 minuut"}, {desk.LocaleEN, 0, "0 minutes"},
		{desk.LocaleEN, 62, "1 hour and 2 minutes"},
	} {
		v := &view{Locale: c.l, texts: texts}
		if got := v.Minutes(c.m); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.l, c.m, got, c.want)
		}
	}
}

// loadCatalog returns the catalog compiled into the binary.
func loadCatalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

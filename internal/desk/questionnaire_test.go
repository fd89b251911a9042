package desk

import (
	"slices"
	"strings"
	"testing"
)

// calm answers every question of the default questionnaire so that nothing applies: the
// site is up, a malfunction without damage, risk or impact, no workaround needed.
func calm() Answers {
	return Answers{
		"availability": {"up"}, "request_type": {"malfunction"}, "financial_damage": {"no"},
		"security": {"no"}, "essential_function": {"no"}, "end_users": {"no"}, "workaround": {"no"},
		"business_process": {"hindered"}, "users": {"some"},
	}
}

func with(a Answers, kv ...string) Answers {
	out := Answers{}
	for k, v := range a {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

func TestEvaluateDefault(t *testing.T) {
	t.Parallel()
	q := DefaultQuestionnaire()
	tests := []struct {
		name       string
		answers    Answers
		verdict    Verdict
		criteria   []string
		exclusions []string
	}{
		{"nothing applies", calm(), VerdictRegular, nil, nil},
		// Each criterion alone makes a report urgent.
		{"fully unavailable", with(calm(), "availability", "down"), VerdictUrgent, []string{CriterionUnavailable}, nil},
		{"largely unavailable", with(calm(), "availability", "mostly_down"), VerdictUrgent, []string{CriterionUnavailable}, nil},
		{"partly unavailable is not enough", with(calm(), "availability", "partly"), VerdictRegular, nil, nil},
		{"financial damage", with(calm(), "financial_damage", "yes"), VerdictUrgent, []string{CriterionFinancialDamage}, nil},
		{"security risk", with(calm(), "security", "yes"), VerdictUrgent, []string{CriterionSecurityRisk}, nil},
		{"essential function down", with(calm(), "essential_function", "yes"), VerdictUrgent, []string{CriterionEssentialFunctionDown}, nil},
		{"business impact", with(calm(), "end_users", "yes"), VerdictUrgent, []string{CriterionBusinessImpact}, nil},
		// Each exclusion alone: regular, and named.
		{"design change", with(calm(), "request_type", "design"), VerdictRegular, nil, []string{ExclusionDesignChange}},
		{"content change", with(calm(), "request_type", "content"), VerdictRegular, nil, []string{ExclusionContentChange}},
		{"feature request", with(calm(), "request_type", "feature"), VerdictRegular, nil, []string{ExclusionFeatureRequest}},
		{"minor bug", with(calm(), "request_type", "minor_bug"), VerdictRegular, nil, []string{ExclusionMinorBug}},
		{"workaround", with(calm(), "workaround", "yes"), VerdictRegular, nil, []string{ExclusionWorkaroundAvailable}},
		// Combinations: an exclusion outweighs every criterion.
		{"all criteria, a workaround", with(calm(), "availability", "down", "financial_damage", "yes", "security", "yes",
			"essential_function", "yes", "end_users", "yes", "workaround", "yes"), VerdictRegular, Criteria, []string{ExclusionWorkaroundAvailable}},
		{"down, but a design change", with(calm(), "availability", "down", "request_type", "design"), VerdictRegular,
			[]string{CriterionUnavailable}, []string{ExclusionDesignChange}},
		{"data leak reported as a content change", with(calm(), "security", "yes", "request_type", "content"), VerdictRegular,
			[]string{CriterionSecurityRisk}, []string{ExclusionContentChange}},
		{"two exclusions", with(calm(), "request_type", "feature", "workaround", "yes"), VerdictRegular, nil,
			[]string{ExclusionFeatureRequest, ExclusionWorkaroundAvailable}},
		{"several criteria, in the procedure's order", with(calm(), "end_users", "yes", "availability", "down", "security", "yes"), VerdictUrgent,
			[]string{CriterionUnavailable, CriterionSecurityRisk, CriterionBusinessImpact}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := q.CheckAnswers(tt.answers); err != nil {
				t.Fatalf("answers: %v", err)
			}
			e := q.Evaluate(tt.answers, DefaultMatrix)
			if e.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", e.Verdict, tt.verdict)
			}
			if !slices.Equal(e.Criteria, orEmpty(tt.criteria)) {
				t.Errorf("criteria %v, want %v", e.Criteria, tt.criteria)
			}
			if !slices.Equal(e.Exclusions, orEmpty(tt.exclusions)) {
				t.Errorf("exclusions %v, want %v", e.Exclusions, tt.exclusions)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestEvaluateUrgencyImpactPriority(t *testing.T) {
	t.Parallel()
	q := DefaultQuestionnaire()
	for _, tt := range []struct {
		process, users  string
		urgency, impact Level
		priority        Priority
	}{
		{"stopped", "all", High, High, P1},
		{"stopped", "one", High, Low, P3},
		{"hindered", "some", Normal, Normal, P3},
		{"none", "all", Low, High, P3},
		{"none", "one", Low, Low, P5},
	} {
		e := q.Evaluate(with(calm(), "business_process", tt.process, "users", tt.users), DefaultMatrix)
		if e.Urgency != tt.urgency || e.Impact != tt.impact || e.Priority != tt.priority {
			t.Errorf("%s/%s: %s × %s = %s, want %s × %s = %s", tt.process, tt.users, e.Urgency, e.Impact, e.Priority, tt.urgency, tt.impact, tt.priority)
		}
	}
	// A configured matrix is used.
	m := DefaultMatrix
	m[1][1] = P2
	if e := q.Evaluate(calm(), m); e.Priority != P2 {
		t.Errorf("priority %s from a changed matrix, want P2", e.Priority)
	}
}

func TestCheckAnswers(t *testing.T) {
	t.Parallel()
	q := DefaultQuestionnaire()
	tests := []struct {
		name    string
		answers Answers
		field   string
		rule    string
	}{
		{"unknown question", with(calm(), "colour", "red"), "answers.colour", "unknown_question"},
		{"unknown option", with(calm(), "users", "everyone"), "answers.users", "unknown_option"},
		{"yes/no takes yes or no", with(calm(), "security", "maybe"), "answers.security", "unknown_option"},
		{"two answers to a single question", func() Answers { a := calm(); a["users"] = []string{"all", "one"}; return a }(), "answers.users", "single"},
		{"missing answer", func() Answers { a := calm(); delete(a, "workaround"); return a }(), "answers.workaround", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := q.CheckAnswers(tt.answers).(*Error)
			if !ok || !hasField(e, tt.field, tt.rule) {
				t.Fatalf("got %v, want %s %s", e, tt.field, tt.rule)
			}
		})
	}
}

func hasField(e *Error, field, rule string) bool {
	for _, f := range e.Fields {
		if f.Field == field && f.Rule == rule {
			return true
		}
	}
	return false
}

func TestValidateDefinition(t *testing.T) {
	t.Parallel()
	if err := func() *Questionnaire { q := DefaultQuestionnaire(); return &q }().Validate(); err != nil {
		t.Fatalf("the default is invalid: %v", err)
	}
	tests := []struct {
		name   string
		change func(q *Questionnaire)
		field  string
		rule   string
	}{
		{"rule about an unknown question", func(q *Questionnaire) { q.Rules[0].Question = "nope" }, "rules[0].question", "exists"},
		{"rule about an unknown option", func(q *Questionnaire) { q.Rules[0].AnyOf = []string{"sideways"} }, "rules[0].any_of[0]", "exists"},
		{"rule with an unknown criterion", func(q *Questionnaire) { q.Rules[0].Criterion = "bad_weather" }, "rules[0].criterion", "one_of"},
		{"rule that does nothing", func(q *Questionnaire) { q.Rules[0].Criterion = "" }, "rules[0]", "effect"},
		{"rule that does two things", func(q *Questionnaire) { q.Rules[0].Urgency = High }, "rules[0]", "effect"},
		{"missing English text", func(q *Questionnaire) { delete(q.Questions[0].Text, LocaleEN) }, "questions[0].text.en", "translation"},
		{"missing option translation", func(q *Questionnaire) { q.Questions[0].Options[1].Text[LocaleNL] = " " }, "questions[0].options[1].text.nl", "translation"},
		{"a language Meldpunt does not speak", func(q *Questionnaire) { q.Questions[0].Text["de"] = "Erreichbar?" }, "questions[0].text.de", "locale"},
		{"duplicate question id", func(q *Questionnaire) { q.Questions[1].ID = q.Questions[0].ID }, "questions[1].id", "unique"},
		{"bad question id", func(q *Questionnaire) { q.Questions[0].ID = "Availability!" }, "questions[0].id", "id"},
		{"single question with one option", func(q *Questionnaire) { q.Questions[0].Options = q.Questions[0].Options[:1] }, "questions[0].options", "count"},
		{"nothing sets the impact", func(q *Questionnaire) {
			q.Rules = slices.DeleteFunc(q.Rules, func(r Rule) bool { return r.Impact != "" })
		}, "rules", "impact"},
		{"a criterion without a description", func(q *Questionnaire) { delete(q.Criteria, CriterionSecurityRisk) }, "criteria.security_risk.nl", "translation"},
		{"an unknown exclusion described", func(q *Questionnaire) { q.Exclusions["typo"] = Text{LocaleNL: "x", LocaleEN: "x"} }, "exclusions.typo", "one_of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := DefaultQuestionnaire()
			tt.change(&q)
			e, ok := q.Validate().(*Error)
			if !ok || !hasField(e, tt.field, tt.rule) {
				t.Fatalf("got %v, want %s %s", e, tt.field, tt.rule)
			}
		})
	}
}

func TestProcedure(t *testing.T) {
	t.Parallel()
	nl, h1 := Procedure(LocaleNL, "Studio XVIV")
	en, h2 := Procedure(LocaleEN, "Studio XVIV")
	_, h3 := Procedure(LocaleNL, "Another Studio")
	if !strings.Contains(nl, "Studio XVIV beoordeelt of het incident voldoet") || !strings.Contains(en, "Studio XVIV assesses whether") {
		t.Error("the provider's name is not filled in")
	}
	if strings.Contains(nl+en, "{provider}") {
		t.Error("a placeholder is left")
	}
	if h1 == h2 || h1 == h3 || len(h1) != 64 {
		t.Errorf("hashes must differ per text: %s %s %s", h1, h2, h3)
	}
	if _, again := Procedure(LocaleNL, "Studio XVIV"); again != h1 {
		t.Error("the hash of the same text changed")
	}
}

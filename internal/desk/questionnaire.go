package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The urgency criteria of the urgent-report procedure: a report is urgent when at least one
// applies and no exclusion does.
const (
	CriterionUnavailable           = "unavailable"             // fully or largely unavailable
	CriterionFinancialDamage       = "financial_damage"        // direct financial damage, lost revenue
	CriterionSecurityRisk          = "security_risk"           // a security risk, a (suspected) data leak
	CriterionEssentialFunctionDown = "essential_function_down" // essential functions down, no workaround
	CriterionBusinessImpact        = "business_impact"         // immediate impact on end users or continuity
)

// The exclusions: requests that are never urgent, whatever else applies.
const (
	ExclusionDesignChange        = "design_change"        // design, layout or other visual change
	ExclusionContentChange       = "content_change"       // content, text or copy change
	ExclusionFeatureRequest      = "feature_request"      // extension, optimisation or feature
	ExclusionMinorBug            = "minor_bug"            // non-critical bug with limited impact
	ExclusionWorkaroundAvailable = "workaround_available" // a temporary workaround exists
)

// Criteria and Exclusions list the codes in the procedure's order.
var (
	Criteria   = []string{CriterionUnavailable, CriterionFinancialDamage, CriterionSecurityRisk, CriterionEssentialFunctionDown, CriterionBusinessImpact}
	Exclusions = []string{ExclusionDesignChange, ExclusionContentChange, ExclusionFeatureRequest, ExclusionMinorBug, ExclusionWorkaroundAvailable}
)

// Text is a text in each language Meldpunt speaks.
type Text map[Locale]string

// In returns the text in l, or in Dutch when l is missing.
func (t Text) In(l Locale) string {
	if s, ok := t[l]; ok && s != "" {
		return s
	}
	return t[LocaleNL]
}

// QuestionKind says how a question is answered.
type QuestionKind string

// Question kinds: one option, several options, yes or no.
const (
	QuestionSingle QuestionKind = "single"
	QuestionMulti  QuestionKind = "multi"
	QuestionYesNo  QuestionKind = "yes_no"
)

// Option is one possible answer to a question.
type Option struct {
	ID   string `json:"id"`
	Text Text   `json:"text"`
}

// Question is one question of the questionnaire.
type Question struct {
	ID       string       `json:"id"`
	Kind     QuestionKind `json:"kind"`
	Required bool         `json:"required"`
	Text     Text         `json:"text"`
	Help     Text         `json:"help,omitempty"`
	Options  []Option     `json:"options,omitempty"` // for single and multi; yes_no has "yes" and "no"
}

// optionIDs returns the ids a question accepts.
func (q Question) optionIDs() []string {
	if q.Kind == QuestionYesNo {
		return []string{"yes", "no"}
	}
	ids := make([]string, len(q.Options))
	for i, o := range q.Options {
		ids[i] = o.ID
	}
	return ids
}

// Rule maps an answer onto what it establishes: when question has one of the options
// (AnyOf), the rule adds a criterion or an exclusion, or sets the urgency or impact.
type Rule struct {
	Question  string   `json:"question"`
	AnyOf     []string `json:"any_of"`
	Criterion string   `json:"criterion,omitempty"`
	Exclusion string   `json:"exclusion,omitempty"`
	Urgency   Level    `json:"urgency,omitempty"`
	Impact    Level    `json:"impact,omitempty"`
}

// Questionnaire is one version of the definition of the urgent-report questionnaire. The
// default encodes the procedure's rules; admins may replace it. Each incident keeps the
// version it was answered with.
type Questionnaire struct {
	Version   int        `json:"version"`
	Questions []Question `json:"questions"`
	Rules     []Rule     `json:"rules"`
	// Criteria and Exclusions describe each code for the client, in plain words.
	Criteria   map[string]Text `json:"criteria"`
	Exclusions map[string]Text `json:"exclusions"`
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validate checks a definition: unique ids, options where needed, texts in both languages,
// rules that refer to existing questions and options and to known codes, and that urgency
// and impact can always be established.
func (q *Questionnaire) Validate() error {
	var v Validator
	text := func(field string, t Text, required bool) {
		for _, l := range []Locale{LocaleNL, LocaleEN} {
			s := t[l]
			if required && strings.TrimSpace(s) == "" {
				v.Add(field+"."+string(l), "translation", "the %s text is missing", l)
				continue
			}
			v.Text(field+"."+string(l), s, false, MaxDescription, true)
		}
		for l := range t {
			if l != LocaleNL && l != LocaleEN {
				v.Add(field+"."+string(l), "locale", "Meldpunt speaks nl and en, not %q", l)
			}
		}
	}
	if len(q.Questions) == 0 || len(q.Questions) > 50 {
		v.Add("questions", "count", "must hold between 1 and 50 questions")
	}
	byID := map[string]Question{}
	for i, qu := range q.Questions {
		f := fmt.Sprintf("questions[%d]", i)
		if !idRE.MatchString(qu.ID) {
			v.Add(f+".id", "id", "must be lower-case letters, digits and underscores, starting with a letter")
		} else if _, dup := byID[qu.ID]; dup {
			v.Add(f+".id", "unique", "%q is used twice", qu.ID)
		}
		byID[qu.ID] = qu
		v.OneOf(f+".kind", string(qu.Kind), true, []string{string(QuestionSingle), string(QuestionMulti), string(QuestionYesNo)})
		text(f+".text", qu.Text, true)
		text(f+".help", qu.Help, false)
		switch {
		case qu.Kind == QuestionYesNo && len(qu.Options) > 0:
			v.Add(f+".options", "none", "a yes_no question has the options yes and no; give no others")
		case qu.Kind != QuestionYesNo && (len(qu.Options) < 2 || len(qu.Options) > 20):
			v.Add(f+".options", "count", "must hold between 2 and 20 options")
		}
		seen := map[string]bool{}
		for j, o := range qu.Options {
			of := fmt.Sprintf("%s.options[%d]", f, j)
			if !idRE.MatchString(o.ID) {
				v.Add(of+".id", "id", "must be lower-case letters, digits and underscores, starting with a letter")
			} else if seen[o.ID] {
				v.Add(of+".id", "unique", "%q is used twice", o.ID)
			}
			seen[o.ID] = true
			text(of+".text", o.Text, true)
		}
	}
	sets := map[string]bool{} // "urgency", "impact": some rule sets them
	for i, r := range q.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		qu, ok := byID[r.Question]
		if !ok {
			v.Add(f+".question", "exists", "no question has the id %q", r.Question)
		}
		if len(r.AnyOf) == 0 {
			v.Add(f+".any_of", "required", "must name at least one option")
		}
		for j, o := range r.AnyOf {
			if ok && !slices.Contains(qu.optionIDs(), o) {
				v.Add(fmt.Sprintf("%s.any_of[%d]", f, j), "exists", "question %q has no option %q", r.Question, o)
			}
		}
		effects := 0
		if r.Criterion != "" {
			effects++
			v.OneOf(f+".criterion", r.Criterion, false, Criteria)
		}
		if r.Exclusion != "" {
			effects++
			v.OneOf(f+".exclusion", r.Exclusion, false, Exclusions)
		}
		if r.Urgency != "" {
			effects++
			sets["urgency"] = true
			v.OneOf(f+".urgency", string(r.Urgency), false, LevelNames())
		}
		if r.Impact != "" {
			effects++
			sets["impact"] = true
			v.OneOf(f+".impact", string(r.Impact), false, LevelNames())
		}
		if effects != 1 {
			v.Add(f, "effect", "must do exactly one thing: set a criterion, an exclusion, the urgency or the impact")
		}
	}
	for _, k := range []string{"urgency", "impact"} {
		if !sets[k] {
			v.Add("rules", k, "no rule sets the %s", k)
		}
	}
	for _, c := range Criteria {
		text("criteria."+c, q.Criteria[c], true)
	}
	for _, e := range Exclusions {
		text("exclusions."+e, q.Exclusions[e], true)
	}
	for k := range q.Criteria {
		if !slices.Contains(Criteria, k) {
			v.Add("criteria."+k, "one_of", "must be one of: %s", strings.Join(Criteria, ", "))
		}
	}
	for k := range q.Exclusions {
		if !slices.Contains(Exclusions, k) {
			v.Add("exclusions."+k, "one_of", "must be one of: %s", strings.Join(Exclusions, ", "))
		}
	}
	return v.Err()
}

// Hash identifies the content of a definition (not its version number).
func (q Questionnaire) Hash() string {
	q.Version = 0
	b, _ := json.Marshal(q)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Answers maps question ids to the chosen option ids (one for single and yes_no).
type Answers map[string][]string

// Verdict is the outcome of the questionnaire.
type Verdict string

// The two verdicts.
const (
	VerdictUrgent  Verdict = "urgent"
	VerdictRegular Verdict = "regular"
)

// Evaluation is what the answers establish.
type Evaluation struct {
	Verdict    Verdict  `json:"verdict"`
	Criteria   []string `json:"criteria"`
	Exclusions []string `json:"exclusions"`
	Urgency    Level    `json:"urgency"`
	Impact     Level    `json:"impact"`
	Priority   Priority `json:"priority"`
}

// CheckAnswers reports unknown questions or options, several answers to a one-answer
// question, and missing required answers. Fields are named "answers.<question>".
func (q *Questionnaire) CheckAnswers(a Answers) error {
	var v Validator
	byID := map[string]Question{}
	for _, qu := range q.Questions {
		byID[qu.ID] = qu
	}
	for id, opts := range a {
		f := "answers." + id
		qu, ok := byID[id]
		if !ok {
			v.Add(f, "unknown_question", "the questionnaire has no question %q", truncate(id, 64))
			continue
		}
		if qu.Kind != QuestionMulti && len(opts) > 1 {
			v.Add(f, "single", "takes one answer")
		}
		for _, o := range opts {
			if !slices.Contains(qu.optionIDs(), o) {
				v.Add(f, "unknown_option", "%q is not an answer to this question; choose one of: %s", truncate(o, 64), strings.Join(qu.optionIDs(), ", "))
				break
			}
		}
	}
	for _, qu := range q.Questions {
		if qu.Required && len(a[qu.ID]) == 0 {
			v.Add("answers."+qu.ID, "required", "needs an answer")
		}
	}
	return v.Err()
}

// Evaluate applies the rules to valid answers (see CheckAnswers). A report is urgent when
// at least one criterion applies and no exclusion does: an exclusion outweighs every
// criterion, and a workaround means no urgency. Urgency and impact default to low when no
// rule sets them; the priority comes from the matrix. It is a pure function.
func (q *Questionnaire) Evaluate(a Answers, m Matrix) Evaluation {
	e := Evaluation{Criteria: []string{}, Exclusions: []string{}, Urgency: Low, Impact: Low}
	for _, r := range q.Rules {
		hit := false
		for _, o := range a[r.Question] {
			if slices.Contains(r.AnyOf, o) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		switch {
		case r.Criterion != "" && !slices.Contains(e.Criteria, r.Criterion):
			e.Criteria = append(e.Criteria, r.Criterion)
		case r.Exclusion != "" && !slices.Contains(e.Exclusions, r.Exclusion):
			e.Exclusions = append(e.Exclusions, r.Exclusion)
		case r.Urgency != "" && r.Urgency.index() < e.Urgency.index():
			e.Urgency = r.Urgency // the most urgent answer counts
		case r.Impact != "" && r.Impact.index() < e.Impact.index():
			e.Impact = r.Impact
		}
	}
	order := func(list, by []string) {
		slices.SortFunc(list, func(x, y string) int { return slices.Index(by, x) - slices.Index(by, y) })
	}
	order(e.Criteria, Criteria)
	order(e.Exclusions, Exclusions)
	e.Verdict = VerdictRegular
	if len(e.Criteria) > 0 && len(e.Exclusions) == 0 {
		e.Verdict = VerdictUrgent
	}
	e.Priority, _ = m.Priority(e.Urgency, e.Impact)
	return e
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

package desk

import "slices"

// MaxQuery caps the words a list is searched for (IncidentFilter.Query), in characters.
const MaxQuery = 200

// Validate checks a filter before it reaches the database: its words are text on one line
// (no NUL, which PostgreSQL cannot hold, nor invalid UTF-8, nor other control characters;
// rule as in Validator.Text) of at most MaxQuery characters, and its states, kind, channel
// and assessment are known ones. The fields are named as the API's and the pages' query
// parameters name them: q, state, kind, channel, assessment.
func (f IncidentFilter) Validate() error {
	var v Validator
	v.Text("q", f.Query, false, MaxQuery, false)
	for _, s := range f.States {
		if !slices.Contains(States, s) {
			v.OneOf("state", string(s), true, StateNames())
			break
		}
	}
	v.OneOf("kind", string(f.Kind), false, []string{string(KindUrgent), string(KindRegular)})
	v.OneOf("channel", string(f.Channel), false, names(Channels))
	v.OneOf("assessment", string(f.Assessment), false, names([]Assessment{AssessmentPending, AssessmentApproved, AssessmentReclassified}))
	return v.Err()
}

// Validate checks the audit log's filter before it reaches the database: the entity is a
// short name on one line.
func (f AuditFilter) Validate() error {
	var v Validator
	v.Text("entity", f.Entity, false, MaxSlug, false)
	return v.Err()
}

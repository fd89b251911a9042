package desk

import (
	"strings"
	"time"
)

// A status template is a message the desk sends often ("We are investigating…", "The
// maintenance has started"), kept so a public incident's update starts from it instead of
// an empty box (issue 11, point 5). Admins keep them; the desk picks one.

// Limits of a status template.
const (
	MaxTemplateName = 100
	MaxTemplates    = 200
)

// StatusTemplate is a named message for a public incident's or maintenance's update: the
// status it moves to and the body in Dutch and English (Markdown, as an update's).
type StatusTemplate struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Status    PublicStatus `json:"status"`
	Body      Texts        `json:"body"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// TemplateStatuses are the statuses a template may carry: every status an update may set
// (a postmortem is not an update).
func TemplateStatuses() []string {
	var out []string
	for _, s := range append(append([]PublicStatus{}, IncidentStatuses...), MaintenanceStatuses...) {
		if s != PublicPostmortem {
			out = append(out, string(s))
		}
	}
	return out
}

// Kind is the kind of public incident the template's status belongs to.
func (t StatusTemplate) Kind() PublicKind {
	for _, s := range MaintenanceStatuses {
		if t.Status == s {
			return KindMaintenance
		}
	}
	return KindIncident
}

// Normalise trims the name.
func (t *StatusTemplate) Normalise() { t.Name = strings.TrimSpace(t.Name) }

// Validate checks the name (required, at most MaxTemplateName characters, one line), the
// status and the body (at least one language, each at most MaxPublicBody characters).
func (t StatusTemplate) Validate() error {
	var v Validator
	v.Text("name", t.Name, true, MaxTemplateName, false)
	v.OneOf("status", string(t.Status), true, TemplateStatuses())
	v.Texts("body", t.Body, true, MaxPublicBody, true)
	return v.Err()
}

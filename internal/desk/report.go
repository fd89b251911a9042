package desk

import (
	"time"
)

// Assessment is the desk's judgement of a report that claims urgency.
type Assessment string

// A report the questionnaire found urgent waits (pending) until an agent approves it or
// reclassifies it to regular support. Other incidents have no assessment ("").
const (
	AssessmentPending      Assessment = "pending"
	AssessmentApproved     Assessment = "approved"
	AssessmentReclassified Assessment = "reclassified"
)

// Report is what was submitted through the questionnaire with an incident: the answers,
// the verdict they gave, and the acceptance of the procedure.
type Report struct {
	IncidentID           int64      `json:"incident_id"`
	QuestionnaireVersion int        `json:"questionnaire_version"`
	Answers              Answers    `json:"answers"`
	Evaluation           Evaluation `json:"evaluation"`
	// The procedure text accepted: its language and content hash, who ticked the box (the
	// client, or an agent taking a call), when and from which address.
	ProcedureLocale Locale    `json:"procedure_locale"`
	ProcedureHash   string    `json:"procedure_hash"`
	AcceptedByID    int64     `json:"accepted_by_id"`
	AcceptedAt      time.Time `json:"accepted_at"`
	AcceptedFrom    string    `json:"accepted_from"`
}

// Attachment is a file added to an incident: a screenshot, a log.
type Attachment struct {
	ID          int64     `json:"id"`
	IncidentID  int64     `json:"incident_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  *int64    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaxAttachment is the largest file one may add, and MaxAttachments the most per request.
const (
	MaxAttachment  = 10 << 20
	MaxAttachments = 5
)

// AttachmentTypes are the kinds of file Meldpunt accepts, as sniffed from their content
// (never as the browser names them): images, PDF, plain text and archives of logs.
var AttachmentTypes = []string{
	"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
	"text/plain", "application/zip", "application/x-gzip",
}

// businessHours is Monday to Friday, 08:30–17:30 in Europe/Amsterdam: the calendar of
// HoursBusiness until business calendars with holidays exist.
var amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return z
}

// InSupportHours tells whether t lies within the support hours.
func InSupportHours(h SupportHours, t time.Time) bool {
	if h == Hours24x7 {
		return true
	}
	l := t.In(amsterdam)
	if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		return false
	}
	m := l.Hour()*60 + l.Minute()
	return m >= 8*60+30 && m < 17*60+30
}

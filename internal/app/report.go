package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Promise is what the client's contract promises for an evaluated report.
type Promise struct {
	ContractID   int64             `json:"contract_id"`
	ContractName string            `json:"contract_name"`
	SupportHours desk.SupportHours `json:"support_hours"`
	// CoversUrgent is false when the verdict is urgent but the contract does not cover
	// urgent reports: the report is then handled as regular support.
	CoversUrgent     bool `json:"covers_urgent"`
	InSupportHours   bool `json:"in_support_hours"`
	FirstResponseMin int  `json:"first_response_minutes"`
	ResolutionMin    int  `json:"resolution_minutes"`
}

// Verdict is the questionnaire's outcome with what the contract promises for it.
type Verdict struct {
	desk.Evaluation
	// Promise is nil when the organisation has no active contract.
	Promise              *Promise `json:"contract"`
	QuestionnaireVersion int      `json:"questionnaire_version"`
}

// Evaluate tells a client (or an agent taking a call for orgID) what the answers mean,
// before anything is stored: urgent or regular, why, the priority, and the contract's
// promise. It stores nothing.
func (a *Reports) Evaluate(ctx context.Context, actor desk.Actor, orgID int64, answers desk.Answers) (v Verdict, err error) {
	if actor.Role.IsClient() {
		orgID = actor.OrgID
	} else if !actor.Role.IsDesk() {
		return v, forbidden("evaluate reports")
	}
	err = a.db.read(ctx, func(tx reportTx) error {
		v, err = a.evaluate(ctx, tx, orgID, answers, a.clock())
		return err
	})
	return v, err
}

// evaluateTx is what evaluate reads and writes.
type evaluateTx interface {
	OrganisationStore
	ReportStore
	SLAStore
	SettingStore
}

func (a *core) evaluate(ctx context.Context, tx evaluateTx, orgID int64, answers desk.Answers, now time.Time) (Verdict, error) {
	q, err := currentQuestionnaire(ctx, tx)
	if err != nil {
		return Verdict{}, err
	}
	if err := q.CheckAnswers(answers); err != nil {
		return Verdict{}, err
	}
	m, err := matrix(ctx, tx)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Evaluation: q.Evaluate(answers, m), QuestionnaireVersion: q.Version}
	if orgID == 0 {
		return v, nil
	}
	cs, err := tx.Contracts(ctx, orgID)
	if err != nil {
		return v, err
	}
	v.Promise, err = a.promise(ctx, tx, cs, v.Verdict == desk.VerdictUrgent, v.Priority, now)
	return v, err
}

// promise says what the newest active contract promises for a report of that priority,
// urgent or not, at now; nil without an active contract. Whether now lies within the
// support hours is read from the calendar the contract names.
func (a *core) promise(ctx context.Context, tx SLAStore, cs []desk.Contract, urgent bool, prio desk.Priority, now time.Time) (*Promise, error) {
	c, ok := activeContract(cs)
	if !ok {
		return nil, nil
	}
	kind := desk.KindRegular
	if urgent {
		kind = desk.KindUrgent
	}
	p := &Promise{ContractID: c.ID, ContractName: c.Name, SupportHours: hoursFor(c, kind), CoversUrgent: c.CoversUrgent}
	k, err := a.clockIn(ctx, tx, string(p.SupportHours))
	if err != nil {
		return nil, err
	}
	p.InSupportHours = k != nil && k.Open(now)
	if t, ok := c.TargetFor(prio); ok {
		p.FirstResponseMin, p.ResolutionMin = t.FirstResponseMin, t.ResolutionMin
	}
	return p, nil
}

// IncidentPromise says what the client's contract promises for an incident the actor may
// see, by its kind and priority now; nil without an active contract.
func (a *Reports) Promise(ctx context.Context, actor desk.Actor, id int64) (p *Promise, err error) {
	err = a.db.read(ctx, func(tx reportTx) error {
		inc, err := visibleIncident(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		cs, err := tx.Contracts(ctx, inc.OrgID)
		if err != nil {
			return err
		}
		p, err = a.promise(ctx, tx, cs, inc.Kind == desk.KindUrgent, inc.Priority, a.clock())
		return err
	})
	return p, err
}

// File is an uploaded file.
type File struct {
	Name string
	Data []byte
}

// ReportInput is a report made through the questionnaire: by a client for itself, or by
// an agent for a caller (OrgID and ReporterID then name the caller, Channel is phone).
type ReportInput struct {
	OrgID        int64        `json:"organisation_id"`
	ReporterID   *int64       `json:"reporter_id"`
	Channel      desk.Channel `json:"channel"`
	Answers      desk.Answers `json:"answers"`
	ComponentIDs []int64      `json:"component_ids"`
	Affected     string       `json:"affected"`
	Title        string       `json:"title"`
	Description  string       `json:"description"`
	// Accept must be true: the client accepts the procedure in Locale.
	Accept bool        `json:"accept_procedure"`
	Locale desk.Locale `json:"locale"`
	// ProcedureHash, when given, is the hash of the procedure text the client was shown; a
	// report is refused when the text changed since.
	ProcedureHash string `json:"procedure_hash"`
	Files         []File `json:"-"`
}

// SubmitReport registers an incident from the questionnaire: the verdict sets its kind,
// urgency, impact and priority; an urgent one waits for the desk's assessment. The answers,
// the verdict and the acceptance of the procedure (which text, who, when, from where) are
// stored with it, and the client is notified, all in one transaction.
func (a *Reports) Submit(ctx context.Context, actor desk.Actor, in ReportInput) (inc desk.Incident, v Verdict, err error) {
	var val desk.Validator
	switch {
	case actor.Role.IsClient():
		if in.OrgID != 0 && in.OrgID != actor.OrgID {
			val.Add("organisation_id", "own", "you can report only for your own organisation")
		}
		in.OrgID, in.ReporterID = actor.OrgID, ptr(actor.UserID)
		if in.Channel == "" {
			in.Channel = desk.ChannelPortal
		}
		if in.Channel != desk.ChannelPortal && in.Channel != desk.ChannelAPI {
			val.Add("channel", "one_of", "must be portal or api when a client reports")
		}
	case actor.Role.IsDesk():
		if in.Channel == "" {
			in.Channel = desk.ChannelPhone
		}
		if in.OrgID == 0 {
			val.Add("organisation_id", "required", "is required: for which client is the report?")
		}
		if in.ReporterID == nil {
			val.Add("reporter_id", "required", "is required: who reported it?")
		}
	default:
		return inc, v, forbidden("file reports")
	}
	if in.Locale == "" {
		in.Locale = desk.LocaleNL
	}
	val.OneOf("locale", string(in.Locale), true, []string{string(desk.LocaleNL), string(desk.LocaleEN)})
	if !in.Accept {
		val.Add("accept_procedure", "required", "accept the procedure for urgent reports to submit")
	}
	files, ferr := checkFiles(in.Files)
	val.Include(&desk.Error{Fields: ferr})
	inc = desk.Incident{
		OrgID: in.OrgID, ReporterID: in.ReporterID, Channel: in.Channel, Kind: desk.KindRegular,
		Title: in.Title, Description: in.Description, Affected: strings.TrimSpace(in.Affected),
		Urgency: desk.Low, Impact: desk.Low, ComponentIDs: in.ComponentIDs, State: desk.StateNew,
	}
	if inc.ComponentIDs == nil {
		inc.ComponentIDs = []int64{}
	}
	if e, ok := inc.Validate().(*desk.Error); ok {
		val.Include(e)
	}
	now := a.clock()
	inc.CreatedAt, inc.UpdatedAt = now, now
	err = a.db.write(ctx, func(tx reportTx) error {
		q, err := storedQuestionnaire(ctx, tx, now)
		if err != nil {
			return err
		}
		if e, ok := q.CheckAnswers(in.Answers).(*desk.Error); ok {
			val.Include(e)
		}
		if in.OrgID != 0 && !val.Has("organisation_id") {
			err := checkIncidentRefs(ctx, tx, &inc)
			if e, ok := err.(*desk.Error); ok {
				val.Include(e)
			} else if err != nil {
				return err
			}
		}
		p, err := provider(ctx, tx)
		if err != nil {
			return err
		}
		_, hash := desk.Procedure(in.Locale, p.Name)
		if in.ProcedureHash != "" && in.ProcedureHash != hash && !val.Has("locale") {
			val.Add("procedure_hash", "current", "the procedure text changed while you answered; read it again and accept it")
		}
		if err := val.Err(); err != nil {
			return err
		}
		if v, err = a.evaluate(ctx, tx, inc.OrgID, in.Answers, now); err != nil {
			return err
		}
		inc.Urgency, inc.Impact, inc.Priority = v.Urgency, v.Impact, v.Priority
		inc.QuestionnaireVersion = v.QuestionnaireVersion
		if v.Verdict == desk.VerdictUrgent {
			inc.Kind, inc.Assessment = desk.KindUrgent, desk.AssessmentPending
		}
		if err := a.startSLA(ctx, tx, &inc); err != nil {
			return err
		}
		if err := tx.CreateIncident(ctx, &inc); err != nil {
			return err
		}
		r := desk.Report{
			IncidentID: inc.ID, QuestionnaireVersion: v.QuestionnaireVersion, Answers: in.Answers, Evaluation: v.Evaluation,
			ProcedureLocale: in.Locale, ProcedureHash: hash, AcceptedByID: actor.UserID, AcceptedAt: now, AcceptedFrom: actor.Address,
		}
		if err := tx.CreateReport(ctx, &r); err != nil {
			return err
		}
		if err := a.publishIncident(ctx, tx, desk.EventIncidentCreated, actor, inc, now, nil); err != nil {
			return err
		}
		args := []string{"verdict:" + string(v.Verdict)}
		for _, c := range v.Criteria {
			args = append(args, "criterion:"+c)
		}
		for _, e := range v.Exclusions {
			args = append(args, "exclusion:"+e)
		}
		body := "Reported via " + string(inc.Channel) + ": the questionnaire says " + string(v.Verdict) + ", priority " + inc.Priority.String() + "."
		if err := entry(ctx, tx, actor, inc, desk.Public, body, now, desk.EventReported, append(args, "priority:"+inc.Priority.String())...); err != nil {
			return err
		}
		if err := addFiles(ctx, tx, actor, inc, files, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, *inc.ReporterID, inc, desk.NotifyReportReceived, now, map[string]any{
			"number": inc.Number, "title": inc.Title, "verdict": v.Verdict, "priority": inc.Priority, "contract": v.Promise,
		}); err != nil {
			return err
		}
		if err := notifyNewReport(ctx, tx, actor, inc, p.ID, v.Verdict, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "report", nil, inc); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "report", inc.ID, &inc.OrgID, "accept_procedure", nil, map[string]any{
			"procedure_locale": in.Locale, "procedure_hash": hash, "questionnaire_version": v.QuestionnaireVersion,
		})
	})
	if err != nil {
		return desk.Incident{}, Verdict{}, err
	}
	return inc, v, nil
}

// notify queues a notification for a person.
func notify(ctx context.Context, tx OutboxStore, userID int64, inc desk.Incident, kind string, now time.Time, payload map[string]any) error {
	n, err := notification(userID, inc, kind, now, payload)
	if err != nil {
		return err
	}
	return tx.Notify(ctx, n)
}

// notification makes a notification about inc for a person.
func notification(userID int64, inc desk.Incident, kind string, now time.Time, payload map[string]any) (*desk.Notification, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &desk.Notification{Kind: kind, UserID: userID, IncidentID: ptr(inc.ID), Payload: string(b), CreatedAt: now}, nil
}

// notifyAll queues one notification with the same payload for each person.
func notifyAll(ctx context.Context, tx OutboxStore, userIDs []int64, inc desk.Incident, kind string, now time.Time, payload map[string]any) error {
	if len(userIDs) == 0 {
		return nil
	}
	n, err := notification(userIDs[0], inc, kind, now, payload)
	if err != nil {
		return err
	}
	ns := make([]*desk.Notification, len(userIDs))
	for i, id := range userIDs {
		c := *n
		c.UserID = id
		ns[i] = &c
	}
	return queue(ctx, tx, ns)
}

// queue stores the notifications of one change, several in one statement.
func queue(ctx context.Context, tx OutboxStore, ns []*desk.Notification) error {
	switch len(ns) {
	case 0:
		return nil
	case 1:
		return tx.Notify(ctx, ns[0])
	}
	return tx.NotifyMany(ctx, ns)
}

// deskRoles are the roles that work the desk (desk.Role.IsDesk).
var deskRoles = slices.DeleteFunc(slices.Clone(desk.Roles), func(r desk.Role) bool { return !r.IsDesk() })

// notifyNewReport tells the desk of a new report: every active agent and admin but the
// one who registered it. The provider's staff are read in one query; providerID 0 takes the
// provider from a staff actor (staff belong to it) or else looks it up. verdict is the
// questionnaire's, nil for an incident registered without it.
func notifyNewReport(ctx context.Context, tx interface {
	IdentityStore
	OrganisationStore
	OutboxStore
}, actor desk.Actor, inc desk.Incident, providerID int64, verdict any, now time.Time) error {
	if providerID == 0 && actor.Role.IsStaff() && !actor.System {
		providerID = actor.OrgID
	}
	if providerID == 0 {
		p, err := provider(ctx, tx)
		if err != nil {
			return err
		}
		providerID = p.ID
	}
	staff, err := tx.ActiveUserIDs(ctx, providerID, deskRoles)
	if err != nil {
		return err
	}
	to := slices.DeleteFunc(staff, func(id int64) bool { return id == actor.UserID })
	if len(to) == 0 {
		return nil
	}
	org, err := tx.Organisation(ctx, inc.OrgID)
	if err != nil {
		return err
	}
	return notifyAll(ctx, tx, to, inc, desk.NotifyNewReport, now, map[string]any{
		"number": inc.Number, "title": inc.Title, "organisation": org.Name, "verdict": verdict,
		"priority": inc.Priority, "needs_assessment": inc.Assessment == desk.AssessmentPending,
	})
}

// Report returns the questionnaire answers of an incident the actor may see.
func (a *Reports) Get(ctx context.Context, actor desk.Actor, incidentID int64) (r desk.Report, err error) {
	err = a.db.read(ctx, func(tx reportTx) error {
		if _, err := visibleIncident(ctx, tx, actor, incidentID); err != nil {
			return err
		}
		r, err = tx.Report(ctx, incidentID)
		return err
	})
	return r, err
}

// Notifications lists the notifications queued for the actor.
func (a *Outbox) Notifications(ctx context.Context, actor desk.Actor) (ns []desk.Notification, err error) {
	err = a.db.read(ctx, func(tx outboxTx) error {
		ns, err = tx.Notifications(ctx, actor.UserID)
		return err
	})
	return redactSecrets(ns), err
}

// Assess records the desk's judgement of an urgent report: approved (handled with
// priority) or moved to regular support, which needs a reason. The decision is audited,
// shown on the client's timeline and queued as a notification to the reporter.
func (a *Reports) Assess(ctx context.Context, actor desk.Actor, id int64, approve bool, reason string) (inc desk.Incident, err error) {
	reason = strings.TrimSpace(reason)
	var val desk.Validator
	val.Text("reason", reason, !approve, desk.MaxText, true)
	now := a.clock()
	err = a.db.write(ctx, func(tx reportTx) error {
		if inc, err = visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := requireDesk(actor, "assess reports"); err != nil {
			return err
		}
		if inc.Assessment != desk.AssessmentPending {
			return desk.Errorf(desk.ECONFLICT, "this incident does not wait for an assessment")
		}
		if err := val.Err(); err != nil {
			return err
		}
		before := inc
		event, body, args := desk.EventApproved, "Assessed: an urgent report, handled with priority.", []string{}
		if approve {
			inc.Assessment, inc.AssessmentReason = desk.AssessmentApproved, reason
			if reason != "" {
				args = append(args, "text:"+reason)
			}
		} else {
			inc.Assessment, inc.AssessmentReason, inc.Kind = desk.AssessmentReclassified, reason, desk.KindRegular
			event, body, args = desk.EventToRegular, "Assessed: not an urgent report; handled as regular support. Reason: "+reason, []string{"text:" + reason}
		}
		if inc.State == desk.StateNew {
			inc.State = desk.StateTriaged
		}
		if inc.OwnerID == nil {
			inc.OwnerID = ptr(actor.UserID)
		}
		if inc.Kind != before.Kind {
			if err := a.retargetSLA(ctx, tx, &inc, now); err != nil { // the regular calendar
				return err
			}
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, &inc); err != nil {
			return err
		}
		if err := entry(ctx, tx, actor, inc, desk.Public, body, now, event, args...); err != nil {
			return err
		}
		if inc.ReporterID != nil {
			if err := notify(ctx, tx, *inc.ReporterID, inc, desk.NotifyAssessment, now, map[string]any{
				"number": inc.Number, "title": inc.Title, "assessment": inc.Assessment, "reason": reason,
			}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "assess", before, inc)
	})
	return inc, err
}

// checkFiles validates uploads: how many, how large, and of which kind (sniffed from the
// content, never taken from the name). It returns the files with their detected types.
func checkFiles(files []File) ([]checkedFile, []desk.FieldError) {
	var v desk.Validator
	if len(files) > desk.MaxAttachments {
		v.Add("files", "max_items", "add at most %d files at once", desk.MaxAttachments)
		return nil, v.Fields
	}
	out := make([]checkedFile, 0, len(files))
	for i, f := range files {
		field := "files[" + itoa(i) + "]"
		name := cleanFileName(f.Name)
		v.Text(field+".name", name, true, desk.MaxTitle, false)
		if len(f.Data) == 0 {
			v.Add(field, "empty", "%s is empty", name)
			continue
		}
		if len(f.Data) > desk.MaxAttachment {
			v.Add(field, "max_size", "%s is larger than %d MB", name, desk.MaxAttachment>>20)
			continue
		}
		ct := sniff(f.Data)
		if !slices.Contains(desk.AttachmentTypes, ct) {
			v.Add(field, "type", "%s is not a screenshot (PNG, JPEG, GIF, WebP), PDF, text or log file, or ZIP/gzip archive", name)
			continue
		}
		out = append(out, checkedFile{name: name, data: f.Data, contentType: ct})
	}
	return out, v.Fields
}

type checkedFile struct {
	name, contentType string
	data              []byte
}

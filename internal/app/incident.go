package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// IncidentInput is a new incident. A client reports for its own organisation and as
// itself; the desk registers for any client, naming the reporter (e.g. a caller).
type IncidentInput struct {
	OrgID        int64        `json:"organisation_id"`
	ReporterID   *int64       `json:"reporter_id"`
	Channel      desk.Channel `json:"channel"`
	Kind         desk.Kind    `json:"kind"`
	Title        string       `json:"title"`
	Description  string       `json:"description"`
	Urgency      desk.Level   `json:"urgency"`
	Impact       desk.Level   `json:"impact"`
	ComponentIDs []int64      `json:"component_ids"`
}

// CreateIncident registers an incident, computes its priority from the matrix and its SLA
// deadlines from the contract, and writes its first timeline entry and audit record in the
// same transaction.
func (a *Incidents) Create(ctx context.Context, actor desk.Actor, in IncidentInput) (inc desk.Incident, err error) {
	switch {
	case actor.Role.IsClient():
		if in.OrgID != 0 && in.OrgID != actor.OrgID {
			return inc, invalid("organisation_id", "own", "you can report only for your own organisation")
		}
		in.OrgID = actor.OrgID
		in.ReporterID = ptr(actor.UserID)
		if in.Channel == "" {
			in.Channel = desk.ChannelPortal
		}
		if in.Channel != desk.ChannelPortal && in.Channel != desk.ChannelAPI {
			return inc, invalid("channel", "one_of", "must be portal or api when a client reports")
		}
	case actor.Role.IsDesk() || actor.System:
		if in.Channel == "" {
			in.Channel = desk.ChannelPhone
		}
	default:
		return inc, forbidden("register incidents")
	}
	if in.Kind == "" {
		in.Kind = desk.KindRegular
	}
	if in.ComponentIDs == nil {
		in.ComponentIDs = []int64{}
	}
	inc = desk.Incident{
		OrgID: in.OrgID, ReporterID: in.ReporterID, Channel: in.Channel, Kind: in.Kind,
		Title: in.Title, Description: in.Description, Urgency: in.Urgency, Impact: in.Impact,
		ComponentIDs: in.ComponentIDs, State: desk.StateNew,
	}
	verr := inc.Validate()
	if in.OrgID == 0 {
		v := desk.Validator{}
		if e, ok := verr.(*desk.Error); ok {
			v.Fields = e.Fields
		}
		v.Add("organisation_id", "required", "is required")
		return inc, v.Err()
	}
	if verr != nil {
		return inc, verr
	}
	now := a.clock()
	inc.CreatedAt, inc.UpdatedAt = now, now
	err = a.db.write(ctx, func(tx incidentTx) error {
		if err := a.register(ctx, tx, actor, &inc, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "create", nil, inc)
	})
	return inc, err
}

// registerTx is what register reads and writes.
type registerTx interface {
	eventTx
	ComponentStore
	OutboxStore
	SLAStore
	SettingStore
}

// register stores a new incident registered without the questionnaire (by the desk, the
// API or email): its priority from the matrix, its SLA deadlines, the public "registered"
// entry, and the desk's new_report messages.
func (a *core) register(ctx context.Context, tx registerTx, actor desk.Actor, inc *desk.Incident, now time.Time) error {
	if err := settle(ctx, tx, inc); err != nil {
		return err
	}
	if err := a.startSLA(ctx, tx, inc); err != nil {
		return err
	}
	if err := tx.CreateIncident(ctx, inc); err != nil {
		return err
	}
	body := "Registered via " + string(inc.Channel) + ", priority " + inc.Priority.String() + "."
	if err := entry(ctx, tx, actor, *inc, desk.Public, body, now, desk.EventRegistered,
		"channel:"+string(inc.Channel), "priority:"+inc.Priority.String()); err != nil {
		return err
	}
	if err := notifyNewReport(ctx, tx, actor, *inc, 0, nil, now); err != nil {
		return err
	}
	return a.publishIncident(ctx, tx, desk.EventIncidentCreated, actor, *inc, now, nil)
}

// settleTx is what settle reads and writes.
type settleTx interface {
	ComponentStore
	IdentityStore
	OrganisationStore
	SettingStore
}

// settle checks what the incident refers to and sets its priority from the matrix.
func settle(ctx context.Context, tx settleTx, inc *desk.Incident) error {
	if err := checkIncidentRefs(ctx, tx, inc); err != nil {
		return err
	}
	m, err := matrix(ctx, tx)
	if err != nil {
		return err
	}
	inc.Priority, err = m.Priority(inc.Urgency, inc.Impact)
	return err
}

// checkIncidentRefs checks that the organisation is a client, the reporter belongs to it,
// and every component is one the client uses.
func checkIncidentRefs(ctx context.Context, tx interface {
	ComponentStore
	IdentityStore
	OrganisationStore
}, inc *desk.Incident) error {
	var v desk.Validator
	org, err := tx.Organisation(ctx, inc.OrgID)
	if desk.IsNotFound(err) || err == nil && org.Kind != desk.OrgClient {
		v.Add("organisation_id", "exists", "no client organisation has this id")
		return v.Err()
	}
	if err != nil {
		return err
	}
	if inc.ReporterID != nil {
		u, err := tx.User(ctx, *inc.ReporterID)
		if desk.IsNotFound(err) || err == nil && u.OrgID != inc.OrgID {
			v.Add("reporter_id", "exists", "no user of this organisation has this id")
		} else if err != nil {
			return err
		}
	}
	slices.Sort(inc.ComponentIDs)
	inc.ComponentIDs = slices.Compact(inc.ComponentIDs)
	for i, id := range inc.ComponentIDs {
		c, err := tx.Component(ctx, id)
		if desk.IsNotFound(err) || err == nil && !c.UsedBy(inc.OrgID) {
			v.Add("component_ids["+itoa(i)+"]", "exists", "no component of this organisation has this id")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

// Incident returns an incident the actor may see; any other id is not found.
func (a *Incidents) Get(ctx context.Context, actor desk.Actor, id int64) (inc desk.Incident, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		inc, err = visibleIncident(ctx, tx, actor, id)
		return err
	})
	hideFromClient(actor, &inc)
	return inc, err
}

func visibleIncident(ctx context.Context, tx IncidentStore, actor desk.Actor, id int64) (desk.Incident, error) {
	inc, err := tx.Incident(ctx, id)
	if err == nil && !canSeeIncident(actor, inc) {
		return desk.Incident{}, desk.NotFound("incident")
	}
	if err == nil {
		err = checkBasis(ctx, tx, actor, inc) // the incident page's forms (workspace.go)
	}
	return inc, err
}

// Incidents lists the incidents the actor may see, narrowed by the filter, newest first.
func (a *Incidents) List(ctx context.Context, actor desk.Actor, f desk.IncidentFilter) (p Page[desk.Incident], err error) {
	if err := f.Validate(); err != nil {
		return p, err
	}
	scopeIncidents(actor, &f)
	p, err = paged(&f.Limit, defaultPage, maxPage, func() (is []desk.Incident, err error) {
		err = a.db.read(ctx, func(tx incidentTx) error {
			is, err = tx.Incidents(ctx, f)
			return err
		})
		return is, err
	}, incidentID)
	for i := range p.Items {
		hideFromClient(actor, &p.Items[i])
	}
	return p, err
}

// incidentID is the cursor of a list of incidents.
func incidentID(in desk.Incident) int64 { return in.ID }

// CountIncidents counts the incidents the actor may see that match the filter.
func (a *Incidents) Count(ctx context.Context, actor desk.Actor, f desk.IncidentFilter) (n int, err error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	scopeIncidents(actor, &f)
	err = a.db.read(ctx, func(tx incidentTx) error {
		n, err = tx.CountIncidents(ctx, f)
		return err
	})
	return n, err
}

// IncidentPatch holds the fields the desk changes; nil leaves a field as it is. Version,
// when set, must be the version the change was based on. Reason explains a change of
// urgency, impact or kind to the client.
type IncidentPatch struct {
	Title        *string     `json:"title"`
	Description  *string     `json:"description"`
	Kind         *desk.Kind  `json:"kind"`
	Urgency      *desk.Level `json:"urgency"`
	Impact       *desk.Level `json:"impact"`
	ComponentIDs *[]int64    `json:"component_ids"`
	Reason       string      `json:"reason"`
	Version      *int        `json:"version"`
}

// UpdateIncident changes an incident's fields; the desk may. A change of urgency or impact
// recomputes the priority and is shown to the client with its reason; a change of priority
// or kind recomputes the SLA deadlines.
func (a *Incidents) Update(ctx context.Context, actor desk.Actor, id int64, p IncidentPatch) (inc desk.Incident, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx incidentTx) error {
		if inc, err = visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := requireDesk(actor, "change incidents"); err != nil {
			return err
		}
		if err := checkVersion(inc, p.Version); err != nil {
			return err
		}
		if !inc.State.Open() {
			return desk.Errorf(desk.ECONFLICT, "a closed incident cannot be changed")
		}
		before := inc
		set(&inc.Title, p.Title)
		set(&inc.Description, p.Description)
		set(&inc.Kind, p.Kind)
		set(&inc.Urgency, p.Urgency)
		set(&inc.Impact, p.Impact)
		set(&inc.ComponentIDs, p.ComponentIDs)
		var v desk.Validator
		v.Text("reason", p.Reason, false, desk.MaxText, true)
		if err := v.Err(); err != nil {
			return err
		}
		if err := inc.Validate(); err != nil {
			return err
		}
		if err := settle(ctx, tx, &inc); err != nil {
			return err
		}
		if inc.Priority != before.Priority || inc.Kind != before.Kind {
			if err := a.retargetSLA(ctx, tx, &inc, now); err != nil {
				return err
			}
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, &inc); err != nil {
			return err
		}
		if msg := classificationChange(before, inc); msg != "" {
			r := strings.TrimSpace(p.Reason)
			if r == "" {
				return invalid("reason", "required", "explain to the client why the kind, urgency or impact changes")
			}
			msg += " Reason: " + r
			err := entry(ctx, tx, actor, inc, desk.Public, msg, now, desk.EventReclassified, append(classificationArgs(before, inc), "text:"+r)...)
			if err != nil {
				return err
			}
			if inc.ReporterID != nil {
				if err := notify(ctx, tx, *inc.ReporterID, inc, desk.NotifyAssessment, now, map[string]any{
					"number": inc.Number, "title": inc.Title, "urgency": inc.Urgency, "impact": inc.Impact, "priority": inc.Priority, "reason": r,
				}); err != nil {
					return err
				}
			}
		}
		return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "update", before, inc)
	})
	hideFromClient(actor, &inc)
	return inc, err
}

// classificationChange describes, for the client, a change of kind, urgency, impact or
// priority; "" when none changed.
func classificationChange(b, a desk.Incident) string {
	var parts []string
	if b.Kind != a.Kind {
		parts = append(parts, "kind "+string(b.Kind)+" → "+string(a.Kind))
	}
	if b.Urgency != a.Urgency {
		parts = append(parts, "urgency "+string(b.Urgency)+" → "+string(a.Urgency))
	}
	if b.Impact != a.Impact {
		parts = append(parts, "impact "+string(b.Impact)+" → "+string(a.Impact))
	}
	if b.Priority != a.Priority {
		parts = append(parts, "priority "+b.Priority.String()+" → "+a.Priority.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return "Classification changed: " + strings.Join(parts, ", ") + "."
}

// classificationArgs lists, for the timeline, each field of the classification that
// changed: "field:<name>", then its value before and after.
func classificationArgs(b, a desk.Incident) []string {
	var args []string
	add := func(field, family, before, after string) {
		if before != after {
			args = append(args, "field:"+field, family+":"+before, family+":"+after)
		}
	}
	add("kind", "kind", string(b.Kind), string(a.Kind))
	add("urgency", "level", string(b.Urgency), string(a.Urgency))
	add("impact", "level", string(b.Impact), string(a.Impact))
	add("priority", "priority", b.Priority.String(), a.Priority.String())
	return args
}

func checkVersion(inc desk.Incident, v *int) error {
	if v != nil && *v != inc.Version {
		return desk.Errorf(desk.ECONFLICT, "the incident was changed by someone else (version %d, you have %d); reload and try again", inc.Version, *v)
	}
	return nil
}

// entry adds a system entry to the timeline: an event with its arguments, and body, its
// English rendering.
func entry(ctx context.Context, tx IncidentStore, actor desk.Actor, inc desk.Incident, vis desk.Visibility, body string, at time.Time, event string, args ...string) error {
	e := desk.TimelineEntry{IncidentID: inc.ID, Kind: desk.EntrySystem, Visibility: vis, AuthorName: actor.Name,
		Body: body, Event: event, Args: args, CreatedAt: at}
	if actor.UserID != 0 {
		e.AuthorID = ptr(actor.UserID)
	}
	return tx.AddTimelineEntry(ctx, &e)
}

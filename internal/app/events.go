package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Events for webhooks (docs/webhooks.md): a change of an incident or a change request is
// written to the outbox as one event per endpoint that receives its type, in the
// transaction of the change itself, so an endpoint hears of exactly the changes that were
// stored. The schema is the promise to receivers: fields are added, never renamed.

// event is the body a webhook receives.
type event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      eventData `json:"data"`
}

// eventData is what happened; which fields are set depends on the type.
type eventData struct {
	Incident  *eventIncident `json:"incident,omitempty"`
	Change    *eventChange   `json:"change,omitempty"`
	Actor     *eventActor    `json:"actor,omitempty"`
	From      string         `json:"from,omitempty"`
	To        string         `json:"to,omitempty"`
	Confirmed *bool          `json:"confirmed,omitempty"`
	Automatic *bool          `json:"automatic,omitempty"`
	Role      string         `json:"role,omitempty"`
	Entry     *eventEntry    `json:"entry,omitempty"`
	Solution  *eventSolution `json:"solution,omitempty"`
	SLA       *eventSLA      `json:"sla,omitempty"`
	Message   string         `json:"message,omitempty"`
	Monitor   *eventMonitor  `json:"monitor,omitempty"`
}

type eventIncident struct {
	ID           int64     `json:"id"`
	Number       string    `json:"number"`
	Title        string    `json:"title"`
	State        string    `json:"state"`
	Priority     string    `json:"priority"`
	Urgency      string    `json:"urgency"`
	Impact       string    `json:"impact"`
	Kind         string    `json:"kind"`
	Channel      string    `json:"channel"`
	Organisation eventRef  `json:"organisation"`
	Owner        *eventRef `json:"owner"`
	Assignee     *eventRef `json:"assignee"`
	URL          string    `json:"url"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type eventRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type eventActor struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
}

type eventEntry struct {
	Visibility string `json:"visibility"`
	Body       string `json:"body"`
}

type eventSolution struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

type eventSLA struct {
	Target string    `json:"target"`
	DueAt  time.Time `json:"due_at"`
}

type eventChange struct {
	ID              int64    `json:"id"`
	Number          string   `json:"number"`
	Title           string   `json:"title"`
	State           string   `json:"state"`
	URL             string   `json:"url"`
	IncidentNumbers []string `json:"incident_numbers"`
}

// eventTx is what building and queueing an event reads and writes.
type eventTx interface {
	WebhookStore
	OrganisationStore
	IdentityStore
	IncidentStore
}

// publish queues an event of the type for the endpoints that receive it. build makes its
// data only when one does, so a change that no endpoint follows costs one count.
func (a *core) publish(ctx context.Context, tx WebhookStore, kind string, incidentID *int64, now time.Time, build func() (eventData, error)) error {
	n, err := tx.WebhooksWanting(ctx, kind)
	if err != nil || n == 0 {
		return err
	}
	d, err := build()
	if err != nil {
		return err
	}
	body, err := json.Marshal(event{Type: kind, Timestamp: now, Data: d})
	if err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	_, err = tx.Publish(ctx, kind, incidentID, string(body), now)
	return err
}

// publishIncident queues an event about inc; more fills in what the type adds.
func (a *core) publishIncident(ctx context.Context, tx eventTx, kind string, actor desk.Actor, inc desk.Incident, now time.Time, more func(*eventData)) error {
	return a.publish(ctx, tx, kind, &inc.ID, now, func() (eventData, error) {
		ei, err := a.incidentEvent(ctx, tx, inc)
		if err != nil {
			return eventData{}, err
		}
		d := eventData{Incident: &ei, Actor: actorEvent(actor)}
		if more != nil {
			more(&d)
		}
		return d, nil
	})
}

// publishTransition queues the event of an incident's change of state: incident.resolved
// with the solution, incident.closed (confirmed or automatic), or incident.state_changed.
func (a *core) publishTransition(ctx context.Context, tx eventTx, actor desk.Actor, from desk.State, inc desk.Incident, now time.Time, automatic bool) error {
	kind := desk.EventIncidentStateChanged
	switch inc.State {
	case desk.StateResolved:
		kind = desk.EventIncidentResolved
	case desk.StateClosed:
		kind = desk.EventIncidentClosed
	}
	return a.publishIncident(ctx, tx, kind, actor, inc, now, func(d *eventData) {
		d.From, d.To = string(from), string(inc.State)
		switch inc.State {
		case desk.StateResolved:
			d.Solution = &eventSolution{Kind: string(inc.SolutionKind), Text: inc.Solution}
		case desk.StateClosed:
			confirmed := !automatic && actor.Role.IsClient()
			d.Confirmed, d.Automatic = &confirmed, &automatic
		}
	})
}

// incidentEvent is the incident as an event shows it, with the names of its organisation,
// owner and assignee.
func (a *core) incidentEvent(ctx context.Context, tx eventTx, inc desk.Incident) (eventIncident, error) {
	e := eventIncident{
		ID: inc.ID, Number: inc.Number, Title: inc.Title, State: string(inc.State), Priority: inc.Priority.String(),
		Urgency: string(inc.Urgency), Impact: string(inc.Impact), Kind: string(inc.Kind), Channel: string(inc.Channel),
		URL: a.link("/incidents/" + inc.Number), CreatedAt: inc.CreatedAt, UpdatedAt: inc.UpdatedAt,
	}
	o, err := tx.Organisation(ctx, inc.OrgID)
	if err != nil {
		return e, err
	}
	e.Organisation = eventRef{ID: o.ID, Name: o.Name}
	if e.Owner, err = userRef(ctx, tx, inc.OwnerID); err != nil {
		return e, err
	}
	e.Assignee, err = userRef(ctx, tx, inc.AssigneeID)
	return e, err
}

// userRef names a user, nil for none.
func userRef(ctx context.Context, tx IdentityStore, id *int64) (*eventRef, error) {
	if id == nil {
		return nil, nil
	}
	u, err := tx.User(ctx, *id)
	if err != nil {
		return nil, err
	}
	return &eventRef{ID: u.ID, Name: u.Name}, nil
}

// actorEvent names who made the change; Meldpunt itself has no id.
func actorEvent(actor desk.Actor) *eventActor {
	e := &eventActor{Name: actor.Name}
	if actor.UserID != 0 {
		e.ID = ptr(actor.UserID)
	}
	return e
}

// changeEvent is a change request as an event shows it.
func (a *core) changeEvent(ctx context.Context, tx IncidentStore, c desk.ChangeRequest) (eventChange, error) {
	e := eventChange{ID: c.ID, Number: c.Number, Title: c.Title, State: string(c.State),
		URL: a.link("/changes/" + c.Number), IncidentNumbers: []string{}}
	for _, id := range c.IncidentIDs {
		inc, err := tx.Incident(ctx, id)
		if err != nil {
			return e, err
		}
		e.IncidentNumbers = append(e.IncidentNumbers, inc.Number)
	}
	return e, nil
}

// link is the absolute URL of a path of Meldpunt's pages.
func (a *core) link(path string) string { return strings.TrimRight(a.cfg.BaseURL, "/") + path }

// publishChange queues an event about a change request; from and to are its states before
// and after a change of state.
func (a *core) publishChange(ctx context.Context, tx interface {
	WebhookStore
	IncidentStore
}, kind string, actor desk.Actor, c desk.ChangeRequest, now time.Time, from, to desk.ChangeState) error {
	return a.publish(ctx, tx, kind, nil, now, func() (eventData, error) {
		ec, err := a.changeEvent(ctx, tx, c)
		return eventData{Change: &ec, Actor: actorEvent(actor), From: string(from), To: string(to)}, err
	})
}

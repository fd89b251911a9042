package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// notification is a message in the outbox, its payload as the JSON object it is, with how
// far delivery got. It goes by Via: an email to a user (UserID) or to an address without an
// account (ToEmail, ToName), or a webhook or chat message to an endpoint (EndpointID).
// LastError and Location say how the installation's mail and webhooks are set up, so only
// admins see them; for anyone else they are empty.
type notification struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Via        desk.Via        `json:"via"`
	UserID     int64           `json:"user_id"`
	ToEmail    string          `json:"to_email"`
	ToName     string          `json:"to_name"`
	EndpointID *int64          `json:"endpoint_id"`
	IncidentID *int64          `json:"incident_id"`
	Payload    json.RawMessage `json:"payload"`
	CreatedAt  time.Time       `json:"created_at"`

	State    desk.DeliveryState `json:"state"`
	Attempts int                `json:"attempts"`
	// NextAttemptAt is when a pending message is due; null in the other states.
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastError     string     `json:"last_error"`
	SentAt        *time.Time `json:"sent_at"`
	Location      string     `json:"location"`
}

// notificationOf is the API's form of a notification, as the actor may see it.
func notificationOf(act desk.Actor, n desk.Notification) notification {
	p := json.RawMessage(n.Payload)
	if !json.Valid(p) || !strings.HasPrefix(strings.TrimSpace(n.Payload), "{") {
		p = json.RawMessage(`{}`) // written by Meldpunt as an object; never fail a list on it
	}
	out := notification{ID: n.ID, Kind: n.Kind, Via: n.Via, UserID: n.UserID, ToEmail: n.ToEmail, ToName: n.ToName,
		IncidentID: n.IncidentID, Payload: p, CreatedAt: n.CreatedAt, State: n.State, Attempts: n.Attempts, SentAt: n.SentAt}
	if out.Via == "" {
		out.Via = desk.ViaEmail
	}
	if n.EndpointID != 0 {
		id := n.EndpointID
		out.EndpointID = &id
	}
	if n.State == desk.DeliveryPending {
		next := n.NextAttemptAt
		out.NextAttemptAt = &next
	}
	if act.Role == desk.RoleAdmin {
		out.LastError, out.Location = n.LastError, n.Location
	}
	return out
}

// outboxPage is a page of the outbox with the number of messages in each state.
type outboxPage struct {
	page[notification]
	Counts map[desk.DeliveryState]int `json:"counts"`
}

func (a *api) listOutbox(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	states := make([]string, len(desk.DeliveryStates))
	for i, s := range desk.DeliveryStates {
		states[i] = string(s)
	}
	vias := make([]string, len(desk.Vias))
	for i, v := range desk.Vias {
		vias[i] = string(v)
	}
	f := desk.OutboxFilter{State: desk.DeliveryState(q.oneOf("state", states)), Via: desk.Via(q.oneOf("via", vias)),
		Before: q.cursor(), Limit: q.limit()}
	if err := q.Err(); err != nil {
		return err
	}
	act := actor(r)
	p, err := a.svc.outbox.List(r.Context(), act, f)
	if err != nil {
		return err
	}
	counts, err := a.svc.outbox.Counts(r.Context(), act)
	if err != nil {
		return err
	}
	items := make([]notification, len(p.Items))
	for i, n := range p.Items {
		items[i] = notificationOf(act, n)
	}
	return writeJSON(w, http.StatusOK, outboxPage{page: pageOf(items, p.Next), Counts: counts})
}

func (a *api) retryNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "notification")
	if err != nil {
		return err
	}
	act := actor(r)
	n, err := a.svc.outbox.Retry(r.Context(), act, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationOf(act, n))
}

// preferences is the body of PUT /me/notification-preferences and, with always, its
// answer: the optional kinds and whether each is on, and the kinds that always go out.
type preferences struct {
	Preferences []desk.Preference `json:"preferences"`
	Always      []string          `json:"always"`
}

// preferencesInput is the body of PUT /me/notification-preferences; a kind not listed
// keeps its setting.
type preferencesInput struct {
	Preferences *[]preferenceInput `json:"preferences"`
}

type preferenceInput struct {
	Kind    string `json:"kind"`
	Enabled *bool  `json:"enabled"`
}

func (a *api) getPreferences(w http.ResponseWriter, r *http.Request) error {
	act := actor(r)
	ps, err := a.svc.outbox.Preferences(r.Context(), act)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, preferencesOf(act, ps))
}

func (a *api) putPreferences(w http.ResponseWriter, r *http.Request) error {
	var in preferencesInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var v desk.Validator
	if in.Preferences == nil {
		v.Add("preferences", "required", "list the kinds to switch on or off")
	}
	var ps []desk.Preference
	if in.Preferences != nil {
		for i, p := range *in.Preferences {
			if p.Enabled == nil {
				v.Add("preferences["+strconv.Itoa(i)+"].enabled", "required", "must be true or false")
				continue
			}
			ps = append(ps, desk.Preference{Kind: p.Kind, Enabled: *p.Enabled})
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	act := actor(r)
	ps, err := a.svc.outbox.SetPreferences(r.Context(), act, ps)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, preferencesOf(act, ps))
}

func preferencesOf(act desk.Actor, ps []desk.Preference) preferences {
	if ps == nil {
		ps = []desk.Preference{}
	}
	return preferences{Preferences: ps, Always: app.MandatoryKinds(act.Role)}
}

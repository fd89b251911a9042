package api

import (
	"net/http"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Outgoing webhooks (docs/webhooks.md): admins register the endpoints that receive the
// desk's events. The signing secret is in the answer of the creation and of a rotation, and
// nowhere else.

// webhookEndpoint is an endpoint as the API shows it: without its secrets, but saying until
// when the previous secret still signs after a rotation.
type webhookEndpoint struct {
	desk.WebhookEndpoint
	PreviousSecretUntil *time.Time `json:"previous_secret_until"`
}

// webhookSecret is an endpoint with its new secret: the answer of the creation and of a
// rotation, the only ones that show it.
type webhookSecret struct {
	webhookEndpoint
	Secret string `json:"secret"`
}

// webhookDelivery is one message to an endpoint with every attempt to deliver it.
type webhookDelivery struct {
	notification
	AttemptLog []desk.Attempt `json:"attempt_log"`
}

func endpointOf(e desk.WebhookEndpoint) webhookEndpoint {
	out := webhookEndpoint{WebhookEndpoint: e}
	if e.PreviousSecret != "" {
		out.PreviousSecretUntil = e.PreviousUntil
	}
	if out.Events == nil {
		out.Events = []string{}
	}
	return out
}

func (a *api) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	es, err := a.svc.webhooks.List(r.Context(), actor(r))
	if err != nil {
		return err
	}
	items := make([]webhookEndpoint, len(es))
	for i, e := range es {
		items[i] = endpointOf(e)
	}
	return writeJSON(w, http.StatusOK, listOf(items))
}

func (a *api) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in app.WebhookInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	s, err := a.svc.webhooks.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/webhooks/"+desk.FormatInt(s.ID), webhookSecret{webhookEndpoint: endpointOf(s.WebhookEndpoint), Secret: s.Secret})
}

func (a *api) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	e, err := a.svc.webhooks.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, endpointOf(e))
}

func (a *api) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	var p app.WebhookInput
	if err := decode(w, r, &p); err != nil {
		return err
	}
	e, err := a.svc.webhooks.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, endpointOf(e))
}

func (a *api) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	if err := a.svc.webhooks.Delete(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	s, err := a.svc.webhooks.RotateSecret(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, webhookSecret{webhookEndpoint: endpointOf(s.WebhookEndpoint), Secret: s.Secret})
}

// testWebhook queues a webhook.test event for the endpoint and answers 202 with the queued
// message; the delivery job sends it within seconds, and the endpoint's deliveries show
// how it went.
func (a *api) testWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	act := actor(r)
	n, err := a.svc.webhooks.SendTest(r.Context(), act, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, notificationOf(act, n))
}

func (a *api) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		return err
	}
	act := actor(r)
	ds, err := a.svc.webhooks.Deliveries(r.Context(), act, id)
	if err != nil {
		return err
	}
	items := make([]webhookDelivery, len(ds))
	for i, d := range ds {
		log := d.Attempts
		if log == nil {
			log = []desk.Attempt{}
		}
		items[i] = webhookDelivery{notification: notificationOf(act, d.Notification), AttemptLog: log}
	}
	return writeJSON(w, http.StatusOK, listOf(items))
}

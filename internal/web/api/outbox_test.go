package api_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// queueNotification writes a notification straight into the outbox, as a change would.
func queueNotification(t *testing.T, db *store.DB, userID int64, incidentID *int64, kind string) int64 {
	t.Helper()
	n := desk.Notification{Kind: kind, UserID: userID, IncidentID: incidentID, Payload: `{"number":"INC-000001","title":"Down"}`, CreatedAt: time.Now()}
	if err := db.Write(context.Background(), func(tx app.Tx) error { return tx.Notify(context.Background(), &n) }); err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// settleNotification records an attempt on a due notification the way the delivery job
// does: lease it, then settle it in the state given.
func settleNotification(t *testing.T, db *store.DB, id int64, d desk.Delivery) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx app.Tx) error {
		now := time.Now()
		if ok, err := tx.LeaseNotification(ctx, id, "test", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("lease %d: %v %v", id, ok, err)
		}
		if ok, err := tx.SettleNotification(ctx, id, "test", d); err != nil || !ok {
			t.Fatalf("settle %d: %v %v", id, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// failNotification sets a notification aside after 8 attempts.
func failNotification(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	settleNotification(t, db, id, desk.Delivery{State: desk.DeliveryFailed, Attempts: 8, LastError: "dial tcp 127.0.0.1:25: connection refused"})
}

// sendNotification records a notification as written to an .eml file.
func sendNotification(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	now := time.Now()
	settleNotification(t, db, id, desk.Delivery{State: desk.DeliverySent, Attempts: 1, SentAt: &now, Location: "/data/outbox/mail.eml"})
}

// outboxCalls are the conformance test's calls of the outbox and preference routes.
func outboxCalls(t *testing.T, e *env, db *store.DB) []request {
	failed := queueNotification(t, db, e.users["agent"].ID, nil, desk.NotifyAssigned)
	failNotification(t, db, failed)
	sendNotification(t, db, queueNotification(t, db, e.users["clientUserA"].ID, nil, desk.NotifyReportReceived))
	e.vars["failed"] = itoa(failed)
	return []request{
		{method: "GET", path: "/api/v1/outbox?limit=1", as: "admin"},
		{method: "GET", path: "/api/v1/outbox?state=failed", as: "admin"},
		{method: "GET", path: "/api/v1/outbox?state=lost", as: "admin"},
		{method: "GET", path: "/api/v1/outbox", as: "agent"},
		{method: "POST", path: "/api/v1/outbox/{failed}/retry", as: "admin"},
		{method: "POST", path: "/api/v1/outbox/{failed}/retry", as: "admin"},
		{method: "POST", path: "/api/v1/outbox/{failed}/retry", as: "clientAdminA"},
		{method: "GET", path: "/api/v1/me/notification-preferences", as: "clientUserA"},
		{method: "GET", path: "/api/v1/me/notification-preferences"},
		{method: "PUT", path: "/api/v1/me/notification-preferences", as: "agent", body: `{"preferences":[{"kind":"new_report","enabled":false}]}`},
		{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA", body: `{"preferences":[{"kind":"solution","enabled":false}]}`},
	}
}

// TestOutboxAPI: admins read the outbox by state a page at a time and retry what was set
// aside; nobody else sees it; everyone reads and switches their own optional messages, and
// only those.
func TestOutboxAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent, client := e.users["agent"].ID, e.users["clientUserA"].ID
		var ids []int64
		for range 3 {
			ids = append(ids, queueNotification(t, db, agent, nil, desk.NotifyNewReport))
		}
		failNotification(t, db, ids[0])
		failNotification(t, db, ids[1])
		sendNotification(t, db, queueNotification(t, db, client, nil, desk.NotifyReportReceived))
		e.vars["f0"], e.vars["f1"], e.vars["pending"] = itoa(ids[0]), itoa(ids[1]), itoa(ids[2])
		counts := must(e.app.Outbox.Counts(context.Background(), sys))(t)
		if counts[desk.DeliveryFailed] != 2 || counts[desk.DeliverySent] != 1 {
			t.Fatalf("counts: %v", counts)
		}
		e.run(t, []scenario{
			{name: "an agent may not read the outbox", request: request{method: "GET", path: "/api/v1/outbox", as: "agent"}, status: 403},
			{name: "nor may a client admin", request: request{method: "GET", path: "/api/v1/outbox", as: "clientAdminA"}, status: 403},
			{name: "nor anyone anonymous", request: request{method: "GET", path: "/api/v1/outbox"}, status: 401},
			{name: "the admin reads what was set aside, newest first", request: request{method: "GET", path: "/api/v1/outbox?state=failed", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 2, "items.0.id": "{f1}", "items.1.id": "{f0}", "items.0.state": "failed", "items.0.attempts": 8,
					"items.0.last_error": "dial tcp 127.0.0.1:25: connection refused", "items.0.next_attempt_at": nil, "items.0.kind": "new_report",
					"counts.failed": 2, "counts.sent": 1, "next_cursor": absent{}}},
			{name: "a page at a time", request: request{method: "GET", path: "/api/v1/outbox?state=failed&limit=1", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{f1}"}, save: map[string]string{"cursor": "next_cursor"}},
			{name: "the next page", request: request{method: "GET", path: "/api/v1/outbox?state=failed&limit=1&cursor={cursor}", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{f0}", "next_cursor": absent{}}},
			{name: "where a sent message went", request: request{method: "GET", path: "/api/v1/outbox?state=sent", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.location": "/data/outbox/mail.eml", "items.0.user_id": client}},
			{name: "a pending message says when it is due", request: request{method: "GET", path: "/api/v1/outbox?state=pending&limit=200", as: "admin"}, status: 200,
				check: func(t *testing.T, r *result) {
					for _, it := range r.items() {
						m := it.(map[string]any)
						if m["id"] == float64(ids[2]) {
							if m["next_attempt_at"] == nil || m["state"] != "pending" {
								t.Errorf("pending message: %v", m)
							}
							return
						}
					}
					t.Errorf("message %d is not listed as pending", ids[2])
				}},
			{name: "an unknown state", request: request{method: "GET", path: "/api/v1/outbox?state=lost", as: "admin"}, status: 422,
				errors: [][2]string{{"state", "one_of"}}},
			{name: "a bad cursor and limit", request: request{method: "GET", path: "/api/v1/outbox?cursor=x&limit=0", as: "admin"}, status: 422,
				errors: [][2]string{{"cursor", "cursor"}, {"limit", "range"}}},
			{name: "an agent may not retry", request: request{method: "POST", path: "/api/v1/outbox/{f0}/retry", as: "agent"}, status: 403},
			{name: "the admin retries", request: request{method: "POST", path: "/api/v1/outbox/{f0}/retry", as: "admin"}, status: 200,
				fields: map[string]any{"id": "{f0}", "state": "pending", "attempts": 0}},
			{name: "not twice", request: request{method: "POST", path: "/api/v1/outbox/{f0}/retry", as: "admin"}, status: 409,
				contains: []string{"only a message that was set aside can be retried"}},
			{name: "nor one that is pending", request: request{method: "POST", path: "/api/v1/outbox/{pending}/retry", as: "admin"}, status: 409},
			{name: "nor one that does not exist", request: request{method: "POST", path: "/api/v1/outbox/999999/retry", as: "admin"}, status: 404},
			{name: "one set aside is left", request: request{method: "GET", path: "/api/v1/outbox?state=failed", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{f1}", "counts.failed": 1}},

			{name: "a client's preferences", request: request{method: "GET", path: "/api/v1/me/notification-preferences", as: "clientUserA"}, status: 200,
				fields: map[string]any{"preferences": []any{map[string]any{"kind": "incident_update", "enabled": true}},
					"always": []any{"report_received", "assessment", "waiting_for_you", "solution", "closed", "auto_closed"}}},
			{name: "a client switches updates off", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA",
				body: `{"preferences":[{"kind":"incident_update","enabled":false}]}`}, status: 200,
				fields: map[string]any{"preferences.0.kind": "incident_update", "preferences.0.enabled": false}},
			{name: "and it stays off", request: request{method: "GET", path: "/api/v1/me/notification-preferences", as: "clientUserA"}, status: 200,
				fields: map[string]any{"preferences.0.enabled": false}},
			{name: "for that person only", request: request{method: "GET", path: "/api/v1/me/notification-preferences", as: "clientUserA2"}, status: 200,
				fields: map[string]any{"preferences.0.enabled": true}},
			{name: "a solution always goes out; a desk kind is not a client's", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA",
				body: `{"preferences":[{"kind":"incident_update","enabled":true},{"kind":"solution","enabled":false},{"kind":"new_report","enabled":false},{"kind":"fax","enabled":false}]}`},
				status: 422, errors: [][2]string{{"/preferences/1/kind", "mandatory"}, {"/preferences/2/kind", "one_of"}, {"/preferences/3/kind", "one_of"}}},
			{name: "nothing of a refused change is kept", request: request{method: "GET", path: "/api/v1/me/notification-preferences", as: "clientUserA"}, status: 200,
				fields: map[string]any{"preferences.0.enabled": false}},
			{name: "enabled is required", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA",
				body: `{"preferences":[{"kind":"incident_update"}]}`}, status: 422, errors: [][2]string{{"/preferences/0/enabled", "required"}}},
			{name: "so is the list", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA", body: `{}`},
				status: 422, errors: [][2]string{{"/preferences", "required"}}},
			{name: "an unknown field", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "clientUserA",
				body: `{"preferences":[],"user_id":1}`}, status: 422, errors: [][2]string{{"/user_id", "unknown_field"}}},
			{name: "the agent's optional kinds", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "agent",
				body: `{"preferences":[{"kind":"sla_warning","enabled":false}]}`}, status: 200,
				fields: map[string]any{"preferences.#": 6, "preferences.2.kind": "sla_warning", "preferences.2.enabled": false, "preferences.0.enabled": true,
					"always": []any{"assigned", "solution_rejected"}}},
			{name: "staff may not switch assignments off", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "agent",
				body: `{"preferences":[{"kind":"assigned","enabled":false}]}`}, status: 422, errors: [][2]string{{"/preferences/0/kind", "mandatory"}}},
			{name: "anonymous", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", body: `{"preferences":[]}`}, status: 401},

			{name: "a client's own notifications show their delivery, not the mail setup", request: request{method: "GET", path: "/api/v1/notifications", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.state": "sent", "items.0.location": "", "items.0.last_error": "", "items.0.attempts": 1},
				notContains: []string{"/data/outbox"}},
		})
	})
}

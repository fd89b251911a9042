-- Notification channels (issue 9): the outbox carries a message to an email address (a
-- user's, or that of a person without an account), to a webhook endpoint (a signed JSON
-- event, Standard Webhooks) or to a chat webhook (a Slack-compatible message). Every
-- attempt to deliver is recorded, with its duration and, for webhooks, the status code.

CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    format          TEXT    NOT NULL CHECK (format IN ('standard', 'slack')),
    events          TEXT    NOT NULL, -- JSON array of event types (desk.WebhookEvents)
    locale          TEXT    NOT NULL DEFAULT 'nl',
    secret          TEXT    NOT NULL, -- whsec_…: the payload is signed with it
    previous_secret TEXT    NOT NULL DEFAULT '', -- also signs until previous_until, after a rotation
    previous_until  INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by      INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- SQLite cannot drop NOT NULL from user_id in place: the table is rebuilt, with its ids and
-- its AUTOINCREMENT sequence (reply addresses and Message-IDs name notification ids, so an
-- id is never used twice). No table refers to notifications yet.
ALTER TABLE notifications RENAME TO notifications_0007;

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    via             TEXT    NOT NULL DEFAULT 'email' CHECK (via IN ('email', 'webhook', 'chat')),
    user_id         INTEGER REFERENCES users (id),
    to_email        TEXT    NOT NULL DEFAULT '', -- a recipient without an account
    to_name         TEXT    NOT NULL DEFAULT '',
    locale          TEXT    NOT NULL DEFAULT '',
    endpoint_id     INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    incident_id     INTEGER REFERENCES incidents (id) ON DELETE CASCADE,
    payload         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT    NOT NULL DEFAULT '',
    lease_until     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER,
    location        TEXT    NOT NULL DEFAULT '',
    -- Exactly one recipient: an email to a user or an address, or an event to an endpoint.
    CHECK ((via = 'email' AND (user_id IS NOT NULL OR to_email <> '') AND endpoint_id IS NULL)
        OR (via IN ('webhook', 'chat') AND endpoint_id IS NOT NULL AND user_id IS NULL))
);

INSERT INTO notifications (id, kind, user_id, incident_id, payload, created_at, state, attempts,
    next_attempt_at, lease_owner, lease_until, last_error, sent_at, location)
SELECT id, kind, user_id, incident_id, payload, created_at, state, attempts,
    next_attempt_at, lease_owner, lease_until, last_error, sent_at, location
FROM notifications_0007;

-- sqlite_sequence has no key on name: update the new table's row, or add it when the
-- copy inserted nothing.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'notifications_0007')
WHERE name = 'notifications' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications_0007');
INSERT INTO sqlite_sequence (name, seq)
SELECT 'notifications', seq FROM sqlite_sequence WHERE name = 'notifications_0007'
AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications');
DELETE FROM sqlite_sequence WHERE name = 'notifications_0007';
DROP TABLE notifications_0007;

CREATE INDEX notifications_user ON notifications (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX notifications_state ON notifications (state, id);
CREATE INDEX notifications_endpoint ON notifications (endpoint_id, id) WHERE endpoint_id IS NOT NULL;

-- Every attempt to deliver a notification: when, how long, and how it went.
CREATE TABLE delivery_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempted_at    INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    status_code     INTEGER NOT NULL DEFAULT 0, -- the HTTP status of a webhook; 0 for email
    error           TEXT    NOT NULL DEFAULT '',
    location        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id, id);

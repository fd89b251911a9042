-- Email (issue 5): the notifications table becomes the outbox. A row is written in the
-- transaction of the change that causes it; the delivery job leases it (lease_owner,
-- lease_until), sends it and records how it went. After max attempts it is set aside
-- (state 'failed') until an admin retries it (docs/email.md).

ALTER TABLE notifications ADD COLUMN state           TEXT    NOT NULL DEFAULT 'pending';
ALTER TABLE notifications ADD COLUMN attempts        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN lease_owner     TEXT    NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN lease_until     BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN last_error      TEXT    NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN sent_at         BIGINT;
ALTER TABLE notifications ADD COLUMN location        TEXT    NOT NULL DEFAULT '';

-- Messages queued before Meldpunt sent email were shown in the app only; sending them all at
-- the first start after the upgrade would flood people with stale news.
UPDATE notifications SET state = 'skipped', last_error = 'queued before Meldpunt sent email (migration 0007)';

-- The delivery job: pending messages by when they are due.
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE state = 'pending';
-- The outbox page: messages by state, newest first.
CREATE INDEX notifications_state ON notifications (state, id);

-- Optional notification kinds a person switched off (desk.OptionalKinds).
CREATE TABLE notification_optouts (
    user_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Mail received on the SMTP listener, by its Message-ID: a message delivered twice (an MTA
-- retrying after a lost answer) lands on the timeline once.
CREATE TABLE inbound_messages (
    message_id  TEXT    PRIMARY KEY,
    incident_id BIGINT  REFERENCES incidents (id) ON DELETE CASCADE,
    received_at BIGINT  NOT NULL
);

-- Email subscriptions to the public status page (issue 11). A visitor subscribes with an
-- email address, a language and either every public component or chosen ones; nothing but
-- the confirmation is sent before confirmed_at is set (double opt-in). secret is mixed into
-- the MAC of the subscriber's links, so a link made for an earlier subscription of the same
-- address (or the same id) never works for a later one. Unsubscribing deletes the row.
-- The table is not shown on the public page, so it has no status_page_version triggers.

CREATE TABLE status_subscribers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL UNIQUE, -- lower case
    locale         TEXT    NOT NULL CHECK (locale IN ('nl', 'en')),
    all_components INTEGER NOT NULL DEFAULT 1 CHECK (all_components IN (0, 1)),
    secret         TEXT    NOT NULL,
    confirmed_at   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
-- The fan-out reads the confirmed subscribers only.
CREATE INDEX status_subscribers_confirmed ON status_subscribers (id) WHERE confirmed_at IS NOT NULL;

-- The chosen components of a subscriber who does not follow everything.
CREATE TABLE status_subscriber_components (
    subscriber_id INTEGER NOT NULL REFERENCES status_subscribers (id) ON DELETE CASCADE,
    component_id  INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, component_id)
);
CREATE INDEX status_subscriber_components_component ON status_subscriber_components (component_id, subscriber_id);

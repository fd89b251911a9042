-- The queue's saved views (issue 13, point 2): a person's named filters of the desk's
-- queue. Query is the filter as the queue's URL writes it ("priority=P1&mine=1"); the
-- built-in views are not stored. A view goes with its user.

CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (user_id, lower(name));

-- The "waiting on supplier" view reads the open incidents handed to an external party or
-- waiting on a third party in the queue's order; without this index it would read the whole
-- queue to find the few at its end (paused ones count as due at desk.Never).
CREATE INDEX incidents_queue_external ON incidents (COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed' AND (supplier_id IS NOT NULL OR (state = 'waiting' AND waiting_on = 'third_party'));

-- External parties (issue 4, steps 3 and 6): suppliers an incident is handed to, with a
-- follow-up date, and the reminders the owner gets when that date passes or when an open
-- incident has had no update for its priority's stale time.

CREATE TABLE suppliers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    contact_name TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    notes        TEXT    NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX suppliers_name ON suppliers (lower(name));

-- The external party and the follow-up date; follow_up_reminded is set once the owner was
-- reminded of this date (a new date clears it); stale_reminded_at is when the owner was last
-- reminded that the incident had no update.
ALTER TABLE incidents ADD COLUMN supplier_id        INTEGER REFERENCES suppliers (id);
ALTER TABLE incidents ADD COLUMN follow_up_at       INTEGER;
ALTER TABLE incidents ADD COLUMN follow_up_reminded INTEGER NOT NULL DEFAULT 0 CHECK (follow_up_reminded IN (0, 1));
ALTER TABLE incidents ADD COLUMN stale_reminded_at  INTEGER;

-- The queue filtered by external party (see incidents_queue in 0004_sla.sql).
CREATE INDEX incidents_queue_supplier ON incidents (supplier_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';
-- The reminder job: follow-up dates not yet reminded of, and the incidents the desk still
-- watches by their last update.
CREATE INDEX incidents_follow_up ON incidents (follow_up_at)
    WHERE follow_up_reminded = FALSE AND state NOT IN ('resolved', 'closed');
CREATE INDEX incidents_watched ON incidents (priority, updated_at)
    WHERE state NOT IN ('resolved', 'closed');

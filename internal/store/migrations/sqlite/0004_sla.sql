-- SLA clocks (issue 4): calendars as data, the deadlines stored per incident, and the flags
-- of the warnings and breaches the SLA job has handled.

-- An admin's own calendars, and their own versions of the built-in ones ("24x7",
-- "business"); a built-in calendar applies until a row with its slug exists.
CREATE TABLE calendars (
    slug       TEXT    PRIMARY KEY,
    definition TEXT    NOT NULL, -- JSON of desk.Calendar
    updated_at INTEGER NOT NULL
);

-- desk.SLA, computed by the app in the transaction of each change. Times are unix
-- milliseconds like every other time; NULL where the SLA has no such instant.
ALTER TABLE incidents ADD COLUMN sla_calendar      TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN response_due_at   INTEGER;
ALTER TABLE incidents ADD COLUMN response_warn_at  INTEGER;
ALTER TABLE incidents ADD COLUMN resolve_due_at    INTEGER;
ALTER TABLE incidents ADD COLUMN resolve_warn_at   INTEGER;
ALTER TABLE incidents ADD COLUMN paused_ms         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN paused_since_at   INTEGER;
ALTER TABLE incidents ADD COLUMN response_warned   INTEGER NOT NULL DEFAULT 0 CHECK (response_warned IN (0, 1));
ALTER TABLE incidents ADD COLUMN response_breached INTEGER NOT NULL DEFAULT 0 CHECK (response_breached IN (0, 1));
ALTER TABLE incidents ADD COLUMN resolve_warned    INTEGER NOT NULL DEFAULT 0 CHECK (resolve_warned IN (0, 1));
ALTER TABLE incidents ADD COLUMN resolve_breached  INTEGER NOT NULL DEFAULT 0 CHECK (resolve_breached IN (0, 1));

-- The console's queue: open incidents by time to breach (no deadline sorts as desk.Never,
-- 9999-12-31T23:59:59Z), then id; also per client, state, owner and assignee. Queries repeat
-- the expression and the predicate word for word, so both databases use these indexes.
CREATE INDEX incidents_queue ON incidents (COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';
CREATE INDEX incidents_queue_state ON incidents (state, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';
CREATE INDEX incidents_queue_org ON incidents (org_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';
CREATE INDEX incidents_queue_owner ON incidents (owner_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';
CREATE INDEX incidents_queue_assignee ON incidents (assignee_id, COALESCE(resolve_due_at, 253402300799000), id)
    WHERE state <> 'closed';

-- The SLA job: per mark, the open incidents whose time has come and whose flag is not set.
-- Each index holds only the incidents still waiting for that mark, so it stays small.
CREATE INDEX incidents_sla_response_warn ON incidents (response_warn_at)
    WHERE response_warned = FALSE AND first_response_at IS NULL AND state <> 'closed';
CREATE INDEX incidents_sla_response_due ON incidents (response_due_at)
    WHERE response_breached = FALSE AND first_response_at IS NULL AND state <> 'closed';
CREATE INDEX incidents_sla_resolve_warn ON incidents (resolve_warn_at)
    WHERE resolve_warned = FALSE AND paused_since_at IS NULL AND state <> 'closed';
CREATE INDEX incidents_sla_resolve_due ON incidents (resolve_due_at)
    WHERE resolve_breached = FALSE AND paused_since_at IS NULL AND state <> 'closed';

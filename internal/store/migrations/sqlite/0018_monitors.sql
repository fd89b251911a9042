-- Monitors (issue 12, docs/monitors.md "Scheduling and history"). A monitor belongs to a
-- component and checks one thing at its interval; every instance takes due monitors with a
-- time-limited lease on monitor_state (as the outbox leases notifications), so a monitor is
-- checked by one instance at a time, and a dead instance's monitors run again when its
-- leases run out.
--
-- A component gets two settings: monitor_mode 'propose' (the default: the monitors' verdict
-- is shown to the desk, not to the public) or 'auto' (it joins the public status), and
-- monitor_autoresolve (default off: on recovery the monitor's incident waits for the desk).
-- observed_status is the worst of its monitors' verdicts ('' when all are up); writing it moves
-- the status page's counter (the components triggers of 0011), so the page rebuilds.

ALTER TABLE components ADD COLUMN monitor_mode TEXT NOT NULL DEFAULT 'propose';
ALTER TABLE components ADD COLUMN monitor_autoresolve INTEGER NOT NULL DEFAULT 0 CHECK (monitor_autoresolve IN (0, 1));
ALTER TABLE components ADD COLUMN observed_status TEXT NOT NULL DEFAULT '';

CREATE TABLE monitors (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    component_id   INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    supplier_id    INTEGER REFERENCES suppliers (id) ON DELETE SET NULL,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    settings       TEXT    NOT NULL,
    interval_ms    INTEGER NOT NULL,
    timeout_ms     INTEGER NOT NULL,
    fail_after     INTEGER NOT NULL,
    recover_after  INTEGER NOT NULL,
    enabled        INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    heartbeat_hash BLOB UNIQUE,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX monitors_component ON monitors (component_id);

-- One row per monitor: the verdict after hysteresis, the counts that lead to it, the last
-- check, the open outage, and the schedule with its lease. version moves on every change, so
-- a change is a conditional update that one writer wins.
CREATE TABLE monitor_state (
    monitor_id    INTEGER PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL DEFAULT 'up',
    fails         INTEGER NOT NULL DEFAULT 0,
    oks           INTEGER NOT NULL DEFAULT 0,
    last_at       INTEGER NOT NULL DEFAULT 0,
    last_status   TEXT    NOT NULL DEFAULT '',
    last_ms       INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    last_evidence TEXT    NOT NULL DEFAULT '',
    last_component_status TEXT NOT NULL DEFAULT '',
    last_beat_at  INTEGER NOT NULL DEFAULT 0,
    down_since    INTEGER,
    incident_id   INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
    next_due_at   INTEGER NOT NULL,
    lease_owner   TEXT    NOT NULL DEFAULT '',
    lease_until   INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX monitor_state_due ON monitor_state (next_due_at);

-- Raw results, kept --monitor-retention (48 h by default). status: 0 up, 1 degraded, 2 down.
-- WITHOUT ROWID: the key is the table, so a result costs one b-tree entry, not two.
CREATE TABLE monitor_results (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    status     INTEGER NOT NULL,
    ms         INTEGER NOT NULL,
    error      TEXT,
    PRIMARY KEY (monitor_id, at)
) WITHOUT ROWID;

-- Hourly (kept 90 days) and daily (kept) aggregates, by UTC hour and day.
CREATE TABLE monitor_hourly (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    checks     INTEGER NOT NULL,
    up         INTEGER NOT NULL,
    degraded   INTEGER NOT NULL,
    down       INTEGER NOT NULL,
    mean_ms    INTEGER NOT NULL,
    p95_ms     INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, at)
) WITHOUT ROWID;

CREATE TABLE monitor_daily (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    checks     INTEGER NOT NULL,
    up         INTEGER NOT NULL,
    degraded   INTEGER NOT NULL,
    down       INTEGER NOT NULL,
    mean_ms    INTEGER NOT NULL,
    p95_ms     INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, at)
) WITHOUT ROWID;

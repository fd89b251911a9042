-- Change requests (issue 4, step 4 of the incident process): the structural fix proposed
-- from an incident, linked to one or more incidents, with each decision and its reason.

CREATE TABLE change_requests (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    state          TEXT    NOT NULL, -- requested, approved, rejected, implemented
    created_by     INTEGER REFERENCES users (id),
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    decided_at     INTEGER,
    implemented_at INTEGER
);
-- The list filtered by state, newest first.
CREATE INDEX change_requests_state ON change_requests (state, id);

-- The incidents a change request is linked to; every incident's page lists its own.
CREATE TABLE change_request_incidents (
    change_id   INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    linked_at   INTEGER NOT NULL,
    PRIMARY KEY (change_id, incident_id)
);
CREATE INDEX change_request_incidents_incident ON change_request_incidents (incident_id, change_id);

-- Every state change with its optional reason; the actor's name is kept as it was.
CREATE TABLE change_request_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id   INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    from_state  TEXT    NOT NULL,
    to_state    TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_name  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX change_request_decisions_change ON change_request_decisions (change_id, id);

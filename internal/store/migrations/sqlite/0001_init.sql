-- Meldpunt's first schema, SQLite. Times are unix milliseconds UTC; booleans are 0/1.
-- AUTOINCREMENT keeps ids from being reused, so incident numbers never repeat.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE contracts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    name             TEXT    NOT NULL,
    support_hours    TEXT    NOT NULL,
    urgent_hours     TEXT    NOT NULL,
    covers_urgent    INTEGER NOT NULL CHECK (covers_urgent IN (0, 1)),
    auto_close_hours INTEGER NOT NULL,
    active           INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX contracts_org ON contracts (org_id, id);

CREATE TABLE contract_targets (
    contract_id            INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    priority               INTEGER NOT NULL,
    first_response_minutes INTEGER NOT NULL,
    resolution_minutes     INTEGER NOT NULL,
    PRIMARY KEY (contract_id, priority)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    locale        TEXT    NOT NULL,
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    hash         BLOB    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    hash       BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    address    TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE reset_tokens (
    hash       BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX reset_tokens_user ON reset_tokens (user_id);
CREATE INDEX reset_tokens_expires ON reset_tokens (expires_at);

CREATE TABLE component_groups (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE components (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    INTEGER REFERENCES component_groups (id) ON DELETE SET NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX components_group ON components (group_id);

CREATE TABLE component_clients (
    component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (component_id, org_id)
);
CREATE INDEX component_clients_org ON component_clients (org_id, component_id);

CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    reporter_id       INTEGER REFERENCES users (id),
    channel           TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    urgency           TEXT    NOT NULL,
    impact            TEXT    NOT NULL,
    priority          INTEGER NOT NULL,
    state             TEXT    NOT NULL,
    waiting_on        TEXT    NOT NULL,
    owner_id          INTEGER REFERENCES users (id),
    assignee_id       INTEGER REFERENCES users (id),
    solution          TEXT    NOT NULL,
    version           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    closed_at         INTEGER
);
CREATE INDEX incidents_org ON incidents (org_id, id);
CREATE INDEX incidents_state ON incidents (state);
CREATE INDEX incidents_assignee ON incidents (assignee_id);
CREATE INDEX incidents_owner ON incidents (owner_id);
CREATE INDEX incidents_reporter ON incidents (reporter_id);

CREATE TABLE incident_components (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX incident_components_component ON incident_components (component_id);

CREATE TABLE timeline (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    visibility  TEXT    NOT NULL,
    author_id   INTEGER REFERENCES users (id),
    author_name TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    from_state  TEXT    NOT NULL,
    to_state    TEXT    NOT NULL,
    event       TEXT    NOT NULL DEFAULT '',
    args        TEXT    NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL
);
CREATE INDEX timeline_incident ON timeline (incident_id, id);

-- audit has no foreign keys: the record of a change outlives what it is about.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    org_id      INTEGER,
    action      TEXT    NOT NULL,
    before_json TEXT    NOT NULL,
    after_json  TEXT    NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id, id);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

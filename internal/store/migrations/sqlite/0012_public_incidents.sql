-- Public incidents and scheduled maintenance (issue 11): what the status page says about an
-- outage or planned work, in Dutch and English, the components it affects (each with the
-- status the incident gives it) and its updates (each with its components' old and new
-- status). Every table the page shows moves status_page_version (0011) by trigger.
-- Times are Unix milliseconds, as elsewhere.

CREATE TABLE public_incidents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    name_nl         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    impact          TEXT    NOT NULL,
    scheduled_for   INTEGER,
    scheduled_until INTEGER,
    postmortem_nl   TEXT    NOT NULL DEFAULT '',
    postmortem_en   TEXT    NOT NULL DEFAULT '',
    postmortem_at   INTEGER,
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    monitoring_at   INTEGER,
    resolved_at     INTEGER,
    reminded_at     INTEGER
);
CREATE INDEX public_incidents_open ON public_incidents (resolved_at, started_at);
CREATE INDEX public_incidents_started ON public_incidents (started_at, id);
CREATE INDEX public_incidents_due ON public_incidents (kind, status, scheduled_for);

CREATE TABLE public_incident_components (
    incident_id  INTEGER NOT NULL REFERENCES public_incidents (id) ON DELETE CASCADE,
    component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX public_incident_components_component ON public_incident_components (component_id);

CREATE TABLE public_incident_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES public_incidents (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL,
    body_nl     TEXT    NOT NULL,
    body_en     TEXT    NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX public_incident_updates_incident ON public_incident_updates (incident_id, id);

CREATE TABLE public_update_components (
    update_id    INTEGER NOT NULL REFERENCES public_incident_updates (id) ON DELETE CASCADE,
    component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    old_status   TEXT    NOT NULL,
    new_status   TEXT    NOT NULL,
    PRIMARY KEY (update_id, component_id)
);
CREATE INDEX public_update_components_component ON public_update_components (component_id);

CREATE TRIGGER public_incidents_status_page_ins AFTER INSERT ON public_incidents
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incidents_status_page_upd AFTER UPDATE ON public_incidents
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incidents_status_page_del AFTER DELETE ON public_incidents
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_components_status_page_ins AFTER INSERT ON public_incident_components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_components_status_page_upd AFTER UPDATE ON public_incident_components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_components_status_page_del AFTER DELETE ON public_incident_components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_updates_status_page_ins AFTER INSERT ON public_incident_updates
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_updates_status_page_upd AFTER UPDATE ON public_incident_updates
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_incident_updates_status_page_del AFTER DELETE ON public_incident_updates
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_update_components_status_page_ins AFTER INSERT ON public_update_components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_update_components_status_page_upd AFTER UPDATE ON public_update_components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER public_update_components_status_page_del AFTER DELETE ON public_update_components
BEGIN UPDATE status_page_version SET version = version + 1; END;

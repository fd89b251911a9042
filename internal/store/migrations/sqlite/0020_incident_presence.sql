-- Who has an incident's page open (issue 13): a row per incident and staff member, renewed
-- by the page every ~20 s and removed when it is left. Rows not renewed for a minute no
-- longer count and are deleted when the incident's page is opened again. Several instances
-- share it through the database.
CREATE TABLE incident_presence (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    since       INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);

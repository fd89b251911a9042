-- Who has an incident's page open (issue 13): a row per incident and staff member, renewed
-- by the page every ~20 s and removed when it is left. Rows not renewed for a minute no
-- longer count and are deleted when the incident's page is opened again. Several instances
-- share it through the database. page_view names the page view that wrote the row last: leaving
-- one page removes the row only when no newer view of the same person renewed it.
CREATE TABLE incident_presence (
    incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    since       BIGINT NOT NULL,
    seen_at     BIGINT NOT NULL,
    page_view   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, user_id)
);

-- One outage, many tickets (issue 11): a client ticket (incidents) links to at most one
-- public incident (the primary key on incident_id says so). The link is the desk's own
-- record; the public page never shows it (no client, no ticket, no count), so the table
-- has no status_page_version triggers. Times are Unix milliseconds, as elsewhere.

CREATE TABLE public_incident_tickets (
    incident_id        INTEGER NOT NULL PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    public_incident_id INTEGER NOT NULL REFERENCES public_incidents (id) ON DELETE CASCADE,
    linked_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    linked_at          INTEGER NOT NULL
);
-- The fan-out of an update reads the tickets of one public incident.
CREATE INDEX public_incident_tickets_public ON public_incident_tickets (public_incident_id, incident_id);

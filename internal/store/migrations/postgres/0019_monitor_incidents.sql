-- The incidents each monitor opened (issue 12): a monitor's page lists them, also after the
-- monitor was renamed and after its outage ended. A flapping monitor that reopens its
-- incident links it once.
CREATE TABLE monitor_incidents (
    monitor_id  BIGINT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    PRIMARY KEY (monitor_id, incident_id)
);
CREATE INDEX monitor_incidents_incident ON monitor_incidents (incident_id);

-- The outages open when this migration runs.
INSERT INTO monitor_incidents (monitor_id, incident_id)
    SELECT monitor_id, incident_id FROM monitor_state WHERE incident_id IS NOT NULL;

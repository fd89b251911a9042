-- The public status page (issue 11): every component gets a status, in Atlassian
-- Statuspage's words, and a visibility. A component that existed before stays clients-only:
-- making one public is a decision, so nothing reaches the world by this migration.
-- component_status_history holds one row per status change (the status from that instant
-- on), written in the same transaction as the change, so uptime can be computed for any
-- past day. Every existing component starts its history at its creation, as operational.

ALTER TABLE components ADD COLUMN status TEXT NOT NULL DEFAULT 'operational';
ALTER TABLE components ADD COLUMN visibility TEXT NOT NULL DEFAULT 'clients';
CREATE INDEX components_visibility ON components (visibility);

CREATE TABLE component_status_history (
    id           BIGSERIAL PRIMARY KEY,
    component_id BIGINT NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL,
    from_at      BIGINT NOT NULL
);
CREATE INDEX component_status_history_component ON component_status_history (component_id, from_at, id);

INSERT INTO component_status_history (component_id, status, from_at)
    SELECT id, 'operational', created_at FROM components;

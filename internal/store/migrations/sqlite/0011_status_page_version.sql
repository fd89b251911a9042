-- The status page's change counter (issue 11). Every instance serves the public status page
-- and the /api/v2 documents from a snapshot; it rebuilds the snapshot when this number moves.
-- Triggers move it on every write to a table the public page is made of, so no writer can
-- forget to, and the change is part of the writer's own transaction. A table added later that
-- the page shows adds its own triggers (UPDATE status_page_version SET version = version + 1).
-- Settings move it only for names starting with 'status_page.'.

CREATE TABLE status_page_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO status_page_version (id, version) VALUES (1, 1);

CREATE TRIGGER component_groups_status_page_ins AFTER INSERT ON component_groups
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER component_groups_status_page_upd AFTER UPDATE ON component_groups
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER component_groups_status_page_del AFTER DELETE ON component_groups
BEGIN UPDATE status_page_version SET version = version + 1; END;

CREATE TRIGGER components_status_page_ins AFTER INSERT ON components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER components_status_page_upd AFTER UPDATE ON components
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER components_status_page_del AFTER DELETE ON components
BEGIN UPDATE status_page_version SET version = version + 1; END;

CREATE TRIGGER settings_status_page_ins AFTER INSERT ON settings WHEN NEW.name LIKE 'status\_page.%' ESCAPE '\'
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER settings_status_page_upd AFTER UPDATE ON settings WHEN NEW.name LIKE 'status\_page.%' ESCAPE '\'
BEGIN UPDATE status_page_version SET version = version + 1; END;
CREATE TRIGGER settings_status_page_del AFTER DELETE ON settings WHEN OLD.name LIKE 'status\_page.%' ESCAPE '\'
BEGIN UPDATE status_page_version SET version = version + 1; END;

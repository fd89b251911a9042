-- The status page's change counter (issue 11). Every instance serves the public status page
-- and the /api/v2 documents from a snapshot; it rebuilds the snapshot when this number moves.
-- Triggers move it on every write to a table the public page is made of, so no writer can
-- forget to, and the change is part of the writer's own transaction. A table added later that
-- the page shows adds its own trigger (EXECUTE FUNCTION bump_status_page_version()).
-- Settings move it only for names starting with 'status_page.'.

CREATE TABLE status_page_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO status_page_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_status_page_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE status_page_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER component_groups_status_page AFTER INSERT OR UPDATE OR DELETE ON component_groups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_status_page_version();
CREATE TRIGGER components_status_page AFTER INSERT OR UPDATE OR DELETE ON components
    FOR EACH STATEMENT EXECUTE FUNCTION bump_status_page_version();
CREATE TRIGGER settings_status_page_ins_upd AFTER INSERT OR UPDATE ON settings
    FOR EACH ROW WHEN (NEW.name LIKE 'status\_page.%') EXECUTE FUNCTION bump_status_page_version();
CREATE TRIGGER settings_status_page_del AFTER DELETE ON settings
    FOR EACH ROW WHEN (OLD.name LIKE 'status\_page.%') EXECUTE FUNCTION bump_status_page_version();

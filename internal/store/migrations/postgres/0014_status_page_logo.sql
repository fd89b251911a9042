-- The status page's logo (issue 11, branding): one row at most, the image's bytes with its
-- sniffed type, dimensions and content hash (the ETag of /status/logo). The page shows it,
-- so writes move the status page's change counter (migration 11).

CREATE TABLE status_page_logo (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    etag         TEXT    NOT NULL,
    data         BYTEA   NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TRIGGER status_page_logo_status_page AFTER INSERT OR UPDATE OR DELETE ON status_page_logo
    FOR EACH STATEMENT EXECUTE FUNCTION bump_status_page_version();

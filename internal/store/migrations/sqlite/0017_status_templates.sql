-- Message templates for the desk's frequent status-page messages (issue 11, point 5): a
-- name, the status the update sets, and the body in Dutch and English. Only staff see
-- them; the public page never shows a template, so no status_page_version triggers.

CREATE TABLE status_templates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    body_nl    TEXT    NOT NULL DEFAULT '',
    body_en    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX status_templates_name ON status_templates (lower(name));

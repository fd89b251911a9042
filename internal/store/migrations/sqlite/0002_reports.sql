-- The urgent-report questionnaire (issue 3): what an incident's reporter said is affected,
-- the desk's assessment of a report that claims urgency, the questionnaire's versions, the
-- answers with their verdict, files added to incidents, and queued notifications.

ALTER TABLE incidents ADD COLUMN affected              TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN assessment            TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN assessment_reason     TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN questionnaire_version INTEGER NOT NULL DEFAULT 0;
-- The assessment queue: pending reports, newest first.
CREATE INDEX incidents_assessment ON incidents (assessment, id);

-- Each saved definition is a new version; incidents keep the version they were answered with.
CREATE TABLE questionnaires (
    version    INTEGER PRIMARY KEY,
    definition TEXT    NOT NULL, -- JSON of desk.Questionnaire, its version included
    hash       TEXT    NOT NULL, -- desk.Questionnaire.Hash: the content without the version
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);

-- One report per incident. The acceptance columns are NULL when nobody accepted the procedure.
CREATE TABLE reports (
    incident_id           INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    questionnaire_version INTEGER NOT NULL,
    answers               TEXT    NOT NULL, -- JSON of desk.Answers
    evaluation            TEXT    NOT NULL, -- JSON of desk.Evaluation
    procedure_locale      TEXT,
    procedure_hash        TEXT,
    accepted_by           INTEGER REFERENCES users (id),
    accepted_at           INTEGER,
    accepted_from         TEXT
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_incident ON attachments (incident_id, id);

-- Written in the transaction of the change that causes them; a later issue adds delivery.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    incident_id INTEGER REFERENCES incidents (id) ON DELETE CASCADE,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);

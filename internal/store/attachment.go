package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"

	"meldpunt/internal/desk"
)

// Files are kept in the database with the incident they belong to, so a backup of the
// database is a backup of everything, on both dialects.

const attachmentColumns = "id, incident_id, name, content_type, size, sha256, uploaded_by, created_at"

// AddAttachment stores a file of an incident and sets a.ID. Size is set from data; SHA256
// is computed from data only when the caller left it empty: the app hashes each file
// before the transaction, and hashing 10 MiB again would hold SQLite's one writer for
// about 10 ms.
func (t *tx) AddAttachment(ctx context.Context, a *desk.Attachment, data []byte) error {
	if data == nil {
		data = []byte{} // an empty file, not a missing one (the column is NOT NULL)
	}
	a.Size = int64(len(data))
	if a.SHA256 == "" {
		sum := sha256.Sum256(data)
		a.SHA256 = hex.EncodeToString(sum[:])
	}
	err := t.queryRow(ctx, `INSERT INTO attachments (incident_id, name, content_type, size, sha256, data,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.IncidentID, a.Name, a.ContentType, a.Size, a.SHA256, data, nullID(a.UploadedBy),
		millis(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return writeErr(err, "add attachment", "", "the attachment refers to an incident or user that does not exist")
	}
	return nil
}

func scanAttachment(row row, data ...any) (desk.Attachment, error) {
	var a desk.Attachment
	var by sql.NullInt64
	var created int64
	err := row.Scan(append([]any{&a.ID, &a.IncidentID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &by, &created}, data...)...)
	a.UploadedBy, a.CreatedAt = fromNullID(by), fromMillis(created)
	return a, err
}

// Attachments lists an incident's files, oldest first, without their content.
func (t *tx) Attachments(ctx context.Context, incidentID int64) ([]desk.Attachment, error) {
	as, err := list(ctx, t, "list attachments", func(r row) (desk.Attachment, error) { return scanAttachment(r) }, "SELECT "+attachmentColumns+" FROM attachments WHERE incident_id = $1 ORDER BY id", incidentID)
	if err != nil {
		return nil, err
	}
	return as, nil
}

// Attachment returns one file of an incident with its content; ENOTFOUND when the incident
// has no file with that id (also when another incident has).
func (t *tx) Attachment(ctx context.Context, incidentID, id int64) (desk.Attachment, []byte, error) {
	var data []byte
	a, err := scanAttachment(t.queryRow(ctx, "SELECT "+attachmentColumns+
		", data FROM attachments WHERE id = $1 AND incident_id = $2", id, incidentID), &data)
	if err != nil {
		return desk.Attachment{}, nil, readErr(err, "read attachment", "attachment")
	}
	if data == nil {
		data = []byte{}
	}
	return a, data, nil
}

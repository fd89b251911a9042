package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"meldpunt/internal/desk"
)

// sniff returns the media type of data, read from its content the way browsers do, without
// parameters: the name a browser sends is never trusted.
func sniff(data []byte) string {
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return ct
}

// cleanFileName keeps the last element of a path, without control characters, so that a
// name can never point elsewhere or break a header, nor bidi controls, so that it cannot
// disguise its extension.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || desk.IsBidiControl(r) { // "invoice\u202Egnp.exe" is no PNG
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	return name
}

// addFiles stores checked files with an incident and notes each on its timeline.
func addFiles(ctx context.Context, tx interface {
	AuditStore
	IncidentStore
}, actor desk.Actor, inc desk.Incident, files []checkedFile, now time.Time) error {
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		at := desk.Attachment{IncidentID: inc.ID, Name: f.name, ContentType: f.contentType, Size: int64(len(f.data)),
			SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
		if actor.UserID != 0 {
			at.UploadedBy = ptr(actor.UserID)
		}
		if err := tx.AddAttachment(ctx, &at, f.data); err != nil {
			return err
		}
		if err := entry(ctx, tx, actor, inc, desk.Public, "Added the file "+f.name+".", now, desk.EventAttached, "text:"+f.name); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, now, "attachment", at.ID, &inc.OrgID, "create", nil, at); err != nil {
			return err
		}
	}
	return nil
}

// AddAttachments adds files to an open incident: its client, or staff who work it.
func (a *Incidents) AddAttachments(ctx context.Context, actor desk.Actor, id int64, files []File) ([]desk.Attachment, error) {
	checked, ferr := checkFiles(files)
	if len(files) == 0 {
		ferr = append(ferr, desk.FieldError{Field: "files", Rule: "required", Message: "choose at least one file"})
	}
	now := a.clock()
	err := a.db.write(ctx, func(tx incidentTx) error {
		inc, err := visibleIncident(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if actor.Role.IsStaff() && !canWorkIncident(actor, inc) {
			return forbidden("add files to this incident")
		}
		if !inc.State.Open() {
			return desk.Errorf(desk.ECONFLICT, "the incident is closed; report a new one")
		}
		if len(ferr) > 0 {
			return &desk.Error{Code: desk.EINVALID, Message: "the files cannot be added", Fields: ferr}
		}
		return addFiles(ctx, tx, actor, inc, checked, now)
	})
	if err != nil {
		return nil, err
	}
	return a.Attachments(ctx, actor, id)
}

// Attachments lists the files of an incident the actor may see.
func (a *Incidents) Attachments(ctx context.Context, actor desk.Actor, id int64) (as []desk.Attachment, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		if _, err := visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		as, err = tx.Attachments(ctx, id)
		return err
	})
	return as, err
}

// Attachment returns one file of an incident the actor may see, with its content.
func (a *Incidents) Attachment(ctx context.Context, actor desk.Actor, id, attachmentID int64) (at desk.Attachment, data []byte, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		if _, err := visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		at, data, err = tx.Attachment(ctx, id, attachmentID)
		return err
	})
	return at, data, err
}

package console

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// attach adds files to an incident (multipart, field "files"). Invalid files are named
// next to the file field, and none of the request's files is stored.
func (h *handler) attach(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	files := formFiles(r, "files")
	return h.postIncident(w, r, a, "attach", flash{code: "attach"}, func(ctx context.Context, id int64) error {
		_, err := h.svc.incidents.AddAttachments(ctx, a, id, files)
		var e *desk.Error
		if errors.As(err, &e) && e.Code == desk.EINVALID {
			return filesError(newView(r, h.rd, "incident.title"), e, files)
		}
		return err
	})
}

// attachment sends one file of an incident as a download: never shown inline, never
// sniffed into something else.
func (h *handler) attachment(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil || aid <= 0 {
		return desk.NotFound("attachment")
	}
	at, data, err := h.svc.incidents.Attachment(r.Context(), a, id, aid)
	if err != nil {
		return err
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": at.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	hd := w.Header()
	hd.Set("Content-Type", at.ContentType)
	hd.Set("Content-Disposition", disposition)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, _ = w.Write(data)
	return nil
}

// filesError turns the field errors about files of an EINVALID error into one message on
// the field "files" that names each file, in the page's language; other fields stay.
func filesError(v *view, e *desk.Error, files []app.File) error {
	out := &desk.Error{Code: e.Code, Message: e.Message}
	for _, fe := range e.Fields {
		if fe.Field != "files" && !strings.HasPrefix(fe.Field, "files[") {
			out.Fields = append(out.Fields, fe)
		}
	}
	if msgs := fileErrors(v, e.Fields, files); len(msgs) > 0 {
		// The rule has no catalog text: fieldMessage shows the message as it is.
		out.Fields = append(out.Fields, desk.FieldError{Field: "files", Rule: "files", Message: strings.Join(msgs, " ")})
	}
	return out
}

package console

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"meldpunt/internal/desk"
)

// attach adds files to an incident (multipart, field "files"). Invalid files are named
// next to the file field, and none of the request's files is stored.
func (h *handler) attach(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	id, err := incidentID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done, ok := h.readUpload(w, r)
	defer done()
	if !ok {
		return
	}
	files, err := formFiles(r, "files")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	_, err = h.svc.incidents.AddAttachments(r.Context(), a, id, files)
	if err == nil {
		http.Redirect(w, r, "/incidents/"+desk.FormatNumber(id), http.StatusSeeOther)
		return
	}
	v := newView(r, h.rd, "incident.title")
	var e *desk.Error
	switch {
	case errors.As(err, &e) && e.Code == desk.EINVALID:
		v.Form, v.Alert = "attach", v.T("form.check")
		v.Errors = map[string]string{}
		for i, msg := range fileErrors(v, e.Fields, files) {
			if i == 0 {
				v.Errors["files"] = msg
			} else {
				v.Errors["files"] += " " + msg
			}
		}
		h.showIncident(w, r, a, id, v, http.StatusUnprocessableEntity)
	case desk.ErrorCode(err) == desk.ECONFLICT:
		v.Alert = v.T("incident.conflict")
		h.showIncident(w, r, a, id, v, http.StatusConflict)
	default:
		h.fail(w, r, err)
	}
}

// attachment sends one file of an incident as a download: never shown inline, never
// sniffed into something else.
func (h *handler) attachment(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	id, err := incidentID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil || aid <= 0 {
		h.fail(w, r, desk.NotFound("attachment"))
		return
	}
	at, data, err := h.svc.incidents.Attachment(r.Context(), a, id, aid)
	if err != nil {
		h.fail(w, r, err)
		return
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
		return
	}
	_, _ = w.Write(data)
}

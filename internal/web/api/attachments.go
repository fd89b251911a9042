package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// MaxUpload caps a body that carries files: as many of the largest files as one request may
// add, and room for the form around them. Each file is checked on its own.
const MaxUpload = desk.MaxAttachments*desk.MaxAttachment + MaxBody

// upload is what a multipart/form-data body holds.
type upload struct {
	report []byte     // the "report" part: JSON
	files  []app.File // the "files" parts
}

// readUpload reads a multipart/form-data body part by part, without spooling it to disk.
// It keeps at most desk.MaxAttachment+1 bytes of a file (enough for the app to say it is
// too large) and no content of the files beyond desk.MaxAttachments (the app says there
// are too many). withReport says a "report" part is expected; any other part is refused.
func readUpload(w http.ResponseWriter, r *http.Request, withReport bool) (upload, error) {
	var up upload
	if r.MultipartForm != nil {
		// Checking the CSRF token of a session without its header parsed the form already.
		return formUpload(r.MultipartForm, withReport)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return up, badRequest("the body is not multipart/form-data with a boundary")
	}
	var v desk.Validator
	seenReport := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return up, uploadError(err)
		}
		var keep int64 // how much of the part to keep; the rest is read and dropped
		name := p.FormName()
		switch {
		case name == "files":
			f := app.File{Name: p.FileName()}
			if len(up.files) < desk.MaxAttachments {
				keep = desk.MaxAttachment + 1
			}
			if f.Data, err = readPart(p, keep); err != nil {
				return up, err
			}
			up.files = append(up.files, f)
			continue
		case name == "report" && withReport && !seenReport:
			seenReport = true
			if up.report, err = readPart(p, MaxBody+1); err != nil {
				return up, err
			}
			if len(up.report) > MaxBody {
				return up, desk.Errorf(desk.ETOOLARGE, "the report part is larger than %d bytes", MaxBody)
			}
			continue
		case name == "report" && withReport:
			v.Add("report", "single", "send one report part")
		case name == "csrf":
			// a session's CSRF token, checked already
		default:
			// A part is named as it was sent; one without a name is "", not "body",
			// which a part could be called (docs/api.md, field names).
			field := truncate(strings.ToValidUTF8(name, "?"), 64)
			v.Add(field, "unknown_field", "is not a part of this request; send %s", partNames(withReport))
		}
		if len(v.Fields) >= 10 {
			return up, v.Err() // enough to act on; read no further
		}
		if _, err := readPart(p, 0); err != nil {
			return up, err
		}
	}
	if withReport && !seenReport {
		v.Add("report", "required", "send the report as JSON in a part named report")
	}
	return up, v.Err()
}

// formUpload reads a form that net/http parsed already, by the rules of readUpload.
func formUpload(form *multipart.Form, withReport bool) (upload, error) {
	var up upload
	var v desk.Validator
	names := make([]string, 0, len(form.Value)+len(form.File))
	for name := range form.Value {
		names = append(names, name)
	}
	for name := range form.File {
		if _, dup := form.Value[name]; !dup {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		n := len(form.Value[name]) + len(form.File[name])
		switch {
		case name == "files":
			if len(form.Value[name]) > 0 {
				v.Add("files", "type", "each files part must be a file")
			}
			for _, fh := range form.File[name] {
				f := app.File{Name: fh.Filename}
				if len(up.files) < desk.MaxAttachments {
					data, err := readFileHeader(fh, desk.MaxAttachment+1)
					if err != nil {
						return up, err
					}
					f.Data = data
				}
				up.files = append(up.files, f)
			}
		case name == "report" && withReport && n > 1:
			v.Add("report", "single", "send one report part")
		case name == "report" && withReport && len(form.Value[name]) == 1:
			up.report = []byte(form.Value[name][0])
		case name == "report" && withReport:
			data, err := readFileHeader(form.File[name][0], MaxBody+1)
			if err != nil {
				return up, err
			}
			up.report = data
		case name == "csrf":
		default:
			v.Add(truncate(strings.ToValidUTF8(name, "?"), 64), "unknown_field", "is not a part of this request; send %s", partNames(withReport))
		}
	}
	if len(up.report) > MaxBody {
		return up, desk.Errorf(desk.ETOOLARGE, "the report part is larger than %d bytes", MaxBody)
	}
	if withReport && up.report == nil && !v.Has("report") {
		v.Add("report", "required", "send the report as JSON in a part named report")
	}
	return up, v.Err()
}

// readFileHeader returns up to keep bytes of an uploaded file.
func readFileHeader(fh *multipart.FileHeader, keep int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, keep))
}

func partNames(withReport bool) string {
	if withReport {
		return "a report part and files parts"
	}
	return "files parts"
}

// readPart returns up to keep bytes of the part and reads the rest to its end.
func readPart(p *multipart.Part, keep int64) ([]byte, error) {
	var data []byte
	var err error
	if keep > 0 {
		data, err = io.ReadAll(io.LimitReader(p, keep))
	}
	if err == nil {
		_, err = io.Copy(io.Discard, p)
	}
	if err != nil {
		return nil, uploadError(err)
	}
	return data, nil
}

// uploadError answers a body that could not be read: too large, or not well-formed.
func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return desk.Errorf(desk.ETOOLARGE, "the body is larger than %d MiB; add at most %d files of at most %d MiB each",
			MaxUpload>>20, desk.MaxAttachments, desk.MaxAttachment>>20)
	}
	return badRequest("the multipart body is not well-formed: " + err.Error())
}

func (a *api) listAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	as, err := a.svc.incidents.Attachments(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(as))
}

// addAttachments adds the "files" parts of a multipart/form-data body to an incident, and
// answers the incident's files, the new ones included.
func (a *api) addAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	ctx, act := r.Context(), actor(r)
	// An incident the actor may not see is not found, whatever the body; and nobody
	// uploads megabytes only to learn that.
	if _, err := a.svc.incidents.Get(ctx, act, id); err != nil {
		return err
	}
	if !isMultipart(r) {
		return desk.Errorf(desk.EMEDIATYPE, "send the files as multipart/form-data, each in a part named files")
	}
	up, err := readUpload(w, r, false)
	if err != nil {
		return err
	}
	as, err := a.svc.incidents.AddAttachments(ctx, act, id, up.files)
	if err != nil {
		return err
	}
	return a.created(w, incidentPath(id)+"/attachments", listOf(as))
}

// getAttachment answers a file's bytes, as a download that a browser neither renders nor
// sniffs.
func (a *api) getAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	aid, ok := parseID(r.PathValue("attachment"))
	if !ok {
		return desk.NotFound("attachment")
	}
	at, data, err := a.svc.incidents.Attachment(r.Context(), actor(r), id, aid)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", at.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+encodeRFC5987(at.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+at.SHA256+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
	return nil
}

// encodeRFC5987 percent-encodes a file name for filename*= (RFC 5987, RFC 8187): every
// byte but the attr-chars.
func encodeRFC5987(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

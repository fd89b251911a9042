package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The status page's branding and settings (issue 11, point 8; docs/status-page.md
// "Branding and settings"): GET /api/v1/status-page (staff), PUT (admins) with the
// settings, and the logo at PUT/DELETE /api/v1/status-page/logo (admins; multipart with a
// part named logo). The page serves the logo itself at /status/logo.

// MaxLogoUpload caps the body of a logo upload: the largest logo and room for the form.
const MaxLogoUpload = desk.MaxLogo + 64<<10

// pageSettingsOut is the answer of GET and PUT: the settings as stored (empty fields take
// the defaults), as in effect, and the logo (null when there is none).
type pageSettingsOut struct {
	Settings  desk.PageSettings `json:"settings"`
	Effective desk.PageSettings `json:"effective"`
	Logo      *logoOut          `json:"logo"`
}

// logoOut describes the logo and where the page serves it.
type logoOut struct {
	desk.Logo
	URL string `json:"url"`
}

func (a *api) logoOut(l desk.Logo) *logoOut {
	return &logoOut{Logo: l, URL: a.base + "/status/logo?v=" + l.ETag[:16]}
}

func (a *api) pageSettingsOut(p app.PageBrand) pageSettingsOut {
	out := pageSettingsOut{Settings: p.Stored, Effective: p.Settings}
	if p.Logo != nil {
		out.Logo = a.logoOut(*p.Logo)
	}
	return out
}

func (a *api) getPageSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := a.svc.branding.Get(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.pageSettingsOut(p))
}

// putPageSettings replaces the settings: a field left out or empty takes its default.
func (a *api) putPageSettings(w http.ResponseWriter, r *http.Request) error {
	var in desk.PageSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.branding.Put(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.pageSettingsOut(p))
}

// putPageLogo makes the multipart part "logo" the page's logo.
func (a *api) putPageLogo(w http.ResponseWriter, r *http.Request) error {
	data, err := readLogo(w, r)
	if err != nil {
		return err
	}
	l, err := a.svc.branding.PutLogo(r.Context(), actor(r), data)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.logoOut(l))
}

func (a *api) deletePageLogo(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.branding.DeleteLogo(r.Context(), actor(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readLogo reads the part "logo" of a multipart/form-data body, keeping at most one byte
// more than a logo may have (enough for the check to say it is too large). A "csrf" part
// (a session's token, checked already) is passed over; any other part is refused.
func readLogo(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var v desk.Validator
	if r.MultipartForm != nil {
		return formLogo(r.MultipartForm)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxLogoUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badRequest("the body is not multipart/form-data with a boundary")
	}
	var data []byte
	seen := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, logoUploadError(err)
		}
		var keep int64
		switch name := p.FormName(); {
		case name == "logo" && !seen:
			seen, keep = true, desk.MaxLogo+1
		case name == "logo":
			v.Add("logo", "single", "send one logo part")
		case name == "csrf":
		default:
			v.Add(truncate(strings.ToValidUTF8(name, "?"), 64), "unknown_field", "is not a part of this request; send a part named logo")
		}
		if len(v.Fields) >= 10 {
			return nil, v.Err()
		}
		b, err := io.ReadAll(io.LimitReader(p, keep))
		if err == nil {
			_, err = io.Copy(io.Discard, p)
		}
		if err != nil {
			return nil, logoUploadError(err)
		}
		if keep > 0 {
			data = b
		}
	}
	if !seen && len(v.Fields) == 0 {
		v.Add("logo", "required", "send the image in a part named logo")
	}
	return data, v.Err()
}

// formLogo reads the logo of a form that net/http parsed already, by readLogo's rules.
func formLogo(form *multipart.Form) ([]byte, error) {
	var v desk.Validator
	for name := range form.Value {
		if name != "csrf" {
			v.Add(truncate(strings.ToValidUTF8(name, "?"), 64), "unknown_field", "is not a part of this request; send a part named logo")
		}
	}
	for name := range form.File {
		if name != "logo" {
			v.Add(truncate(strings.ToValidUTF8(name, "?"), 64), "unknown_field", "is not a part of this request; send a part named logo")
		}
	}
	fs := form.File["logo"]
	switch {
	case len(fs) == 0:
		v.Add("logo", "required", "send the image in a part named logo")
	case len(fs) > 1:
		v.Add("logo", "single", "send one logo part")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	f, err := fs[0].Open()
	if err != nil {
		return nil, badRequest("the logo part could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, desk.MaxLogo+1))
	if err != nil {
		return nil, badRequest("the logo part could not be read")
	}
	return data, nil
}

// logoUploadError answers a logo body that could not be read: too large, or not well-formed.
func logoUploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return desk.Errorf(desk.ETOOLARGE, "the body is larger than %d KiB; a logo may have at most %d KiB", MaxLogoUpload>>10, desk.MaxLogo>>10)
	}
	return badRequest("the multipart body is not well-formed: " + err.Error())
}

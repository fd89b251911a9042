package console

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Posted forms are read here rather than with Request.ParseForm or ParseMultipartForm, part
// by part, so that a body over its limit (web.LimitBody) still yields every field before the
// one it cut, the CSRF token first among them: the form is shown again with that field
// named, instead of an expired form or a bare 413 that loses everything typed.

// maxField caps one text field of a multipart form: as much as a whole form without files
// may hold (server.MaxBody).
const maxField = 1 << 20

// maxParts caps the fields of one form, like ParseMultipartForm does.
const maxParts = 1000

// posted is what readForm read besides the values: the files, and the fields that were too
// large to read.
type posted struct {
	files    map[string][]app.File
	tooLarge []string
}

type postedKey struct{}

// readForm reads the body of an unsafe request into r.PostForm and r.Form (the body's
// values first, then the query's) and returns r with its files at hand (formFiles). A
// field the body limit cut off, or a text field over maxField, is not kept: formCut names
// it. A body that is not a form leaves the form empty; one that is a broken form is an
// EMALFORMED error.
func readForm(r *http.Request) (*http.Request, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	p := &posted{files: map[string][]app.File{}}
	values := url.Values{}
	var err error
	switch ct {
	case "application/x-www-form-urlencoded":
		err = readURLEncoded(r.Body, values, p)
	case "multipart/form-data":
		err = readMultipart(r.Body, params["boundary"], values, p)
	}
	if err != nil {
		return r, desk.Errorf(desk.EMALFORMED, "the form cannot be read")
	}
	r = r.WithContext(context.WithValue(r.Context(), postedKey{}, p))
	r.PostForm = values
	r.Form = url.Values{}
	for k, vs := range values {
		r.Form[k] = append(r.Form[k], vs...)
	}
	for k, vs := range r.URL.Query() {
		r.Form[k] = append(r.Form[k], vs...)
	}
	return r, nil
}

// readURLEncoded reads application/x-www-form-urlencoded pair by pair.
func readURLEncoded(body io.Reader, values url.Values, p *posted) error {
	br := bufio.NewReader(body)
	for n := 0; ; n++ {
		pair, err := br.ReadBytes('&')
		if cutOff(err) {
			key, _, _ := bytes.Cut(pair, []byte("="))
			name, _ := url.QueryUnescape(string(key))
			p.tooLarge = append(p.tooLarge, name)
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		if n >= maxParts*10 {
			return errors.New("too many fields")
		}
		// Like ParseForm: a pair that does not decode is left out.
		q, _ := url.ParseQuery(string(bytes.TrimSuffix(pair, []byte("&"))))
		for k, vs := range q {
			values[k] = append(values[k], vs...)
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readMultipart reads multipart/form-data part by part. A file is read up to one byte over
// desk.MaxAttachment, so the app can name a file that is too large without anyone holding
// all of it; the rest of such a part is read and dropped.
func readMultipart(body io.Reader, boundary string, values url.Values, p *posted) error {
	if boundary == "" {
		return errors.New("no boundary")
	}
	mr := multipart.NewReader(body, boundary)
	last := ""
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if cutOff(err) {
			p.cut(last)
			return nil
		}
		if err != nil {
			return err
		}
		if n >= maxParts {
			return errors.New("too many parts")
		}
		name := part.FormName()
		last = name
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		_, isFile := disp["filename"]
		limit := int64(maxField)
		if isFile {
			limit = desk.MaxAttachment
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		over := int64(len(data)) > limit
		if err == nil && over {
			_, err = io.Copy(io.Discard, part)
		}
		if cutOff(err) {
			p.cut(name)
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case name == "":
		case isFile && part.FileName() == "" && len(data) == 0: // no file chosen
		case isFile:
			p.files[name] = append(p.files[name], app.File{Name: part.FileName(), Data: data})
		case over:
			p.cut(name)
		default:
			values.Add(name, string(data))
		}
	}
}

// cut records that a field was too large to keep.
func (p *posted) cut(name string) {
	if !slices.Contains(p.tooLarge, name) {
		p.tooLarge = append(p.tooLarge, name)
	}
}

// cutOff tells whether err says the body went over its limit.
func cutOff(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// formCut returns the ETOOLARGE error that names the fields of the request's form that were
// too large to read, nil when there were none. Forms check it before they act: a form that
// lost a field must not be taken for one that left it empty.
func formCut(r *http.Request) error {
	p, ok := r.Context().Value(postedKey{}).(*posted)
	if !ok || len(p.tooLarge) == 0 {
		return nil
	}
	e := &desk.Error{Code: desk.ETOOLARGE, Message: "the form is too large"}
	for _, f := range p.tooLarge {
		e.Fields = append(e.Fields, desk.FieldError{Field: f, Rule: "too_large", Message: "is too large to receive"})
	}
	return e
}

// formFiles returns the files sent in field; the empty part a browser sends when no file
// was chosen is left out.
func formFiles(r *http.Request, field string) []app.File {
	p, ok := r.Context().Value(postedKey{}).(*posted)
	if !ok {
		return nil
	}
	return p.files[field]
}

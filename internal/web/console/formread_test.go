package console

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"meldpunt/internal/desk"
)

// posting returns a POST request with body, limited to limit bytes like web.LimitBody does.
func posting(body, contentType string, limit int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/x?q=1", strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)
	return r
}

// multipartBody writes fields (name, value pairs) and then one file.
func multipartBody(t *testing.T, fields []string, fileField, fileName string, data []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		w, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// cutFields returns the fields formCut names.
func cutFields(t *testing.T, r *http.Request) []string {
	t.Helper()
	err := formCut(r)
	if err == nil {
		return nil
	}
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.ETOOLARGE {
		t.Fatalf("formCut: %v", err)
	}
	var out []string
	for _, fe := range e.Fields {
		out = append(out, fe.Field)
	}
	return out
}

func TestReadForm(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 3000)
	for _, c := range []struct {
		name        string
		body, ctype string
		limit       int64
		want        map[string]string // values read
		cut         []string
		files       int
		malformed   bool
	}{
		{name: "urlencoded within the limit", body: "csrf=t&body=hello+world&kind=reply", ctype: "application/x-www-form-urlencoded",
			limit: 1000, want: map[string]string{"csrf": "t", "body": "hello world", "kind": "reply", "q": "1"}},
		{name: "urlencoded cut in a field: the fields before it are kept", body: "csrf=t&kind=reply&body=" + big + "&after=1",
			ctype: "application/x-www-form-urlencoded", limit: 1000, want: map[string]string{"csrf": "t", "kind": "reply", "body": "", "after": ""},
			cut: []string{"body"}},
		{name: "a pair that does not decode is left out", body: "csrf=t&bad=%zz&ok=1", ctype: "application/x-www-form-urlencoded",
			limit: 1000, want: map[string]string{"csrf": "t", "bad": "", "ok": "1"}},
		{name: "not a form: nothing read", body: `{"csrf":"t"}`, ctype: "application/json", limit: 1000, want: map[string]string{"csrf": ""}},
		{name: "multipart without a boundary", body: "x", ctype: "multipart/form-data", limit: 1000, malformed: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := readForm(posting(c.body, c.ctype, c.limit))
			if c.malformed {
				if desk.ErrorCode(err) != desk.EMALFORMED {
					t.Fatalf("err %v, want EMALFORMED", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if got := r.FormValue(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := cutFields(t, r); strings.Join(got, ",") != strings.Join(c.cut, ",") {
				t.Errorf("cut %v, want %v", got, c.cut)
			}
		})
	}

	t.Run("multipart: the text fields before a file the limit cuts are kept, the file field is named", func(t *testing.T) {
		body, ct := multipartBody(t, []string{"csrf", "t", "title", "Kassa"}, "files", "big.png", bytes.Repeat([]byte{1}, 5000))
		r, err := readForm(posting(body, ct, 2000))
		if err != nil {
			t.Fatal(err)
		}
		if r.PostFormValue("csrf") != "t" || r.PostFormValue("title") != "Kassa" {
			t.Errorf("values %v", r.PostForm)
		}
		if got := cutFields(t, r); len(got) != 1 || got[0] != "files" {
			t.Errorf("cut %v, want [files]", got)
		}
		if fs := formFiles(r, "files"); len(fs) != 0 {
			t.Errorf("a cut file was kept: %d files", len(fs))
		}
	})

	t.Run("multipart: a file over the limit of one file is read one byte over it, the rest dropped", func(t *testing.T) {
		body, ct := multipartBody(t, []string{"csrf", "t"}, "files", "huge.png", bytes.Repeat([]byte{1}, desk.MaxAttachment+100))
		r, err := readForm(posting(body, ct, 2*desk.MaxAttachment))
		if err != nil {
			t.Fatal(err)
		}
		fs := formFiles(r, "files")
		if len(fs) != 1 || fs[0].Name != "huge.png" || len(fs[0].Data) != desk.MaxAttachment+1 {
			t.Fatalf("files %d", len(fs))
		}
		if got := cutFields(t, r); got != nil {
			t.Errorf("cut %v", got)
		}
	})

	t.Run("multipart: no file chosen is no file; a text field over its limit is named", func(t *testing.T) {
		body, ct := multipartBody(t, []string{"csrf", "t", "text", strings.Repeat("y", maxField+1), "after", "1"}, "files", "", nil)
		r, err := readForm(posting(body, ct, 3*maxField))
		if err != nil {
			t.Fatal(err)
		}
		if len(formFiles(r, "files")) != 0 || r.PostFormValue("after") != "1" || r.PostFormValue("text") != "" {
			t.Errorf("files %d, values %q, %d bytes", len(formFiles(r, "files")), r.PostFormValue("after"), len(r.PostFormValue("text")))
		}
		if got := cutFields(t, r); len(got) != 1 || got[0] != "text" {
			t.Errorf("cut %v, want [text]", got)
		}
	})
}

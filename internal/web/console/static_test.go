package console

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
)

// TestContentTypes: every static file has the type the mime package would give it.
func TestContentTypes(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(staticFS, "static/*")
	if err != nil || len(files) < 2 {
		t.Fatalf("static files: %v %v", files, err)
	}
	for _, f := range files {
		want := mime.TypeByExtension(path.Ext(f))
		if path.Ext(f) == ".ico" && want == "" {
			want = "image/vnd.microsoft.icon" // IANA's; Go knows it only from the system's mime.types
		}
		if got := contentType(f); want == "" || got != want {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
	}
	if got := contentType("x.unknown"); got != "application/octet-stream" {
		t.Errorf("an unknown file: %q", got)
	}
}

// TestFavicon: /favicon.ico is the icon, cached long, and every page's head links the SVG
// icon under its checksummed URL.
func TestFavicon(t *testing.T) {
	t.Parallel()
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.favicon(rec, httptest.NewRequest("GET", "/favicon.ico", nil))
	body := rec.Body.Bytes()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/vnd.microsoft.icon" ||
		!strings.Contains(rec.Header().Get("Cache-Control"), "max-age=604800") || len(body) < 100 ||
		string(body[:4]) != "\x00\x00\x01\x00" {
		t.Fatalf("favicon.ico: %d %v %d bytes", rec.Code, rec.Header(), len(body))
	}
	// An icon file: its images are PNGs that decode, 16, 32 and 48 px square.
	n := int(binary.LittleEndian.Uint16(body[4:]))
	if n != 3 {
		t.Fatalf("favicon.ico holds %d images", n)
	}
	for i := range n {
		e := body[6+16*i:]
		size, off := int(e[0]), int(binary.LittleEndian.Uint32(e[12:]))
		img, err := png.Decode(bytes.NewReader(body[off : off+int(binary.LittleEndian.Uint32(e[8:]))]))
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Errorf("image %d (%d px): %v", i, size, err)
		}
	}
	req := httptest.NewRequest("GET", "/favicon.ico", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	a.favicon(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("again with its ETag: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	svg := a.URL("favicon.svg")
	req = httptest.NewRequest("GET", svg, nil)
	req.SetPathValue("name", "favicon.svg")
	req.SetPathValue("checksum", strings.Split(svg, "/")[2])
	a.serve(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(rec.Body.String(), "<svg") {
		t.Errorf("favicon.svg: %d %v", rec.Code, rec.Header())
	}
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil || !strings.Contains(string(layout), `<link rel="icon" href="{{static "favicon.svg"}}"`) {
		t.Errorf("layout.html links no SVG icon: %v", err)
	}
}

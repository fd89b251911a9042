package console

import (
	"io/fs"
	"mime"
	"path"
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
		if got := contentType(f); want == "" || got != want {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
	}
	if got := contentType("x.unknown"); got != "application/octet-stream" {
		t.Errorf("an unknown file: %q", got)
	}
}

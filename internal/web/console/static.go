package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file and the checksum that names its version in URLs.
type asset struct {
	sum   string
	body  []byte
	ctype string
}

// assets are the static files, served under /static/{checksum}/{name}. The checksum
// changes with the content, so a browser may keep a file for a year: a new version has a
// new URL.
type assets map[string]asset

// loadAssets reads the embedded static files and checksums them.
func loadAssets() (assets, error) {
	a := assets{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a[path.Base(p)] = asset{sum: hex.EncodeToString(sum[:8]), body: b, ctype: contentType(p)}
		return nil
	})
	return a, err
}

// contentType is the type of a static file, by its extension. mime.TypeByExtension would
// say the same, after reading the system's mime.types into memory (about 0.4 MB that the
// server then keeps) to answer for two kinds of file.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/vnd.microsoft.icon"
	}
	return "application/octet-stream"
}

// URL returns the versioned URL of a static file. It panics for a file that does not exist,
// so a typo in a template fails every test that renders it.
func (a assets) URL(name string) string {
	f, ok := a[name]
	if !ok {
		panic("console: no static file " + name)
	}
	return "/static/" + f.sum + "/" + name
}

// serve answers GET /static/{checksum}/{name}. Only the current version of a file is
// served; an old or unknown checksum is not found.
func (a assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a[r.PathValue("name")]
	if !ok || r.PathValue("checksum") != f.sum {
		http.NotFound(w, r)
		return
	}
	a.write(w, r, f, "public, max-age=31536000, immutable")
}

// favicon answers GET /favicon.ico, the address browsers and feed readers ask without
// reading a page's head: the icon of every page's <link rel="icon"> (favicon.svg, drawn at
// 16, 32 and 48 px as PNGs in an ICO file). Its URL cannot change with its content, so it
// is cached for a week, not a year, and revalidated by its ETag after that.
func (a assets) favicon(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, a["favicon.ico"], "public, max-age=604800")
}

// write sends the static file f with the given Cache-Control, or 304 when the browser
// already has this version.
func (a assets) write(w http.ResponseWriter, r *http.Request, f asset, cache string) {
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", cache)
	h.Set("ETag", `"`+f.sum+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.sum+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(f.body)
}

package snapshot

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
)

// response is what a handler answered into a buffer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// keepable tells whether the answer may be served to others: a 200 that sets no cookie.
func (r *response) keepable() bool {
	return r.status == http.StatusOK && len(r.header.Values("Set-Cookie")) == 0
}

// write answers with the handler's own answer, as it would have without the snapshot.
func (r *response) write(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	w.WriteHeader(r.status)
	if req.Method != http.MethodHead {
		_, _ = w.Write(r.body)
	}
}

// recorder is the ResponseWriter a snapshot is built with.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) response() *response {
	st := r.status
	if st == 0 {
		st = http.StatusOK
	}
	return &response{status: st, header: r.header, body: r.body.Bytes()}
}

// Encodings a snapshot holds, in the order a tie in q-values prefers them.
const (
	encBrotli = iota
	encGzip
	encIdentity
	encodings
)

// rep is one representation of a snapshot: its bytes, and the headers of a 200 and a 304.
// The header maps are shared by every answer and never changed after newEntry.
type rep struct {
	body        []byte
	etag        string
	header      http.Header
	notModified http.Header
	// raw and rawNotModified are the status line and headers of a 200 and a 304 as bytes,
	// without Date and the blank line, for the listener's fast path (fast.go).
	raw, rawNotModified []byte
}

// entry is the snapshot of one route and variant.
type entry struct {
	version int64
	built   time.Time
	// until, when set, keeps a snapshot whose rebuild failed in service until then.
	until time.Time
	reps  [encodings]*rep
	hits  *atomic.Int64
}

// newEntry compresses the handler's answer and prepares the headers of each encoding. The
// ETag is a hash of the uncompressed bytes; each encoding has its own (a strong validator
// names one exact sequence of bytes).
func newEntry(resp *response, version int64, built time.Time, cacheControl, vary string, extra http.Header, hits *atomic.Int64) *entry {
	sum := sha256.Sum256(resp.body)
	tag := hex.EncodeToString(sum[:16])
	base := resp.header.Clone()
	for k, v := range extra {
		if _, ok := base[k]; !ok {
			base[k] = append([]string(nil), v...)
		}
	}
	base.Del("Content-Length")
	base.Set("Cache-Control", cacheControl)
	base.Set("Vary", mergeVary(base.Values("Vary"), vary, "Accept-Encoding"))
	e := &entry{version: version, built: built, hits: hits}
	e.reps[encIdentity] = newRep(base, resp.body, `"`+tag+`"`, "")
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(resp.body)
	_ = zw.Close()
	if gz.Len() < len(resp.body) {
		e.reps[encGzip] = newRep(base, gz.Bytes(), `"`+tag+`-gzip"`, "gzip")
	}
	var bz bytes.Buffer
	// Level 5, not 11: on the 43 KB demo page level 11 took 60 ms a build (and every request
	// of a crowd waits for the build after a change), level 5 takes 1.9 ms for 15 % more
	// bytes, still a fifth smaller than gzip's best (docs/benchmarks.md).
	bw := brotli.NewWriterLevel(&bz, brotliLevel)
	_, _ = bw.Write(resp.body)
	_ = bw.Close()
	if bz.Len() < len(resp.body) {
		e.reps[encBrotli] = newRep(base, bz.Bytes(), `"`+tag+`-br"`, "br")
	}
	return e
}

func newRep(base http.Header, body []byte, etag, encoding string) *rep {
	h := base.Clone()
	h.Set("ETag", etag)
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	nm := h.Clone()
	// A 304 carries what a 200 would for caches (ETag, Cache-Control, Vary, CORS), but
	// not the description of a body it has none of.
	for _, k := range []string{"Content-Length", "Content-Type", "Content-Encoding"} {
		nm.Del(k)
	}
	return &rep{body: body, etag: etag, header: h, notModified: nm,
		raw: rawHead("HTTP/1.1 200 OK\r\n", h), rawNotModified: rawHead("HTTP/1.1 304 Not Modified\r\n", nm)}
}

// mergeVary joins Vary values into one, each name once.
func mergeVary(have []string, add ...string) string {
	var names []string
	seen := map[string]bool{}
	for _, list := range append(have, add...) {
		for _, n := range strings.Split(list, ",") {
			n = strings.TrimSpace(n)
			if n != "" && !seen[strings.ToLower(n)] {
				seen[strings.ToLower(n)] = true
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, ", ")
}

// privateCache is the Cache-Control of an answer that sets a cookie (the middleware or the
// page adapter set it before the snapshot answers): no shared cache may keep the cookie and
// hand it to others.
var privateCache = []string{"private, no-cache"}

// brotliLevel is the snapshot's brotli quality (0–11).
const brotliLevel = 5

// serve answers r from the snapshot: the representation Accept-Encoding prefers, or 304
// when If-None-Match names it. HEAD gets the headers only.
func (e *entry) serve(w http.ResponseWriter, r *http.Request) {
	rp, notModified := e.pick(r.Header.Get("Accept-Encoding"), r.Header.Get("If-None-Match"))
	h := w.Header()
	_, personal := h["Set-Cookie"] // e.g. the language cookie ?lang= sets
	if notModified {
		for k, v := range rp.notModified {
			h[k] = v
		}
		if personal {
			h["Cache-Control"] = privateCache
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for k, v := range rp.header {
		h[k] = v
	}
	if personal {
		h["Cache-Control"] = privateCache
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(rp.body)
	}
}

// pick counts a hit and chooses what answers a request with these Accept-Encoding and
// If-None-Match values: the representation Accept-Encoding prefers, and whether
// If-None-Match names it (a 304).
func (e *entry) pick(acceptEncoding, ifNoneMatch string) (rp *rep, notModified bool) {
	e.hits.Add(1)
	rp = e.reps[encIdentity]
	if acceptEncoding != "" {
		if x := e.reps[chooseEncoding(acceptEncoding, e.reps[encBrotli] != nil, e.reps[encGzip] != nil)]; x != nil {
			rp = x
		}
	}
	return rp, ifNoneMatch != "" && etagMatches(ifNoneMatch, rp.etag)
}

// chooseEncoding picks the encoding with the highest q-value in Accept-Encoding (RFC 9110
// §12.5.3) among those the snapshot has; on a tie br before gzip before identity. A coding
// with q=0 is never chosen; "*" stands for every coding not named; identity is acceptable
// unless refused by name or by "*;q=0", and ranks below every coding named with q > 0. When
// nothing is acceptable the answer is identity.
func chooseEncoding(h string, haveBr, haveGzip bool) int {
	qBr, qGzip, qID, qStar := -1.0, -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		q := 1.0
		if params != "" {
			k, v, ok := strings.Cut(strings.TrimSpace(params), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		switch {
		case strings.EqualFold(name, "br"):
			qBr = q
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			qGzip = q
		case strings.EqualFold(name, "identity"):
			qID = q
		case name == "*":
			qStar = q
		}
	}
	if qBr < 0 {
		qBr = max(qStar, 0)
	}
	if qGzip < 0 {
		qGzip = max(qStar, 0)
	}
	if qID < 0 {
		// Not named: acceptable, but after any coding the client did name.
		qID = 0.0001
		if qStar >= 0 {
			qID = qStar
		}
	}
	if !haveBr {
		qBr = 0
	}
	if !haveGzip {
		qGzip = 0
	}
	switch {
	case qBr > 0 && qBr >= qGzip && qBr >= qID:
		return encBrotli
	case qGzip > 0 && qGzip >= qID:
		return encGzip
	}
	return encIdentity
}

// etagMatches tells whether If-None-Match names etag: "*", or a list of tags compared
// weakly (RFC 9110 §13.1.2: W/"x" matches "x").
func etagMatches(h, etag string) bool {
	for t := range strings.SplitSeq(h, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

package console

import (
	"encoding/hex"
	"net/http"
	"slices"
	"sync"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// The questionnaire page (report.go) is shown again after "Check" without JavaScript, and
// after a failed submission. A browser never fills in a file field, so the files chosen
// with that request would be lost and chosen again by hand. Instead the server keeps them
// for a while, tied to the browser's session, and the page lists them as "already
// received", each with a box to leave it out; the next post names the ones to send.
//
// They are kept in memory, not in the database: they are no one's data until the report
// is made, and a restart or a second instance behind a load balancer only means the page
// asks for them again (report.pending_gone) rather than submitting without them.

// Limits of the kept files.
const (
	// PendingLifetime is how long kept files wait for the next post of their form.
	PendingLifetime = 30 * time.Minute
	// PendingBytes caps the kept files of all sessions together; the oldest sessions' files
	// make room first. One session keeps at most desk.MaxAttachments files.
	PendingBytes = 64 << 20
)

// pendingFile is one kept file. ID is random: a form names the files it sends by it.
type pendingFile struct {
	ID   string
	Name string
	Size int64
	data []byte
}

// pendingSet is one session's kept files.
type pendingSet struct {
	files   []pendingFile
	touched time.Time
}

// pendingUploads keeps the files of forms shown again, per session.
type pendingUploads struct {
	mu       sync.Mutex
	now      func() time.Time
	ttl      time.Duration
	maxBytes int64
	total    int64
	sets     map[string]*pendingSet
}

func newPendingUploads(ttl time.Duration, maxBytes int64, now func() time.Time) *pendingUploads {
	return &pendingUploads{now: now, ttl: ttl, maxBytes: maxBytes, sets: map[string]*pendingSet{}}
}

// pendingKey is the key of the request's session, "" without one (nothing is kept then).
func pendingKey(r *http.Request) string {
	s, ok := web.Session(r.Context())
	if !ok || len(s.Hash) == 0 {
		return ""
	}
	return hex.EncodeToString(s.Hash)
}

// expire forgets the sets not touched within the lifetime. The caller holds mu.
func (p *pendingUploads) expire() {
	now := p.now()
	for k, s := range p.sets {
		if now.Sub(s.touched) > p.ttl {
			p.drop(k, pendingIDs(s.files))
		}
	}
}

// drop forgets the files of the session key with the given ids. The caller holds mu.
func (p *pendingUploads) drop(key string, ids []string) {
	s := p.sets[key]
	if s == nil {
		return
	}
	s.files = slices.DeleteFunc(s.files, func(f pendingFile) bool {
		if slices.Contains(ids, f.ID) {
			p.total -= f.Size
			return true
		}
		return false
	})
	if len(s.files) == 0 {
		delete(p.sets, key)
	}
}

// take returns the session's kept files of the given ids, in their order, and how many
// of the ids it no longer keeps (expired, made room, or never its own).
func (p *pendingUploads) take(key string, ids []string) (files []pendingFile, gone int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire()
	s := p.sets[key]
	for _, id := range ids {
		i := -1
		if s != nil {
			i = slices.IndexFunc(s.files, func(f pendingFile) bool { return f.ID == id })
		}
		if i < 0 || key == "" || slices.ContainsFunc(files, func(f pendingFile) bool { return f.ID == id }) {
			gone++
			continue
		}
		files = append(files, s.files[i])
	}
	if s != nil {
		s.touched = p.now()
	}
	return files, gone
}

// forget drops the session's kept files of the given ids: the ones its form left out, or
// sent with a report that was made.
func (p *pendingUploads) forget(key string, ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop(key, ids)
}

// keep keeps new files for the session, up to desk.MaxAttachments in all (with the ones it
// keeps already) and within PendingBytes, the oldest other sessions' files making room.
// It returns the files kept, and the names of those it could not keep: empty, over
// desk.MaxAttachment, or no room.
func (p *pendingUploads) keep(key string, files []app.File) (kept []pendingFile, left []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire()
	s := p.sets[key]
	if s == nil && key != "" {
		s = &pendingSet{}
		p.sets[key] = s
	}
	for _, f := range files {
		size := int64(len(f.Data))
		if key == "" || size == 0 || size > desk.MaxAttachment || len(s.files) >= desk.MaxAttachments || !p.room(key, size) {
			left = append(left, f.Name)
			continue
		}
		pf := pendingFile{ID: app.NewSecretString()[:16], Name: f.Name, Size: size, data: f.Data}
		s.files = append(s.files, pf)
		p.total += size
		kept = append(kept, pf)
	}
	if s != nil {
		s.touched = p.now()
		if len(s.files) == 0 {
			delete(p.sets, key)
		}
	}
	return kept, left
}

// room makes room for size more bytes by forgetting the least recently touched other
// sessions' files, and tells whether there is room. The caller holds mu.
func (p *pendingUploads) room(key string, size int64) bool {
	for p.total+size > p.maxBytes {
		oldest := ""
		for k, s := range p.sets {
			if k != key && len(s.files) > 0 && (oldest == "" || s.touched.Before(p.sets[oldest].touched)) {
				oldest = k
			}
		}
		if oldest == "" {
			return false
		}
		p.drop(oldest, pendingIDs(p.sets[oldest].files))
	}
	return true
}

// pendingAppFiles returns kept files as the app takes them.
func pendingAppFiles(fs []pendingFile) []app.File {
	out := make([]app.File, 0, len(fs))
	for _, f := range fs {
		out = append(out, app.File{Name: f.Name, Data: f.data})
	}
	return out
}

// pendingIDs returns the ids of kept files.
func pendingIDs(fs []pendingFile) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

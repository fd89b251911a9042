package console

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// TestPendingUploadsLimits: at most desk.MaxAttachments files per session, none empty or
// over desk.MaxAttachment, all sessions within the byte cap (the least recently used
// sessions make room), and forgotten after the lifetime.
func TestPendingUploadsLimits(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	p := newPendingUploads(30*time.Minute, 3000, func() time.Time { return now })
	f := func(name string, n int) app.File { return app.File{Name: name, Data: bytes.Repeat([]byte("x"), n)} }

	var many []app.File
	for i := range desk.MaxAttachments + 1 {
		many = append(many, f(fmt.Sprint("f", i), 10))
	}
	kept, left := p.keep("a", append(many, f("empty", 0), app.File{Name: "big", Data: make([]byte, desk.MaxAttachment+1)}))
	if len(kept) != desk.MaxAttachments || len(left) != 3 || left[1] != "empty" || left[2] != "big" {
		t.Fatalf("kept %d, left %v", len(kept), left)
	}
	got, gone := p.take("a", []string{kept[1].ID, "nope", kept[1].ID})
	if len(got) != 1 || got[0].Name != "f1" || gone != 2 {
		t.Fatalf("take: %v, %d gone", got, gone)
	}
	if _, gone := p.take("b", []string{kept[0].ID}); gone != 1 {
		t.Error("another session took a's file")
	}
	if _, gone := p.take("", []string{kept[0].ID}); gone != 1 {
		t.Error("no session took a file")
	}
	p.forget("a", pendingIDs(kept))
	if p.total != 0 || len(p.sets) != 0 {
		t.Fatalf("after forget: %d bytes, %d sets", p.total, len(p.sets))
	}

	// The byte cap: b's new file pushes out a's, the older; c's too large for all is refused.
	now = now.Add(time.Minute)
	ka, _ := p.keep("a", []app.File{f("a1", 1500)})
	now = now.Add(time.Minute)
	kb, _ := p.keep("b", []app.File{f("b1", 1000)})
	now = now.Add(time.Minute)
	kb2, left := p.keep("b", []app.File{f("b2", 1000)})
	if len(kb) != 1 || len(kb2) != 1 || len(left) != 0 || p.total != 2000 {
		t.Fatalf("b: %v %v %v, %d bytes", kb, kb2, left, p.total)
	}
	if _, gone := p.take("a", pendingIDs(ka)); gone != 1 {
		t.Error("a's file was not dropped to make room")
	}
	if _, left := p.keep("b", []app.File{f("b3", 1500)}); len(left) != 1 {
		t.Error("b's own files were dropped for its own new one")
	}
	if _, left := p.keep("c", []app.File{f("c1", 3001)}); len(left) != 1 || p.total > 3000 {
		t.Errorf("over the cap: %v, %d bytes", left, p.total)
	}

	// The lifetime: untouched for longer, forgotten.
	now = now.Add(31 * time.Minute)
	if _, gone := p.take("b", pendingIDs(append(kb, kb2...))); gone != 2 || p.total != 0 {
		t.Errorf("after the lifetime: %d gone, %d bytes", gone, p.total)
	}
}

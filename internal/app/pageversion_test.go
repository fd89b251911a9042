package app_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestPageVersionAndNotifyWrites: the change counter moves with a component's status, not
// with a read; NotifyWrites says so after each committed write, and not after a failed one.
func TestPageVersionAndNotifyWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var written atomic.Int64
		a := app.New(app.NotifyWrites(db, func() { written.Add(1) }), time.Now,
			slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{})
		v0, err := a.Components.PageVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.Components.Create(ctx, sys, desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		if written.Load() != 1 {
			t.Fatalf("%d writes told, want 1", written.Load())
		}
		v1, err := a.Components.PageVersion(ctx)
		if err != nil || v1 <= v0 {
			t.Fatalf("after a create: %d (was %d), %v", v1, v0, err)
		}
		if _, err := a.Components.SetStatus(ctx, sys, c.ID, desk.StatusMajorOutage); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Components.Public(ctx); err != nil { // a read tells nothing
			t.Fatal(err)
		}
		v2, _ := a.Components.PageVersion(ctx)
		if v2 <= v1 || written.Load() != 2 {
			t.Fatalf("after a status change: version %d (was %d), %d writes told", v2, v1, written.Load())
		}
		if _, err := a.Components.SetStatus(ctx, sys, c.ID+1000, desk.StatusMajorOutage); err == nil {
			t.Fatal("set the status of a component that does not exist")
		}
		if v3, _ := a.Components.PageVersion(ctx); v3 != v2 || written.Load() != 2 {
			t.Fatalf("after a failed write: version %d (was %d), %d writes told", v3, v2, written.Load())
		}
	})
}

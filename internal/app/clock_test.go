package app_test

import (
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestWithClockAndAddConfirmed: services with another clock write what they do at that
// clock's time into the same store; AddConfirmed is for Meldpunt's own tooling only, and
// its subscriber is confirmed at once (a notice reaches it) without any email.
func TestWithClockAndAddConfirmed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		a := app.New(db, func() time.Time { return now }, nil, app.Config{BaseURL: "http://meldpunt.test"})
		sys := desk.SystemActor("test")
		past := now.AddDate(0, 0, -30)
		c, err := a.WithClock(func() time.Time { return past }).Components.Create(ctx, sys,
			desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		if !c.CreatedAt.Equal(past) || !a.Now().Equal(now) {
			t.Errorf("created at %s (want %s), the services' now %s (want %s)", c.CreatedAt, past, a.Now(), now)
		}
		hs, err := a.Components.StatusHistory(ctx, sys, c.ID)
		if err != nil || len(hs) != 1 || !hs[0].At.Equal(past) {
			t.Errorf("history %+v (%v), want one row at %s", hs, err, past)
		}

		in := desk.SubscriberInput{Email: " Volger@Example.nl ", Locale: "en", All: true}
		person := desk.Actor{UserID: 1, Name: "Admin", Role: desk.RoleAdmin}
		if _, err := a.Subscriptions.AddConfirmed(ctx, person, in); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("an admin adds a confirmed subscriber: %v, want forbidden", err)
		}
		s, err := a.Subscriptions.AddConfirmed(ctx, sys, in)
		if err != nil || s.Email != "volger@example.nl" || s.ConfirmedAt == nil {
			t.Fatalf("AddConfirmed: %+v %v", s, err)
		}
		if _, err := a.Subscriptions.AddConfirmed(ctx, sys, in); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("the same address again: %v, want conflict", err)
		}
		if _, err := a.Subscriptions.AddConfirmed(ctx, sys, desk.SubscriberInput{Email: "nope", Locale: "en", All: true}); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("a bad address: %v, want invalid", err)
		}
		n, err := a.Subscriptions.QueueNotice(ctx, desk.StatusNotice{Kind: desk.NoticeIncidentCreated, Name: desk.Texts{EN: "x"},
			Body: desk.Texts{EN: "y"}, Status: "investigating", Impact: "minor", ComponentIDs: []int64{c.ID}})
		if err != nil || n != 1 {
			t.Errorf("a notice reached %d (%v), want the confirmed subscriber", n, err)
		}
	})
}

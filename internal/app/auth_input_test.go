package app_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestSignInUnusableEmail: an email that no account can have (a NUL, which PostgreSQL
// refuses; invalid UTF-8; control characters; too long; empty) is a failed sign-in and
// an unknown address for a reset, on both databases, never an internal error (issue 10,
// finding 1).
func TestSignInUnusableEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		for _, email := range []string{"rita\x00@acme.example", "rita@acme.example\x00", "rita\xff@acme.example",
			"rita\x1b@acme.example", strings.Repeat("r", 250) + "@acme.example", "", "   "} {
			if _, _, _, err := w.a.Identity.SignIn(ctx, email, "long enough password", ""); err != app.ErrBadCredentials {
				t.Errorf("sign in as %q: %v", email, err)
			}
			if link, err := w.a.Identity.RequestPasswordReset(ctx, email, ""); link != "" || err != nil {
				t.Errorf("reset for %q: %q %v", email, link, err)
			}
		}
	})
}

package web

import (
	"testing"

	"meldpunt/internal/desk"
)

// TestCapFieldsCount: the entry that counts the errors left out reads well for one and for
// many.
func TestCapFieldsCount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		more int
		want string
	}{
		{1, "1 more error is not listed; correct these and send it again"},
		{2, "2 more errors are not listed; correct these and send it again"},
	} {
		got := capFields(nil, c.more)
		if len(got) != 1 || got[0].Rule != "more_errors" || got[0].Field != "" || got[0].Message != c.want {
			t.Errorf("%d more: %+v, want the message %q", c.more, got, c.want)
		}
	}
	if got := capFields(make([]desk.FieldError, desk.MaxFieldErrors+1), 0); len(got) != desk.MaxFieldErrors+1 || got[desk.MaxFieldErrors].Message != "1 more error is not listed; correct these and send it again" {
		t.Errorf("one over the cap: %d entries, last %+v", len(got), got[len(got)-1])
	}
}

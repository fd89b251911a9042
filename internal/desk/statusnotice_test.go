package desk

import "testing"

func TestTextsIn(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		t    Texts
		l    Locale
		want string
	}{
		{Texts{NL: "storing", EN: "outage"}, LocaleNL, "storing"},
		{Texts{NL: "storing", EN: "outage"}, LocaleEN, "outage"},
		{Texts{NL: "storing"}, LocaleEN, "storing"},
		{Texts{EN: "outage"}, LocaleNL, "outage"},
		{Texts{}, LocaleEN, ""},
	} {
		if got := c.t.In(c.l); got != c.want {
			t.Errorf("%+v.In(%s) = %q, want %q", c.t, c.l, got, c.want)
		}
	}
}

package web

import "testing"

func TestStatusHostName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"status.example.nl", "status.example.nl", true},
		{" Status.Example.NL. ", "status.example.nl", true},
		{"localhost", "localhost", true},
		{"192.0.2.7", "192.0.2.7", true},
		{"", "", false},
		{"https://status.example.nl", "", false},
		{"status.example.nl:8443", "", false},
		{"status.example.nl/page", "", false},
		{"-status.example.nl", "", false},
		{"status..example.nl", "", false},
		{"stätus.example.nl", "", false},
	} {
		got, err := StatusHostName(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("StatusHostName(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
	for in, want := range map[string]string{"Status.Example.NL:443": "status.example.nl", "[::1]:8080": "::1", "status.example.nl.": "status.example.nl", "x": "x"} {
		if got := HostName(in); got != want {
			t.Errorf("HostName(%q) = %q, want %q", in, got, want)
		}
	}
}

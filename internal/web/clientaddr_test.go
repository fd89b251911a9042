package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestParseProxies(t *testing.T) {
	t.Parallel()
	p, err := ParseProxies(" 127.0.0.1, 10.0.0.0/8 ,::1,,192.168.1.7/16, ::ffff:172.16.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.String(), "127.0.0.1/32,10.0.0.0/8,::1/128,192.168.0.0/16,172.16.0.1/32"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if p, err := ParseProxies(""); err != nil || p.String() != "" {
		t.Errorf("empty: %v %v", p, err)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3", "10.0.0.1:80", "*"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestClientAddress(t *testing.T) {
	t.Parallel()
	trusted, err := ParseProxies("10.0.0.0/8, 2001:db8:ff::/48")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		proxies Proxies
		peer    string
		header  map[string][]string
		want    string
	}{
		{"no proxies: the peer", Proxies{}, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "10.0.0.5"},
		{"untrusted peer: its headers are ignored", trusted, "198.51.100.1:4000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}, "Forwarded": {"for=203.0.113.8"}}, "198.51.100.1"},
		{"trusted peer without headers: the peer", trusted, "10.0.0.5:4000", nil, "10.0.0.5"},
		{"trusted peer: the forwarded client", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "203.0.113.9"},
		{"a client's own entries left of the real one are ignored", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1, 203.0.113.9"}}, "203.0.113.9"},
		{"trusted hops are walked past", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1, 203.0.113.9, 10.1.1.1", "10.2.2.2"}}, "203.0.113.9"},
		{"all hops trusted: the leftmost", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"10.3.3.3, 10.1.1.1"}}, "10.3.3.3"},
		{"garbage ends the walk at the proxy that wrote it", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9, nonsense, 10.1.1.1"}}, "10.1.1.1"},
		{"empty header: the peer", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {""}}, "10.0.0.5"},
		{"ports and brackets", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"[2001:db8::7]:5555"}}, "2001:db8::7"},
		{"IPv4 with a port", trusted, "10.0.0.5:4000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9:5555"}}, "203.0.113.9"},
		{"IPv6 peer and hops", trusted, "[2001:db8:ff::1]:4000",
			map[string][]string{"X-Forwarded-For": {"2001:db8::7, 2001:db8:ff::2"}}, "2001:db8::7"},
		{"mapped IPv4", trusted, "[::ffff:10.0.0.5]:4000",
			map[string][]string{"X-Forwarded-For": {"::ffff:203.0.113.9"}}, "203.0.113.9"},
		{"Forwarded when there is no X-Forwarded-For", trusted, "10.0.0.5:4000",
			map[string][]string{"Forwarded": {`for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.5, For=10.9.9.9`}}, "2001:db8:cafe::17"},
		{"Forwarded with quotes and commas", trusted, "10.0.0.5:4000",
			map[string][]string{"Forwarded": {`for=203.0.113.9;host="a,b;c"`}}, "203.0.113.9"},
		{"Forwarded unknown or obfuscated: the proxy", trusted, "10.0.0.5:4000",
			map[string][]string{"Forwarded": {`for=203.0.113.9, for=_hidden, for=10.1.1.1`}}, "10.1.1.1"},
		{"Forwarded element without for=", trusted, "10.0.0.5:4000",
			map[string][]string{"Forwarded": {`for=203.0.113.9, proto=https`}}, "10.0.0.5"},
		{"X-Forwarded-For wins over a Forwarded the proxy passed on", trusted, "10.0.0.5:4000",
			map[string][]string{"Forwarded": {"for=1.1.1.1"}, "X-Forwarded-For": {"203.0.113.9"}}, "203.0.113.9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			for k, vs := range c.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := c.proxies.Client(r); got != c.want {
				t.Errorf("Client: %q, want %q", got, c.want)
			}
			var seen string
			ResolveClient(c.proxies)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				seen = ClientAddress(r)
			})).ServeHTTP(httptest.NewRecorder(), r)
			if seen != c.want {
				t.Errorf("ClientAddress behind ResolveClient: %q, want %q", seen, c.want)
			}
		})
	}
	// Without ResolveClient, the peer.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.5:4000"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := ClientAddress(r); got != "10.0.0.5" {
		t.Errorf("ClientAddress without ResolveClient: %q", got)
	}
}

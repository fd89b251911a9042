package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// FuzzClientAddress: whatever forwarding headers a request carries, the client address is
// the peer or an address, and from a peer that is not trusted always the peer.
func FuzzClientAddress(f *testing.F) {
	f.Add("10.0.0.5:4000", "203.0.113.9", "")
	f.Add("10.0.0.5:4000", "1.1.1.1, 203.0.113.9, 10.1.1.1", "")
	f.Add("[2001:db8:ff::1]:4000", "[2001:db8::7]:5555, nonsense", "")
	f.Add("10.0.0.5:4000", "", `for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https, For=10.9.9.9`)
	f.Add("10.0.0.5:4000", "", `for="\"";host="a,b;c", for=_hidden`)
	f.Add("198.51.100.1:4000", "203.0.113.9", "for=203.0.113.8")
	f.Add("not an address", "\x00", "for=\xff")
	trusted, err := ParseProxies("10.0.0.0/8, 2001:db8:ff::/48")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, peer, xff, fwd string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = peer
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			r.Header.Set("Forwarded", fwd)
		}
		untrusted := Proxies{}.Client(r)
		got := trusted.Client(r)
		p, ok := parseHop(peer)
		if !ok {
			if got != untrusted {
				t.Fatalf("peer %q is no address, yet the headers named %q", peer, got)
			}
			return
		}
		if untrusted != p.String() {
			t.Fatalf("without proxies: %q, want the peer %q", untrusted, p)
		}
		if !trusted.trusts(p) && got != untrusted {
			t.Fatalf("an untrusted peer's headers named %q", got)
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("the client %q is not an address", got)
		}
	})
}

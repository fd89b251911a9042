package webhook

import (
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheckURL: a webhook URL is accepted only when it is absolute http(s) with a host, no
// user information and a port in range; without private targets allowed, a host that is
// an address (in any spelling Go or a resolver reads as one) must be public. A refusal is
// a *URLError or *AddressError, and never shows the URL's path or query, which may be a
// secret (Slack's are).
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://hooks.example.com/services/T000/B000/XXXXXXXXsecret", "http://93.184.216.34:8080/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/x",
		"http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/", "http://017700000001/", "http://[::ffff:127.0.0.1]/",
		"http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::]/", "http://[fe80::1%25eth0]/", "http://localhost./", "http://a.localhost/",
		"http://169.254.169.254/latest/meta-data", "https://user:pw@example.com/", "https://example.com:0/", "https://example.com:/",
		"https://example.com:65536/", "ftp://example.com/", "//example.com/x", "https:opaque", "https://exa mple.com/", "https://%zz/",
		"http://[::1]:80/secretpath", "http://0/", "http://1.1.1.1.1/", "https://example.com/?token=secretvalue#frag", "HTTP://EXAMPLE.COM/",
	} {
		f.Add(s, false)
	}
	f.Add("http://10.0.0.1/", true)
	f.Fuzz(func(t *testing.T, raw string, allowPrivate bool) {
		err := CheckURL(raw, allowPrivate)
		if err != nil {
			var ue *URLError
			var ae *AddressError
			if !errors.As(err, &ue) && !errors.As(err, &ae) {
				t.Fatalf("CheckURL(%q): %T %v", raw, err, err)
			}
			if u, perr := url.Parse(raw); perr == nil {
				for _, secret := range []string{u.Path, u.RawQuery, u.Fragment} {
					if len(secret) >= 12 && strings.Contains(err.Error(), secret) && !strings.Contains(u.Scheme+"://"+u.Host, secret) {
						t.Fatalf("CheckURL(%q): the error %q shows %q", raw, err, secret)
					}
				}
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("CheckURL(%q) accepted it: %+v, %v", raw, u, perr)
		}
		if len(raw) > MaxURLLength {
			t.Fatalf("CheckURL accepted %d bytes", len(raw))
		}
		if allowPrivate {
			return
		}
		host := strings.TrimSuffix(u.Hostname(), ".")
		if a, err := netip.ParseAddr(host); err == nil && refusedBy(a) != "" {
			t.Fatalf("CheckURL(%q) accepted the address %v", raw, a)
		}
		if ip := net.ParseIP(host); ip != nil {
			if a, ok := netip.AddrFromSlice(ip); ok && refusedBy(a.Unmap()) != "" {
				t.Fatalf("CheckURL(%q) accepted the address %v", raw, ip)
			}
		}
		if a, ok := inetAton(host); ok && refusedBy(a) != "" {
			t.Fatalf("CheckURL(%q) accepted %q, which a resolver reads as %v", raw, host, a)
		}
		if h := strings.ToLower(host); h == "localhost" || strings.HasSuffix(h, ".localhost") {
			t.Fatalf("CheckURL(%q) accepted a loopback name", raw)
		}
	})
}

// inetAton reads an IPv4 address the way the C library's inet_aton does: one to four parts,
// each decimal, octal (0…) or hex (0x…), the last filling the remaining bytes.
func inetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		base, digits := uint64(10), p
		switch {
		case strings.HasPrefix(strings.ToLower(p), "0x"):
			base, digits = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if digits == "" && base != 16 {
			return netip.Addr{}, false
		}
		var n uint64
		for _, c := range strings.ToLower(digits) {
			d := uint64(strings.IndexRune("0123456789abcdef", c))
			if d >= base || c > 'f' {
				return netip.Addr{}, false
			}
			n = n*base + d
			if n > 1<<32 {
				return netip.Addr{}, false
			}
		}
		vals = append(vals, n)
	}
	var b [4]byte
	last := vals[len(vals)-1]
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(v)
	}
	rest := 4 - (len(vals) - 1)
	if last >= 1<<(8*rest) {
		return netip.Addr{}, false
	}
	for i := 3; i >= len(vals)-1; i-- {
		b[i] = byte(last)
		last >>= 8
	}
	return netip.AddrFrom4(b), true
}

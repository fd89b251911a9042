package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// MaxURLLength bounds a webhook URL. Browsers and proxies handle far longer ones, but a
// receiver's address needs no more, and the outbox stores and shows it.
const MaxURLLength = 2048

// ErrRefused is wrapped by every error about a target address that the guard refuses.
var ErrRefused = errors.New("webhook target refused")

// AddressError says which rule refused an address. The Sender returns it (wrapped in the
// usual *url.Error and *net.OpError) when a name resolves to such an address, and CheckURL
// when the URL names one.
type AddressError struct {
	Addr netip.Addr
	Rule string // e.g. "loopback", "private (RFC 1918)", "loopback, IPv4-mapped"
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("webhook: the address %s is refused as %s; only public addresses are allowed unless private targets are", e.Addr, e.Rule)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *AddressError) Is(target error) bool { return target == ErrRefused }

// rule is a range of addresses refused by default, with the name the error gives it.
type rule struct {
	prefix netip.Prefix
	name   string
}

// rules lists the ranges a webhook may not reach unless AllowPrivate: everything that is
// not the public internet. IPv4 addresses inside IPv6 ones (mapped, NAT64, 6to4) are
// checked by the IPv4 rules in refusedBy.
var rules = func() []rule {
	r := func(p, name string) rule { return rule{netip.MustParsePrefix(p), name} }
	return []rule{
		r("0.0.0.0/8", "unspecified (this network)"),
		r("10.0.0.0/8", "private (RFC 1918)"),
		r("100.64.0.0/10", "shared (carrier-grade NAT)"),
		r("127.0.0.0/8", "loopback"),
		r("169.254.0.0/16", "link-local (cloud metadata)"),
		r("172.16.0.0/12", "private (RFC 1918)"),
		r("192.0.0.0/24", "reserved (IETF)"),
		r("192.168.0.0/16", "private (RFC 1918)"),
		r("198.18.0.0/15", "reserved (benchmarking)"),
		r("224.0.0.0/4", "multicast"),
		r("240.0.0.0/4", "reserved (class E, broadcast)"),
		r("::/128", "unspecified"),
		r("::1/128", "loopback"),
		r("::/96", "reserved (IPv4-compatible IPv6)"),
		r("64:ff9b:1::/48", "private (local-use NAT64)"),
		r("fc00::/7", "private (unique local)"),
		r("fe80::/10", "link-local"),
		r("fec0::/10", "private (site-local)"),
		r("ff00::/8", "multicast"),
	}
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// refusedBy returns the rule that refuses a, or "" when a is a public address.
func refusedBy(a netip.Addr) string {
	a = a.WithZone("")
	if a.Is4In6() {
		if r := refusedBy(a.Unmap()); r != "" {
			return r + ", IPv4-mapped"
		}
		return ""
	}
	for _, r := range rules {
		if r.prefix.Contains(a) {
			return r.name
		}
	}
	if a.Is6() {
		b := a.As16()
		var v4 netip.Addr
		switch {
		case nat64.Contains(a):
			v4 = netip.AddrFrom4([4]byte(b[12:16]))
		case sixToFour.Contains(a):
			v4 = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if v4.IsValid() {
			if r := refusedBy(v4); r != "" {
				return r + ", embedded in IPv6"
			}
		}
	}
	return ""
}

// checkAddr refuses a non-public address.
func checkAddr(a netip.Addr) error {
	if r := refusedBy(a); r != "" {
		return &AddressError{Addr: a.WithZone(""), Rule: r}
	}
	return nil
}

// dialControl is the net.Dialer Control of a Sender that may not reach private targets.
// It runs for the address actually being connected to, after name resolution, so a name
// that resolves to a private address (or starts to, as in DNS rebinding) is refused too.
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot check dialled address %q: %v", ErrRefused, address, err)
	}
	return checkAddr(ap.Addr())
}

// URLError says which rule a webhook URL breaks.
type URLError struct {
	// URL is the scheme and host of the URL, and "/…" for the rest: the path of many
	// webhook URLs is itself a secret (Slack's are), and errors end up in logs. "" when
	// the URL could not be read.
	URL  string
	Rule string
}

func (e *URLError) Error() string {
	if e.URL == "" {
		return "webhook: URL: " + e.Rule
	}
	return fmt.Sprintf("webhook: URL %q: %s", e.URL, e.Rule)
}

// shownURL returns the part of u that an error may show: scheme and host, "/…" for the rest.
func shownURL(u *url.URL) string {
	if u.Opaque != "" {
		return u.Scheme + ":…"
	}
	s := u.Scheme + "://" + cut(u.Host, 100)
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		s += "/…"
	}
	return s
}

// CheckURL tells whether raw can be a webhook target, for when an operator registers one:
// at most MaxURLLength bytes, absolute, scheme http or https, a host, no user name or
// password (they would travel with every message and show up in logs), a port from 1 to
// 65535, and, unless allowPrivate, no literal address or "localhost" name that is not on
// the public internet. Names are not resolved here: the Sender checks the address it dials.
// The error is a *URLError naming the rule, or an *AddressError for a refused address.
func CheckURL(raw string, allowPrivate bool) error { return checkURL(raw, allowPrivate, true) }

// checkURL is CheckURL; the Sender passes names false, leaving "localhost" to the check of
// the dialled address like any other name.
func checkURL(raw string, allowPrivate, names bool) error {
	shown := ""
	bad := func(format string, args ...any) error {
		return &URLError{URL: shown, Rule: fmt.Sprintf(format, args...)}
	}
	if raw == "" {
		return bad("a URL is required")
	}
	if len(raw) > MaxURLLength {
		return bad("it is longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return bad("it is not a valid URL (%v)", err)
	}
	shown = shownURL(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return bad("it must start with https:// or http://")
		}
		return bad("the scheme must be https or http, not %q", u.Scheme)
	}
	if u.Opaque != "" {
		return bad("it must start with %s:// and a host", u.Scheme)
	}
	if u.User != nil {
		return bad("it may not hold a user name or password; the signature authenticates the sender")
	}
	host := u.Hostname()
	if host == "" {
		return bad("it has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad("the port must be a number from 1 to 65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("the port must be a number from 1 to 65535")
	}
	if strings.Contains(host, "%") {
		return bad("an IPv6 zone (%%…) is not allowed")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if allowPrivate {
			return nil
		}
		return checkAddr(a)
	}
	if strings.Contains(u.Host, "[") {
		return bad("the host %q is not a valid IPv6 address", host)
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if looksNumeric(name) {
		// 127.1, 2130706433, 0x7f.0.0.1: some resolvers read these as addresses.
		return bad("the host %q looks like an IPv4 address but is not one in dotted form (a.b.c.d)", host)
	}
	if names && !allowPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		return bad("%q always names this machine (loopback); such targets are refused unless private targets are allowed", host)
	}
	if strings.ContainsAny(name, " \t") {
		return bad("the host %q holds spaces", host)
	}
	return nil
}

// looksNumeric tells whether the last label of a host name is a number (decimal, octal or
// hex). No top-level domain is numeric, so such a name is an attempt at an IPv4 address.
func looksNumeric(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	if h, ok := strings.CutPrefix(last, "0x"); ok {
		last = h
		if last == "" {
			return true
		}
		_, err := strconv.ParseUint(last, 16, 64)
		return err == nil
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// guardedDialer returns the Sender's dialer: with the guard unless allowPrivate.
func guardedDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{}
	if !allowPrivate {
		d.Control = dialControl
	}
	return d
}

// cut shortens s to at most n bytes, for error messages that quote what others wrote.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

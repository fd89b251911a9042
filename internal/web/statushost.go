package web

import (
	"errors"
	"net"
	"net/http"
	"path"
	"strings"

	"meldpunt/internal/desk"
)

// The status page on a host of its own (--status-host, docs/status-page.md "A host of its
// own"): one binary serves the desk at its base URL and the public status page at, say,
// status.example.nl. A request for that host (the Host header's name, port ignored, case
// ignored) sees the status page at / and the public status routes only; everything else
// there is not found, so the desk's sign-in, pages and API never answer on the status host.
// Other hosts are served as before.

// StatusHostName checks a --status-host value: a host name (or an IP address) without
// scheme, port or path. It returns the name in lower case.
func StatusHostName(v string) (string, error) {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(v), "."))
	if h == "" || len(h) > 253 {
		return "", errors.New("must be a host name such as status.example.nl")
	}
	if net.ParseIP(h) != nil {
		return h, nil
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", errors.New("must be a host name such as status.example.nl, without scheme, port or path")
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", errors.New("must be a host name such as status.example.nl, without scheme, port or path")
			}
		}
	}
	return h, nil
}

// HostName is the name of a Host header, without its port and trailing dot, in lower case.
func HostName(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimPrefix(strings.TrimSuffix(h, "]"), "[")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// statusRoute tells whether a path belongs to the public status page: the page and what
// lies under /status/, the Statuspage-compatible API, and the static files pages load.
func statusRoute(p string) bool {
	return p == "/status" || strings.HasPrefix(p, "/status/") || strings.HasPrefix(p, "/api/v2/") ||
		strings.HasPrefix(p, "/static/")
}

// StatusHost serves the status host's requests: / becomes /status, a public status route
// passes, anything else is not found (onErr answers). host is a StatusHostName; empty means
// no status host, and the middleware passes everything on.
func StatusHost(host string, onErr func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if host == "" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if HostName(r.Host) != host {
				next.ServeHTTP(w, r)
				return
			}
			p := r.URL.Path
			switch {
			case p == "/":
				r2 := r.Clone(r.Context())
				r2.URL.Path, r2.URL.RawPath = "/status", ""
				next.ServeHTTP(w, r2)
			case statusRoute(p) && path.Clean(p) == p: // no dot segments that lead elsewhere
				next.ServeHTTP(w, r)
			default:
				onErr(w, r, desk.Errorf(desk.ENOTFOUND, "there is nothing at %s %s on the status page's host", r.Method, p))
			}
		})
	}
}

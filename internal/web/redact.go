package web

import (
	"net/url"
	"strings"
)

// Redacted replaces a secret in a URL that is logged.
const Redacted = "REDACTED"

// maxLoggedSegment is the longest path segment of an unrouted URL that is logged: every
// secret Meldpunt makes (session, token, reset and setup secrets, solution links, webhook
// secrets) is longer, so a secret in a mistyped link does not reach the log either.
const maxLoggedSegment = 24

// secretWords mark a query key or a route wildcard whose value is a secret: solution,
// reset, setup and unsubscribe tokens, API tokens, webhook secrets, passwords, signatures.
var secretWords = []string{"token", "secret", "password", "passwd", "key", "csrf", "sig", "auth", "code", "session"}

// secretName tells whether a query key or a route wildcard names a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Redact returns u's path and query as they may be logged, for a request that pattern
// (a ServeMux pattern such as "GET /solution/{token}", or "" when none matched) routed.
// Path segments that fill a wildcard with a secret name ({token}) become REDACTED; the
// rest of a path beyond what a subtree pattern ("/") names is kept only in segments too
// short to be a secret. Query keys are kept; the values of secret keys (token=, secret=,
// …), and values long enough to be a secret and without spaces, become REDACTED. The Authorization header and cookies are never logged.
func Redact(pattern string, u *url.URL) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(redactPath(pattern, u.EscapedPath()))
	if u.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(redactQuery(u.RawQuery))
	}
	return b.String()
}

// redactPath applies Redact's rules to an escaped path.
func redactPath(pattern, path string) string {
	// The pattern is "[METHOD ][HOST]/path"; only its path counts.
	if _, rest, ok := strings.Cut(pattern, " "); ok {
		pattern = rest
	}
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		pattern = pattern[i:]
	} else {
		pattern = "/" // nothing matched: every segment is unknown
	}
	pat := strings.Split(pattern, "/")
	segs := strings.Split(path, "/")
	for i := range segs {
		if i >= len(pat) || i == len(pat)-1 && pat[i] == "" && segs[i] != "" {
			// Beyond the pattern (a subtree such as "/"): nobody said what this is.
			for j := i; j < len(segs); j++ {
				if len(segs[j]) > maxLoggedSegment {
					segs[j] = Redacted
				}
			}
			break
		}
		name, ok := strings.CutPrefix(pat[i], "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		rest := strings.HasSuffix(name, "...")
		if !secretName(strings.TrimSuffix(name, "...")) {
			continue
		}
		if rest {
			segs = append(segs[:i], Redacted)
			break
		}
		segs[i] = Redacted
	}
	return strings.Join(segs, "/")
}

// redactQuery keeps a raw query's keys and order and replaces the values of secret keys.
func redactQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		// A long value without spaces may be a secret or a link carrying one (next=…).
		long := len(v) > maxLoggedSegment && !strings.Contains(v, "+") && !strings.Contains(v, "%20")
		if hasValue && (secretName(key) || long) || !hasValue && len(k) > maxLoggedSegment {
			parts[i] = k + "=" + Redacted
			if !hasValue {
				parts[i] = Redacted
			}
		}
	}
	return strings.Join(parts, "&")
}

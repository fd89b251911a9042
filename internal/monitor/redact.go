package monitor

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// Redacted stands in for a secret wherever settings are shown, exported or logged.
const Redacted = "********"

// Redact returns the settings with every secret replaced by Redacted, for display, export
// and logs: passwords, the password of a URL's userinfo, query parameters whose names look
// like secrets (token, key, secret, password, signature…), and the values of headers named
// Authorization, Cookie or anything with token, key, secret or password in its name. What
// is not JSON gives {} (nothing is shown rather than a secret).
func (c *Checker) Redact(kind Kind, settings json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(settings)) == 0 {
		return json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(settings))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return json.RawMessage("{}")
	}
	redactMap(m)
	out, err := marshal(m)
	if err != nil {
		return json.RawMessage("{}")
	}
	return out
}

// redactMap redacts the secrets of one settings object, whatever its kind: the same names
// mean the same things in every kind.
func redactMap(m map[string]any) {
	for k, val := range m {
		switch x := val.(type) {
		case string:
			switch {
			case x == "":
			case k == "url" || strings.HasSuffix(k, "_url"):
				m[k] = redactURL(x)
			case secretName(k) && k != "keyword":
				m[k] = Redacted
			}
		case map[string]any:
			if k == "headers" {
				for h, hv := range x {
					if s, ok := hv.(string); ok && secretHeader(h) && s != "" {
						x[h] = Redacted
					} else if !ok {
						x[h] = Redacted
					}
				}
				continue
			}
			redactMap(x)
		}
	}
}

// secretName tells whether a setting, header or query parameter name looks like it holds
// a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "passwd", "pass", "pwd", "secret", "token", "key", "auth", "credential", "signature", "sig", "session", "cookie", "jwt", "apikey"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretHeader tells whether a header's value is a secret: Authorization, Cookie and any
// header whose name looks like a secret.
func secretHeader(name string) bool {
	return secretName(name) // authorization (auth), cookie, proxy-authorization, x-api-key…
}

// redactURL hides the password of a URL's userinfo and the values of query parameters
// whose names look like secrets. Text that is no URL is hidden whole when it holds an @ or
// a query, and kept otherwise.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.ContainsAny(raw, "@?") {
			return Redacted
		}
		return raw
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			u.RawQuery = Redacted
		} else {
			changed := false
			for k, vs := range q {
				if secretName(k) {
					for i := range vs {
						vs[i] = Redacted
					}
					changed = true
				}
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
	}
	s := u.String()
	return strings.ReplaceAll(s, url.QueryEscape(Redacted), Redacted)
}

// urlSecrets lists the secrets a URL holds: its userinfo password and the values of its
// secret-looking query parameters, raw and decoded.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if p, has := u.User.Password(); has && p != "" {
			out = append(out, p)
			if e := url.QueryEscape(p); e != p {
				out = append(out, e)
			}
			if e := url.PathEscape(p); e != p {
				out = append(out, e)
			}
		}
	}
	if u.RawQuery != "" {
		for _, part := range strings.Split(u.RawQuery, "&") {
			k, v, _ := strings.Cut(part, "=")
			dk, _ := url.QueryUnescape(k)
			if v == "" || !secretName(dk) {
				continue
			}
			out = append(out, v)
			if dv, err := url.QueryUnescape(v); err == nil && dv != v && dv != "" {
				out = append(out, dv)
			}
		}
	}
	return out
}

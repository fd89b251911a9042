// Package checkstub is a small app.MonitorChecks for tests of what surrounds the checks
// (the API, monitoring as code, the metrics): it knows three kinds, http, tcp and
// heartbeat, with a few settings each, names its fields as package monitor's Checker does
// ("http.expect_status[0]"), redacts secret headers and a URL's password, and runs real
// checks against loopback servers. The real checker is package monitor's.
package checkstub

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
	"meldpunt/internal/strictjson"
)

// Redacted stands in for a secret.
const Redacted = "********"

// Checks is the stub; its zero value is ready.
type Checks struct {
	// RootCAs verifies the certificates of https checks; nil: the system's roots.
	RootCAs *x509.CertPool
}

type httpSettings struct {
	URL          string            `json:"url"`
	Method       string            `json:"method"`
	Headers      map[string]string `json:"headers,omitempty"`
	ExpectStatus []int             `json:"expect_status,omitempty"`
}

type tcpSettings struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

type heartbeatSettings struct{}

// Validate checks the settings of a kind and fills in the defaults.
func (Checks) Validate(kind monitor.Kind, settings json.RawMessage) (json.RawMessage, error) {
	var v desk.Validator
	p := string(kind) + "."
	if len(strings.TrimSpace(string(settings))) == 0 {
		settings = json.RawMessage("{}")
	}
	decode := func(dst any) bool {
		err := strictjson.Decode(settings, dst)
		if se, ok := err.(*strictjson.Error); ok {
			v.Include(se.Fields(func(pa strictjson.Path) string {
				if len(pa) == 0 {
					return string(kind)
				}
				return p + pa.Name()
			}))
			return false
		}
		if err != nil {
			v.Add(string(kind), "json", "must be a JSON object")
			return false
		}
		return true
	}
	var out any
	switch kind {
	case monitor.KindHTTP:
		var s httpSettings
		if !decode(&s) {
			break
		}
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add(p+"url", "url", "must be an http or https URL")
		}
		if s.Method == "" {
			s.Method = "GET"
		}
		if !slices.Contains([]string{"GET", "HEAD", "POST"}, s.Method) {
			v.Add(p+"method", "one_of", "must be one of: GET, HEAD, POST")
		}
		for i, c := range s.ExpectStatus {
			if c < 100 || c > 599 {
				v.Add(p+"expect_status["+strconv.Itoa(i)+"]", "range", "must be an HTTP status code between 100 and 599")
			}
		}
		out = s
	case monitor.KindTCP:
		var s tcpSettings
		if !decode(&s) {
			break
		}
		if strings.TrimSpace(s.Host) == "" {
			v.Add(p+"host", "required", "is required")
		}
		if s.Port < 1 || s.Port > 65535 {
			v.Add(p+"port", "range", "must be between 1 and 65535")
		}
		out = s
	case monitor.KindHeartbeat:
		var s heartbeatSettings
		if decode(&s) {
			out = s
		}
	default:
		v.OneOf("kind", string(kind), true, []string{"http", "tcp", "heartbeat"})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// Run does one check: an HTTP request, or a TCP connection.
func (c Checks) Run(ctx context.Context, kind monitor.Kind, settings json.RawMessage, timeout time.Duration) monitor.Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	res := monitor.Result{Status: monitor.Up, At: start}
	fail := func(format string, args ...any) monitor.Result {
		res.Status, res.Error, res.Duration = monitor.Down, fmt.Sprintf(format, args...), time.Since(start)
		return res
	}
	switch kind {
	case monitor.KindHTTP:
		var s httpSettings
		if err := json.Unmarshal(settings, &s); err != nil {
			return fail("bad settings")
		}
		req, err := http.NewRequestWithContext(ctx, s.Method, s.URL, nil)
		if err != nil {
			return fail("bad request")
		}
		for k, val := range s.Headers {
			req.Header.Set(k, val)
		}
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.RootCAs}}}
		defer client.CloseIdleConnections()
		resp, err := client.Do(req)
		if err != nil {
			return fail("request failed")
		}
		resp.Body.Close()
		res.Evidence = map[string]string{"status_code": strconv.Itoa(resp.StatusCode)}
		if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
			res.Evidence["cert_not_after"] = resp.TLS.PeerCertificates[0].NotAfter.UTC().Format(time.RFC3339)
		}
		ok := resp.StatusCode < 400
		if len(s.ExpectStatus) > 0 {
			ok = slices.Contains(s.ExpectStatus, resp.StatusCode)
		}
		if !ok {
			return fail("status %d", resp.StatusCode)
		}
	case monitor.KindTCP:
		var s tcpSettings
		if err := json.Unmarshal(settings, &s); err != nil {
			return fail("bad settings")
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
		if err != nil {
			return fail("connection refused")
		}
		conn.Close()
	default:
		return fail("kind %s is not run", kind)
	}
	res.Duration = time.Since(start)
	return res
}

// Redact hides the values of secret-looking headers and a URL's password.
func (Checks) Redact(_ monitor.Kind, settings json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(settings, &m) != nil || m == nil {
		return json.RawMessage("{}")
	}
	if h, ok := m["headers"].(map[string]any); ok {
		for k := range h {
			n := strings.ToLower(k)
			if strings.Contains(n, "auth") || strings.Contains(n, "key") || strings.Contains(n, "token") || strings.Contains(n, "cookie") {
				h[k] = Redacted
			}
		}
	}
	if s, ok := m["url"].(string); ok {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), Redacted)
				m["url"] = strings.Replace(u.String(), url.QueryEscape(Redacted), Redacted, 1)
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

package monitor

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"meldpunt/internal/desk"
)

// maxRedirects is how many redirects an HTTP check follows.
const maxRedirects = 10

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// HTTPSettings are an http check's: a request, and what its answer must be to count as up.
type HTTPSettings struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// ExpectStatus lists the status codes that are up; empty: any 2xx or 3xx.
	ExpectStatus []int `json:"expect_status,omitempty"`
	// Keyword must appear in the body (or, with KeywordAbsent, must not).
	Keyword       string `json:"keyword,omitempty"`
	KeywordAbsent bool   `json:"keyword_absent,omitempty"`
	// JSONPath is a dotted path into a JSON body ("status.indicator", "items.0.state"); the
	// value there must equal JSONEquals, or exist and not be null when JSONEquals is absent.
	JSONPath   string  `json:"json_path,omitempty"`
	JSONEquals *string `json:"json_equals,omitempty"`
	// DegradedAfter: a response slower than this is degraded; "": never.
	DegradedAfter   string `json:"degraded_after,omitempty"`
	FollowRedirects *bool  `json:"follow_redirects"`
	VerifyTLS       *bool  `json:"verify_tls"`

	u *url.URL
}

func (s *HTTPSettings) check(v *desk.Validator, p string) {
	s.u = checkURL(v, p+"url", s.URL)
	if s.Method != "" && !slices.Contains(httpMethods, s.Method) {
		v.Add(p+"method", "one_of", "must be one of: %s", strings.Join(httpMethods, ", "))
	}
	if len(s.Headers) > maxList {
		v.Add(p+"headers", "max_items", "must have at most %d headers", maxList)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Headers)) {
		val := s.Headers[name]
		f := p + "headers." + name
		if !httpguts.ValidHeaderFieldName(name) {
			v.Add(f, "header_name", "must be a header name: letters, digits and - _ . ! # $ %% & ' * + ^ ` | ~")
			continue
		}
		if len(val) > maxHeader {
			v.Add(f, "max_length", "must be at most %d bytes", maxHeader)
		} else if !httpguts.ValidHeaderFieldValue(val) {
			v.Add(f, "header_value", "must not contain line breaks or control characters")
		}
	}
	if len(s.Body) > maxBody {
		v.Add(p+"body", "max_length", "must be at most %d bytes", maxBody)
	}
	if len(s.ExpectStatus) > maxList {
		v.Add(p+"expect_status", "max_items", "must list at most %d status codes", maxList)
	}
	for i, code := range s.ExpectStatus {
		if code < 100 || code > 599 {
			v.Add(p+"expect_status["+itoa(i)+"]", "range", "must be an HTTP status code between 100 and 599")
		}
	}
	v.Text(p+"keyword", s.Keyword, false, maxKeyword, false)
	if s.KeywordAbsent && s.Keyword == "" {
		v.Add(p+"keyword_absent", "requires", "needs a keyword that must not appear")
	}
	if s.Method == "HEAD" && s.Keyword != "" {
		v.Add(p+"keyword", "method", "needs a method whose answer has a body (HEAD has none)")
	}
	checkJSONPath(v, p+"json_path", s.JSONPath)
	if s.Method == "HEAD" && s.JSONPath != "" {
		v.Add(p+"json_path", "method", "needs a method whose answer has a body (HEAD has none)")
	}
	if s.JSONEquals != nil {
		if s.JSONPath == "" {
			v.Add(p+"json_equals", "requires", "needs a json_path to compare")
		}
		v.Text(p+"json_equals", *s.JSONEquals, false, maxKeyword, false)
	}
	checkDuration(v, p+"degraded_after", s.DegradedAfter, maxDuration)
}

// checkURL checks an absolute http or https URL and returns it parsed.
func checkURL(v *desk.Validator, field, raw string) *url.URL {
	v.Text(field, raw, true, maxURL, false)
	if v.Has(field) {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		v.Add(field, "url", "must be a URL such as https://example.com/health")
	case u.Scheme != "http" && u.Scheme != "https":
		v.Add(field, "url_scheme", "must start with http:// or https://")
	case u.Hostname() == "":
		v.Add(field, "url", "must name a host, as in https://example.com/health")
	case u.Port() != "" && !validPort(u.Port()):
		v.Add(field, "url", "must have a port between 1 and 65535")
	default:
		return u
	}
	return nil
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

func checkJSONPath(v *desk.Validator, field, path string) {
	if path == "" {
		return
	}
	v.Text(field, path, false, 200, false)
	if v.Has(field) {
		return
	}
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			v.Add(field, "json_path", "must be keys and array indexes separated by dots, such as status.indicator or items.0.state")
			return
		}
	}
}

func (s *HTTPSettings) normalise() {
	if s.Method == "" {
		s.Method = "GET"
	}
	if s.FollowRedirects == nil {
		s.FollowRedirects = ptr(true)
	}
	if s.VerifyTLS == nil {
		s.VerifyTLS = ptr(true)
	}
}

func ptr[T any](v T) *T { return &v }

func (s *HTTPSettings) secrets() []string {
	out := urlSecrets(s.URL)
	for name, val := range s.Headers {
		if secretHeader(name) && val != "" {
			out = append(out, val)
			// "Bearer abc": the token alone too, should a server echo it.
			if _, tok, ok := strings.Cut(val, " "); ok && len(tok) >= 4 {
				out = append(out, tok)
			}
		}
	}
	return out
}

// transport returns the Checker's shared transport for verify_tls on or off. Every check
// dials afresh unless KeepAlives is set: the check then measures what a new visitor meets
// (DNS, connect, TLS handshake), and 10,000 monitors hold no idle connections.
func (c *Checker) transport(verify bool) *http.Transport {
	c.once.Do(func() {
		mk := func(insecure bool) *http.Transport {
			return &http.Transport{
				DialContext:            (&net.Dialer{}).DialContext,
				TLSClientConfig:        &tls.Config{RootCAs: c.RootCAs, InsecureSkipVerify: insecure}, // verify_tls false: the admin's explicit choice
				DisableKeepAlives:      !c.KeepAlives,
				MaxIdleConns:           256, // with KeepAlives: bounded, 10,000 monitors hold no 10,000 sockets
				MaxIdleConnsPerHost:    4,
				IdleConnTimeout:        90 * time.Second,
				MaxResponseHeaderBytes: 64 << 10,
			}
		}
		c.verify, c.insecure = mk(false), mk(true)
	})
	if verify {
		return c.verify
	}
	return c.insecure
}

var errTooManyRedirects = errors.New("stopped after " + strconv.Itoa(maxRedirects) + " redirects")

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func limitRedirects(_ *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errTooManyRedirects
	}
	return nil
}

// fetch sends the request of an http (or statuspage) check and reads up to the body limit
// of the answer; keep tells whether the body is wanted (else it is read and dropped).
func (c *Checker) fetch(ctx context.Context, method string, u *url.URL, headers map[string]string, body string, follow, verify, keep bool) (*http.Response, []byte, bool, time.Duration, error) {
	var rb io.Reader
	if body != "" {
		rb = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rb)
	if err != nil {
		return nil, nil, false, 0, err
	}
	req.Header.Set("User-Agent", "Meldpunt-monitor/1")
	for k, v := range headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := http.Client{Transport: c.transport(verify), CheckRedirect: limitRedirects}
	if !follow {
		client.CheckRedirect = noRedirects
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, false, time.Since(start), err
	}
	defer resp.Body.Close()
	limit := c.bodyLimit()
	var data []byte
	var n int64
	if keep {
		data, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
		n = int64(len(data))
	} else {
		n, err = io.Copy(io.Discard, io.LimitReader(resp.Body, limit+1))
	}
	elapsed := time.Since(start)
	truncated := n > limit
	if truncated && keep {
		data = data[:limit]
	}
	if err != nil {
		return resp, data, truncated, elapsed, fmt.Errorf("reading the body: %w", err)
	}
	return resp, data, truncated, elapsed, nil
}

func (s *HTTPSettings) run(ctx context.Context, c *Checker) Result {
	keep := s.Keyword != "" || s.JSONPath != ""
	resp, data, truncated, elapsed, err := c.fetch(ctx, s.Method, s.u, s.Headers, s.Body, *s.FollowRedirects, *s.VerifyTLS, keep)
	if resp == nil {
		r := failure(ctx, "", err)
		r.Duration = elapsed
		return r
	}
	r := Result{Status: Up, Duration: elapsed, Evidence: map[string]string{
		"status_code":      strconv.Itoa(resp.StatusCode),
		"response_time_ms": ms(elapsed),
	}}
	if resp.Request != nil && resp.Request.URL != nil && resp.Request.URL.String() != s.URL {
		r.Evidence["final_url"] = redactURL(resp.Request.URL.String())
	}
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		r.Evidence["cert_not_after"] = resp.TLS.PeerCertificates[0].NotAfter.UTC().Format(time.RFC3339)
	}
	if truncated {
		r.Evidence["body_truncated"] = fmt.Sprintf("only the first %d bytes were read", c.bodyLimit())
	}
	down := func(reason, format string, args ...any) Result {
		r.Status, r.Reason = Down, reason
		r.Error = clip(fmt.Sprintf(format, args...), 500)
		return r
	}
	if err != nil {
		return down(reasonOf(ctx, err), "%s", describe(ctx, "", err))
	}
	if !statusExpected(resp.StatusCode, s.ExpectStatus) {
		return down(ReasonStatus, "status %d, expected %s", resp.StatusCode, expectedText(s.ExpectStatus))
	}
	if s.Keyword != "" {
		found := bytes.Contains(data, []byte(s.Keyword))
		switch {
		case found && s.KeywordAbsent:
			return down(ReasonKeyword, "the body contains %q, which must not appear", s.Keyword)
		case !found && !s.KeywordAbsent:
			return down(ReasonKeyword, "the body does not contain %q", s.Keyword)
		}
	}
	if s.JSONPath != "" {
		got, ok, err := jsonAt(data, s.JSONPath)
		switch {
		case err != nil && truncated:
			return down(ReasonJSON, "the body is not JSON within the first %d bytes", c.bodyLimit())
		case err != nil:
			return down(ReasonJSON, "the body is not JSON: %s", clip(err.Error(), 200))
		case !ok:
			return down(ReasonJSON, "the JSON body has nothing at %s", s.JSONPath)
		case s.JSONEquals != nil && got != *s.JSONEquals:
			return down(ReasonJSON, "%s is %q, expected %q", s.JSONPath, clip(got, 200), *s.JSONEquals)
		}
		r.Evidence["json_value"] = clip(got, 200)
	}
	if limit := duration(s.DegradedAfter, 0); limit > 0 && elapsed > limit {
		r.Status, r.Reason = Degraded, ReasonSlow
		r.Error = fmt.Sprintf("response time %s, above %s", elapsed.Round(time.Millisecond), fmtDuration(limit))
	}
	return r
}

func statusExpected(code int, expect []int) bool {
	if len(expect) == 0 {
		return code >= 200 && code <= 399
	}
	return slices.Contains(expect, code)
}

func expectedText(expect []int) string {
	if len(expect) == 0 {
		return "200–399"
	}
	parts := make([]string, len(expect))
	for i, c := range expect {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, " or ")
}

// jsonAt finds the value at a dotted path in a JSON document: a string as itself, any other
// value as its JSON text. ok is false when nothing (or null) is there.
func jsonAt(data []byte, path string) (string, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return "", false, err
	}
	cur := doc
	for _, seg := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[seg]
			if !ok {
				return "", false, nil
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return "", false, nil
			}
			cur = x[i]
		default:
			return "", false, nil
		}
	}
	switch x := cur.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	default:
		b, _ := json.Marshal(x)
		return string(b), true, nil
	}
}

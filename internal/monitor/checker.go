package monitor

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

// DefaultBodyLimit is how much of an HTTP response body a check reads: the keyword, the JSON
// condition and a supplier's summary.json are judged on at most this much.
const DefaultBodyLimit = 1 << 20

// DefaultTimeout cuts a check when Run is given no timeout.
const DefaultTimeout = 10 * time.Second

// timeoutGrace is how long Run waits, past the timeout, for a check to notice its context
// before it answers without it.
const timeoutGrace = 250 * time.Millisecond

// Checker runs checks. Its zero value is ready to use (system roots, the system's resolver,
// a 1 MiB body limit); the fields serve tests and tuning. A Checker holds the HTTP transports
// its checks share, so one Checker serves every monitor, and it must not be copied after use.
type Checker struct {
	// RootCAs verifies certificate chains (http, tls, smtp, and services with tls "on");
	// nil: the system's roots.
	RootCAs *x509.CertPool
	// Resolver is the DNS server ("host:port") of dns checks whose settings name none;
	// "": the first nameserver of /etc/resolv.conf.
	Resolver string
	// BodyLimit caps the bytes of a response body read; 0: DefaultBodyLimit.
	BodyLimit int64
	// Now tells the time for certificate expiry; nil: time.Now.
	Now func() time.Time
	// KeepAlives lets HTTP checks reuse connections between checks (docs/monitors.md says
	// why the default is a fresh connection per check).
	KeepAlives bool

	once     sync.Once
	verify   *http.Transport // verify_tls true
	insecure *http.Transport // verify_tls false
}

// kindSettings is the settings of one kind: read from JSON, checked, given their defaults,
// stripped of secrets for errors, and run.
type kindSettings interface {
	// check records the violations of the settings, each field named prefix + its JSON name.
	check(v *desk.Validator, prefix string)
	// normalise fills the defaults.
	normalise()
	// secrets lists the secret values the settings hold, so no error or evidence shows them.
	secrets() []string
	// run does one check; ctx carries the timeout.
	run(ctx context.Context, c *Checker) Result
}

func newSettings(kind Kind) kindSettings {
	switch kind {
	case KindHTTP:
		return new(HTTPSettings)
	case KindTLS:
		return new(TLSSettings)
	case KindTCP:
		return new(TCPSettings)
	case KindDNS:
		return new(DNSSettings)
	case KindPing:
		return new(PingSettings)
	case KindHeartbeat:
		return new(HeartbeatSettings)
	case KindPostgres, KindMySQL:
		return &ServiceSettings{kind: kind}
	case KindRedis:
		return new(RedisSettings)
	case KindSMTP:
		return new(SMTPSettings)
	case KindStatuspage:
		return new(StatuspageSettings)
	}
	return nil
}

// Valid tells whether k is a kind of check Meldpunt knows.
func (k Kind) Valid() bool { return newSettings(k) != nil }

// Kinds lists every kind of check, in the order the docs and forms show them.
func Kinds() []Kind {
	return []Kind{KindHTTP, KindTLS, KindTCP, KindDNS, KindPing, KindHeartbeat, KindPostgres, KindMySQL, KindRedis, KindSMTP, KindStatuspage}
}

// Validate checks a monitor's settings for its kind, settings being the JSON object of that
// kind (empty means {}). Unknown keys, wrongly typed values and values that break a rule
// are refused as desk validation errors whose fields are named "<kind>.<field>"
// ("http.expect_status[0]", "http.headers.Authorization"). It returns the settings with
// their defaults filled in.
func (c *Checker) Validate(kind Kind, settings json.RawMessage) (json.RawMessage, error) {
	s := newSettings(kind)
	if s == nil {
		var v desk.Validator
		v.OneOf("kind", string(kind), true, kindNames())
		return nil, v.Err()
	}
	prefix := string(kind) + "."
	if len(strings.TrimSpace(string(settings))) == 0 || strings.TrimSpace(string(settings)) == "null" {
		settings = json.RawMessage("{}")
	}
	if err := strictjson.Decode(settings, s); err != nil {
		var se *strictjson.Error
		var syn *strictjson.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, se.Fields(func(p strictjson.Path) string {
				if len(p) == 0 {
					return string(kind)
				}
				return prefix + p.Name()
			})
		case errors.As(err, &syn):
			var v desk.Validator
			v.Add(string(kind), "json", "must be a JSON object: %s", syn.Msg)
			return nil, v.Err()
		default:
			return nil, err
		}
	}
	var v desk.Validator
	s.check(&v, prefix)
	if err := v.Err(); err != nil {
		return nil, err
	}
	s.normalise()
	out, err := marshal(s)
	if err != nil {
		return nil, fmt.Errorf("monitor: encode %s settings: %w", kind, err)
	}
	return out, nil
}

func kindNames() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, string(k))
	}
	return out
}

// Run does one check of a monitor of kind with settings, cut at timeout (DefaultTimeout when
// not positive). It never panics and returns at most a little past the timeout, whatever
// the target does; a check that did not finish is Down, saying so. Settings that do not
// validate make a Down result naming the first problem.
func (c *Checker) Run(ctx context.Context, kind Kind, settings json.RawMessage, timeout time.Duration) Result {
	start := time.Now()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	s := newSettings(kind)
	if s == nil {
		return Result{Status: Down, Reason: ReasonSettings, Error: fmt.Sprintf("unknown kind of check %q", kind), At: start}
	}
	if len(settings) > 0 && string(settings) != "null" {
		if err := json.Unmarshal(settings, s); err != nil {
			return Result{Status: Down, Reason: ReasonSettings, Error: "the monitor's settings are not valid: " + clip(err.Error(), 200), At: start}
		}
	}
	var v desk.Validator
	s.check(&v, string(kind)+".")
	if len(v.Fields) > 0 {
		f := v.Fields[0]
		return scrub(Result{Status: Down, Reason: ReasonSettings, Error: "the monitor's settings are not valid: " + f.Field + " " + f.Message, At: start}, s.secrets())
	}
	s.normalise()

	done := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Result{Status: Down, Reason: ReasonOther, Error: fmt.Sprintf("the check failed inside Meldpunt: %v", p)}
			}
		}()
		done <- s.run(ctx, c)
	}()
	var r Result
	select {
	case r = <-done:
	case <-ctx.Done():
		// The check should notice its context at once; give it a moment to say how far it
		// came, then answer without it.
		t := time.NewTimer(timeoutGrace)
		select {
		case r = <-done:
		case <-t.C:
			r = Result{Status: Down, Reason: reasonOf(ctx, ctx.Err()), Error: cutMessage(ctx, timeout)}
		}
		t.Stop()
	}
	if r.Status == "" {
		r.Status = Down
	}
	if r.Status != Up && ctx.Err() != nil && r.Error == "" {
		r.Error, r.Reason = cutMessage(ctx, timeout), reasonOf(ctx, ctx.Err())
	}
	if r.Status != Up && r.Reason == "" {
		r.Reason = ReasonOther
	}
	if r.Duration == 0 {
		r.Duration = time.Since(start)
	}
	r.At = start
	return scrub(r, s.secrets())
}

func cutMessage(ctx context.Context, timeout time.Duration) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within the timeout of %s", timeout)
	}
	return "the check was stopped"
}

// failure makes a Down result from err, in words a desk agent understands: a timeout says
// so rather than "context deadline exceeded", and the prefixes of Go's wrapping are left out.
func failure(ctx context.Context, what string, err error) Result {
	return Result{Status: Down, Reason: reasonOf(ctx, err), Error: describe(ctx, what, err)}
}

func describe(ctx context.Context, what string, err error) string {
	msg := err.Error()
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		// Whatever a library makes of a connection closed under it ("invalid connection",
		// "use of closed network connection"), the cause is the end of the check's time.
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = "no answer within the timeout"
		} else {
			msg = "the check was stopped"
		}
	case errors.As(err, &ne) && ne.Timeout():
		msg = "no answer within the timeout"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		msg = fmt.Sprintf("host %q not found", dnsErr.Name)
	}
	if what != "" {
		msg = what + ": " + msg
	}
	return clip(msg, 500)
}

// clip bounds s to n bytes, cut at a rune boundary, with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// scrub replaces every secret the settings hold in the result's error and evidence.
func scrub(r Result, secrets []string) Result {
	if len(secrets) == 0 {
		return r
	}
	clean := func(s string) string {
		for _, sec := range secrets {
			if len(sec) >= 1 && strings.Contains(s, sec) {
				s = strings.ReplaceAll(s, sec, Redacted)
			}
		}
		return s
	}
	r.Error = clean(r.Error)
	for k, v := range r.Evidence {
		r.Evidence[k] = clean(v)
	}
	return r
}

// now tells the time for certificate checks.
func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) bodyLimit() int64 {
	if c.BodyLimit > 0 {
		return c.BodyLimit
	}
	return DefaultBodyLimit
}

// deadline sets conn's deadline from ctx, so a blocking read or write ends with it.
func deadline(ctx context.Context, conn net.Conn) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
}

// dial connects over TCP, within ctx.
func dial(ctx context.Context, host string, port int) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", hostPort(host, port))
}

// countingConn counts the bytes a server sent, so a check cut at its timeout can tell "no
// answer" from "an answer in another protocol".
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// countingDial dials over TCP within ctx and counts into n what the server sends.
func countingDial(n *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, n: n}, nil
	}
}

// protocolFailure makes a Down result for a service check: when the server sent bytes but
// the check found no answer it understood before the timeout, it says the server speaks
// something else.
func protocolFailure(ctx context.Context, what string, got int64, err error) Result {
	r := failure(ctx, what, err)
	switch {
	case got > 0 && ctx.Err() != nil:
		r.Error = fmt.Sprintf("%s: the server sent %d bytes that are not a %s answer, then nothing more within the timeout", what, got, what)
		r.Reason = ReasonProtocol
	case r.Reason == ReasonOther && serverSaid(err):
		r.Reason = ReasonServer
	case r.Reason == ReasonOther && got > 0:
		r.Reason = ReasonProtocol
	}
	r.Error = strings.Replace(r.Error, what+": "+what+": ", what+": ", 1)
	return r
}

// marshal writes JSON as people read it: <, > and & as themselves, not as \u escapes.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// delivery is one request as a receiver got it.
type delivery struct {
	header http.Header
	body   []byte
}

// receiver is a webhook endpoint on a loopback port that keeps what it gets and answers
// with answer (204 when nil).
type receiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []delivery
}

func newReceiver(t *testing.T, answer http.HandlerFunc) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivery{r.Header.Clone(), body})
		rc.mu.Unlock()
		if answer == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		answer(w, r)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

// only returns the one delivery the receiver got.
func (rc *receiver) only(t *testing.T) delivery {
	t.Helper()
	got := rc.deliveries()
	if len(got) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(got))
	}
	return got[0]
}

func newTestSender(t *testing.T, opts Options) *Sender {
	t.Helper()
	if opts.Texts == nil {
		opts.Texts = testTexts
	}
	s := NewSender(opts)
	t.Cleanup(s.Close)
	return s
}

func newSecrets(t *testing.T, n int) []string {
	t.Helper()
	s := make([]string, n)
	for i := range s {
		var err error
		if s[i], err = NewSecret(); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

const testEvent = `{"type":"incident.state_changed","timestamp":"2026-03-02T09:15:00Z","data":{"incident":{"id":12,"number":"INC-000012","title":"Checkout down","state":"in_progress","url":"https://desk.example/incidents/INC-000012"},"actor":{"id":4,"name":"Anna Agent"},"from":"triaged","to":"in_progress"}}`

// verifyWith checks a delivery with the reference library, timestamp tolerance included.
func verifyWith(t *testing.T, secret string, d delivery) error {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh.Verify(d.body, d.header)
}

func TestPostStandardSigned(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"ok":true}`)
	})
	s := newTestSender(t, Options{AllowPrivate: true})
	secrets := newSecrets(t, 3) // newer, older, and one the message is not signed with
	ts := time.Now()

	res, err := s.Post(t.Context(), Request{
		URL: rc.URL + "/hooks/meldpunt", Format: FormatStandard, Secrets: secrets[:2],
		ID: "msg_123", Timestamp: ts, Body: []byte(testEvent),
	})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if res.Outcome != Delivered || res.Status != 200 || string(res.Body) != `{"ok":true}` || res.Permanent() {
		t.Errorf("result %+v", res)
	}

	d := rc.only(t)
	if string(d.body) != testEvent {
		t.Errorf("body changed on the way:\n%s", d.body)
	}
	for name, want := range map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "Meldpunt-Webhooks/1",
		"webhook-id":        "msg_123",
		"webhook-timestamp": strconv.FormatInt(ts.Unix(), 10),
	} {
		if got := d.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if sigs := strings.Fields(d.header.Get("webhook-signature")); len(sigs) != 2 {
		t.Errorf("webhook-signature %q: want two signatures", sigs)
	}

	// Rotation: a receiver that knows either secret accepts the message.
	for i, secret := range secrets[:2] {
		if err := verifyWith(t, secret, d); err != nil {
			t.Errorf("secret %d does not verify: %v", i, err)
		}
	}
	if err := verifyWith(t, secrets[2], d); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Errorf("an unrelated secret: %v, want no matching signature", err)
	}

	// Whatever an attacker changes, the verifier refuses.
	tamper := map[string]func(d *delivery){
		"body":      func(d *delivery) { d.body = bytes.Replace(d.body, []byte("in_progress"), []byte("closed"), 1) },
		"timestamp": func(d *delivery) { d.header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix()+1, 10)) },
		"id":        func(d *delivery) { d.header.Set("webhook-id", "msg_124") },
	}
	for name, change := range tamper {
		td := delivery{d.header.Clone(), bytes.Clone(d.body)}
		change(&td)
		for i, secret := range secrets[:2] {
			if err := verifyWith(t, secret, td); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
				t.Errorf("tampered %s, secret %d: %v, want no matching signature", name, i, err)
			}
		}
	}
}

func TestPostSlack(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	s := newTestSender(t, Options{AllowPrivate: true})
	secret := newSecrets(t, 1)

	tests := []struct {
		locale  string
		secrets []string
		want    string
	}{
		{"nl", nil, "INC-000012 Checkout down: Beoordeeld → In behandeling (Anna Agent)\nhttps://desk.example/incidents/INC-000012"},
		{"en", secret, "INC-000012 Checkout down: Triaged → In progress (Anna Agent)\nhttps://desk.example/incidents/INC-000012"},
	}
	for i, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			res, err := s.Post(t.Context(), Request{
				URL: rc.URL, Format: FormatSlack, Secrets: tt.secrets, ID: "msg_7",
				Timestamp: time.Now(), Body: []byte(testEvent), Locale: tt.locale,
			})
			if err != nil || res.Outcome != Delivered || string(res.Body) != "ok" {
				t.Fatalf("Post: %+v, %v", res, err)
			}
			d := rc.deliveries()[i]
			var msg map[string]any
			if err := json.Unmarshal(d.body, &msg); err != nil {
				t.Fatalf("body %s: %v", d.body, err)
			}
			if len(msg) != 1 || msg["text"] != tt.want {
				t.Errorf("body %s, want only text %q", d.body, tt.want)
			}
			if ct := d.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			sig := d.header.Get("webhook-signature")
			if tt.secrets == nil && sig != "" {
				t.Errorf("unsigned message has webhook-signature %q", sig)
			}
			if tt.secrets != nil {
				if err := verifyWith(t, tt.secrets[0], d); err != nil {
					t.Errorf("signed slack message does not verify: %v", err)
				}
			}
		})
	}
}

func TestPostStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		retryAfter string
		outcome    Outcome
		wantWait   time.Duration
		wantErr    string
	}{
		{200, "", Delivered, 0, ""},
		{202, "", Delivered, 0, ""},
		{204, "", Delivered, 0, ""},
		{400, "", Retry, 0, "400 Bad Request"},
		{401, "", Retry, 0, "401 Unauthorized"},
		{404, "", Retry, 0, "404 Not Found"},
		{410, "", Gone, 0, "410 Gone: it wants no more messages"},
		{413, "", Retry, 0, "413"},
		{429, "120", Retry, 2 * time.Minute, "429 Too Many Requests"},
		{429, "999999999", Retry, 24 * time.Hour, "429"},
		{500, "", Retry, 0, "500 Internal Server Error"},
		{502, "", Retry, 0, "502 Bad Gateway"},
		{503, "soon", Retry, 0, "503 Service Unavailable"},
		{504, "", Retry, 0, "504 Gateway Timeout"},
		{599, "", Retry, 0, "599"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, "answer "+strconv.Itoa(tt.status))
			})
			s := newTestSender(t, Options{AllowPrivate: true})
			res, err := s.Post(t.Context(), Request{
				URL: rc.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
			})
			if res.Outcome != tt.outcome || res.Status != tt.status || res.RetryAfter != tt.wantWait {
				t.Errorf("result %+v, want outcome %s, wait %s", res, tt.outcome, tt.wantWait)
			}
			wantBody := "answer " + strconv.Itoa(tt.status)
			if tt.status == http.StatusNoContent {
				wantBody = "" // no body allowed
			}
			if string(res.Body) != wantBody {
				t.Errorf("body %q", res.Body)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if res.Permanent() != (tt.outcome == Gone) {
				t.Errorf("Permanent() = %v", res.Permanent())
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"30", 30 * time.Second},
		{"86401", 24 * time.Hour},
		{"Mon, 02 Mar 2026 09:05:00 GMT", 5 * time.Minute},
		{"Mon, 02 Mar 2026 08:00:00 GMT", 0},
		{"Tue, 10 Mar 2026 09:00:00 GMT", 24 * time.Hour},
		{"later", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.v, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestPostDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { followed.Add(1) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	s := newTestSender(t, Options{AllowPrivate: true})
	res, err := s.Post(t.Context(), Request{
		URL: srv.URL + "/old", Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
	})
	if res.Outcome != Retry || res.Status != 308 || res.Location != "/new" {
		t.Errorf("result %+v", res)
	}
	if err == nil || !strings.Contains(err.Error(), "redirects are not followed") || !strings.Contains(err.Error(), `"/new"`) {
		t.Errorf("error %v", err)
	}
	if followed.Load() != 0 {
		t.Errorf("the redirect was followed")
	}
}

func TestPostReadsOnlyTheStartOfTheAnswer(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 10<<20)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		w.Write(big) // fails once the sender hangs up
	})
	for _, max := range []int{0, 100} {
		s := newTestSender(t, Options{AllowPrivate: true, MaxResponse: max})
		res, err := s.Post(t.Context(), Request{
			URL: rc.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
		})
		want := max
		if max == 0 {
			want = DefaultMaxResponse
		}
		if err != nil || res.Outcome != Delivered || len(res.Body) != want {
			t.Errorf("MaxResponse %d: %d bytes kept, %v", max, len(res.Body), err)
		}
	}
}

// hangingServer is a receiver that reads the request and then waits until the client
// gives up (or the test ends), after writing the status line and headers when early is set.
func hangingServer(t *testing.T, early bool) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only once the body is read does the server watch the connection, and cancel
		// r.Context() when the client hangs up.
		io.Copy(io.Discard, r.Body)
		if early {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "accepted, still working")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: Close waits for the handler
	return srv
}

func TestPostTimeout(t *testing.T) {
	t.Parallel()
	srv := hangingServer(t, false)
	s := newTestSender(t, Options{AllowPrivate: true, Timeout: 100 * time.Millisecond})
	res, err := s.Post(t.Context(), Request{
		URL: srv.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
	})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "within 100ms") {
		t.Errorf("error %v, want the timeout", err)
	}
	if res.Outcome != Retry || res.Status != 0 {
		t.Errorf("result %+v", res)
	}
}

// A receiver that answers 2xx and then stalls has taken the message: the status counts.
func TestPostTimeoutAfterStatus(t *testing.T) {
	t.Parallel()
	srv := hangingServer(t, true)
	// The timeout only has to outlast the status line, which comes at once; it is long
	// enough for a machine busy with other tests to answer before it runs out.
	s := newTestSender(t, Options{AllowPrivate: true, Timeout: 3 * time.Second})
	res, err := s.Post(t.Context(), Request{
		URL: srv.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
	})
	if err != nil || res.Outcome != Delivered || res.Status != 200 || string(res.Body) != "accepted, still working" {
		t.Errorf("result %+v, %v", res, err)
	}
}

func TestPostCancelled(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	s := newTestSender(t, Options{AllowPrivate: true})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := s.Post(ctx, Request{
		URL: rc.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
	})
	if !errors.Is(err, context.Canceled) || res.Outcome != Retry {
		t.Errorf("result %+v, %v; want a retry after cancellation", res, err)
	}
}

// Without AllowPrivate nothing on this machine or the internal network is reached: literal
// addresses are refused before dialling, names when the address they resolve to is dialled.
func TestPostGuard(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	port := rc.Listener.Addr().(*net.TCPAddr).Port
	p := strconv.Itoa(port)
	s := newTestSender(t, Options{}) // AllowPrivate off

	tests := []struct {
		name string
		url  string
		addr string // the refused address, when the error names one
	}{
		{"127.0.0.1", rc.URL, "127.0.0.1"},
		{"::1", "http://[::1]:" + p + "/", "::1"},
		{"IPv4-mapped", "http://[::ffff:127.0.0.1]:" + p + "/", "::ffff:127.0.0.1"},
		{"10.x", "http://10.20.30.40/hook", "10.20.30.40"},
		{"metadata", "http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
		{"unspecified", "http://0.0.0.0:" + p + "/", "0.0.0.0"},
		// A name is resolved first; the dialler refuses the loopback address it gets.
		{"localhost resolved", "http://localhost:" + p + "/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.Post(t.Context(), Request{
				URL: tt.url, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
			})
			var ae *AddressError
			if !errors.As(err, &ae) || !errors.Is(err, ErrRefused) {
				t.Fatalf("error %v, want an *AddressError", err)
			}
			if tt.addr != "" && ae.Addr != netip.MustParseAddr(tt.addr) {
				t.Errorf("refused %s, want %s", ae.Addr, tt.addr)
			}
			if tt.addr == "" && !ae.Addr.IsLoopback() && !ae.Addr.Unmap().IsLoopback() {
				t.Errorf("refused %s, want a loopback address", ae.Addr)
			}
			if res.Outcome != Invalid || !res.Permanent() {
				t.Errorf("outcome %s, want invalid", res.Outcome)
			}
		})
	}
	if n := len(rc.deliveries()); n != 0 {
		t.Errorf("the receiver got %d requests", n)
	}
}

// An HTTP proxy from the environment would dial for us, out of the guard's sight.
func TestSenderIgnoresProxyEnvironment(t *testing.T) {
	t.Parallel()
	s := newTestSender(t, Options{})
	if s.transport.Proxy != nil {
		t.Error("the transport uses a proxy")
	}
}

func TestPostInvalidRequest(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	good := Request{URL: rc.URL, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`)}
	tests := []struct {
		name   string
		change func(r *Request)
		noText bool
		want   string
	}{
		{"URL", func(r *Request) { r.URL = "ftp://" + strings.TrimPrefix(rc.URL, "http://") }, false, "scheme"},
		{"no secret", func(r *Request) { r.Secrets = nil }, false, "needs a secret"},
		{"bad secret", func(r *Request) { r.Secrets = []string{"whsec_short"} }, false, "invalid webhook secret"},
		{"id", func(r *Request) { r.ID = "msg.1" }, false, "message id"},
		{"body", func(r *Request) { r.Body = []byte(`{"type":`) }, false, "not valid JSON"},
		{"format", func(r *Request) { r.Format = "teams" }, false, `unknown format "teams"`},
		{"slack without texts", func(r *Request) { r.Format = FormatSlack; r.Body = []byte(testEvent) }, true, "needs texts"},
		{"slack not an event", func(r *Request) { r.Format = FormatSlack; r.Body = []byte(`[1]`) }, false, "not an event"},
		{"slack without type", func(r *Request) { r.Format = FormatSlack; r.Body = []byte(`{"data":{}}`) }, false, "no type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSender(t, Options{AllowPrivate: true})
			if tt.noText {
				s = NewSender(Options{AllowPrivate: true})
			}
			req := good
			tt.change(&req)
			res, err := s.Post(t.Context(), req)
			if res.Outcome != Invalid || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("result %+v, %v; want invalid, %q", res, err, tt.want)
			}
		})
	}
	if n := len(rc.deliveries()); n != 0 {
		t.Errorf("the receiver got %d requests", n)
	}
}

// A receiver that is down is tried again later; the error does not show the URL's path,
// which is a secret for many receivers.
func TestPostConnectionRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/T000/B000/secret-token"
	srv.Close()
	s := newTestSender(t, Options{AllowPrivate: true})
	res, err := s.Post(t.Context(), Request{
		URL: url, Format: FormatStandard, Secrets: newSecrets(t, 1), ID: "msg_1", Body: []byte(`{}`),
	})
	if err == nil || res.Outcome != Retry || res.Status != 0 {
		t.Fatalf("result %+v, %v; want a retry", res, err)
	}
	if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), srv.URL+"/…") {
		t.Errorf("error %q", err)
	}
}

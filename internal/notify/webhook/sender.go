package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// UserAgent identifies Meldpunt's webhook requests, so receivers can recognise and route them.
const UserAgent = "Meldpunt-Webhooks/1"

// Defaults of the Options.
const (
	// DefaultTimeout bounds one attempt, from dialling to the last byte of the response
	// read. Standard Webhooks recommends 15 to 30 seconds.
	DefaultTimeout = 15 * time.Second
	// DefaultMaxResponse is how much of a response body is read and kept: enough to show
	// the receiver's error message on the outbox page, never a download.
	DefaultMaxResponse = 4 << 10
)

// maxRetryAfter caps the wait a receiver can ask for with Retry-After.
const maxRetryAfter = 24 * time.Hour

// Format is how a message is shaped for its receiver.
type Format string

const (
	// FormatStandard sends the event JSON as given, signed (Standard Webhooks).
	FormatStandard Format = "standard"
	// FormatSlack sends {"text": "..."} for Slack, Mattermost and Rocket.Chat incoming
	// webhooks.
	FormatSlack Format = "slack"
)

// Request is one attempt to deliver one message.
type Request struct {
	URL    string
	Format Format
	// Secrets sign the message, newest first; during a rotation the new and the previous
	// one. FormatStandard needs at least one; FormatSlack is signed only when given some.
	Secrets []string
	// ID is the message's id (webhook-id), the same for every attempt, so the receiver can
	// drop duplicates: e.g. "msg_123". See ValidateID.
	ID string
	// Timestamp is the time of this attempt (webhook-timestamp), not of the event: the
	// receiver refuses old ones against replays. Zero means now.
	Timestamp time.Time
	// Body is the event JSON (type, timestamp, data); FormatStandard sends it byte for byte.
	Body []byte
	// Locale is "nl" or "en": the language of the FormatSlack text, passed to Texts.
	Locale string
}

// Outcome classifies an attempt for the outbox.
type Outcome string

const (
	// Delivered: the receiver answered 2xx.
	Delivered Outcome = "delivered"
	// Retry: not delivered this time; try again later (any other status, a redirect, a
	// network error, a timeout). Result.RetryAfter may say how long to wait at least.
	Retry Outcome = "retry"
	// Invalid: this message cannot be sent as it is, however often it is tried: the URL,
	// a secret, the id or the body is not valid, or the target address is refused by the
	// guard. Someone must change the endpoint first.
	Invalid Outcome = "invalid"
	// Gone: the receiver answered 410 Gone, which Standard Webhooks defines as "stop
	// sending": disable the endpoint.
	Gone Outcome = "gone"
)

// Result is what one attempt did.
type Result struct {
	Outcome Outcome
	// Status is the HTTP status code of the answer; 0 when there was none.
	Status int
	// Duration is the time from sending the request to the end of reading the answer.
	Duration time.Duration
	// Body holds the first bytes of the response body, at most Options.MaxResponse. It is
	// the receiver's text: show it escaped.
	Body []byte
	// Location is the Location header of a 3xx answer, which is not followed.
	Location string
	// RetryAfter is the wait asked for with Retry-After (seconds or an HTTP date) on a
	// failed attempt, at most 24 hours; 0 when none.
	RetryAfter time.Duration
}

// Permanent tells whether trying this message again, unchanged, cannot help.
func (r Result) Permanent() bool { return r.Outcome == Invalid || r.Outcome == Gone }

// Options configure a Sender. The zero value is usable for FormatStandard.
type Options struct {
	// Timeout bounds each attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxResponse is how many bytes of a response body are read; 0 means
	// DefaultMaxResponse.
	MaxResponse int
	// AllowPrivate lets webhooks reach loopback, private and other non-public addresses.
	// Only for installations whose receivers are on the internal network, and for tests.
	AllowPrivate bool
	// Texts gives the words of FormatSlack messages; without it those are Invalid.
	Texts Texts
	// Location is the time zone of times in FormatSlack texts; nil means UTC.
	Location *time.Location
}

// Sender delivers webhooks. It is safe for concurrent use, and keeps connections open
// between attempts; Close releases them.
type Sender struct {
	opts      Options
	transport *http.Transport
	client    *http.Client
}

// NewSender returns a Sender with the given options.
func NewSender(opts Options) *Sender {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxResponse <= 0 {
		opts.MaxResponse = DefaultMaxResponse
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	tr := &http.Transport{
		// No Proxy: a proxy from the environment would connect on our behalf, to any
		// address, and the guard below would only ever see the proxy's.
		Proxy:                  nil,
		DialContext:            guardedDialer(opts.AllowPrivate).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		// Read the body as sent, so MaxResponse bounds what comes over the wire.
		DisableCompression: true,
	}
	return &Sender{
		opts:      opts,
		transport: tr,
		client: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// Close closes the connections kept open for later attempts.
func (s *Sender) Close() { s.transport.CloseIdleConnections() }

// Post makes one attempt to deliver req. The error is nil exactly when the Outcome is
// Delivered; otherwise it says in a sentence what went wrong, for the outbox's last
// error, and the Result says what is known (the status, the first bytes of the answer,
// Location, Retry-After) and whether to try again.
func (s *Sender) Post(ctx context.Context, req Request) (Result, error) {
	body, header, err := s.prepare(req)
	if err != nil {
		return Result{Outcome: Invalid}, err
	}

	actx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, req.URL, bytes.NewReader(body))
	if err != nil {
		return Result{Outcome: Invalid}, fmt.Errorf("webhook: %w", err)
	}
	hreq.Header = header

	start := time.Now()
	resp, err := s.client.Do(hreq)
	if err != nil {
		res := Result{Outcome: Retry, Duration: time.Since(start)}
		return res, s.transportError(ctx, actx, hreq, err, &res)
	}
	// An error while reading the answer (a timeout, a reset) leaves what was read: the
	// status decides, and it has arrived.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, int64(s.opts.MaxResponse)))
	resp.Body.Close()
	res := Result{Status: resp.StatusCode, Duration: time.Since(start), Body: b}
	return res, classify(resp, &res)
}

// prepare checks req and returns the body to send and the request headers.
func (s *Sender) prepare(req Request) ([]byte, http.Header, error) {
	if err := checkURL(req.URL, s.opts.AllowPrivate, false); err != nil {
		return nil, nil, err
	}
	if err := ValidateID(req.ID); err != nil {
		return nil, nil, err
	}
	var body []byte
	switch req.Format {
	case FormatStandard:
		if len(req.Secrets) == 0 {
			return nil, nil, fmt.Errorf("%w: a standard webhook needs a secret to sign with", ErrInvalidSecret)
		}
		if !json.Valid(req.Body) {
			return nil, nil, errors.New("webhook: the message body is not valid JSON")
		}
		body = req.Body
	case FormatSlack:
		if s.opts.Texts == nil {
			return nil, nil, errors.New("webhook: the slack format needs texts, and the sender has none")
		}
		text, err := RenderSlack(req.Body, req.Locale, s.opts.Texts, s.opts.Location)
		if err != nil {
			return nil, nil, err
		}
		body, err = slackJSON(text)
		if err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("webhook: unknown format %q (want %q or %q)", req.Format, FormatStandard, FormatSlack)
	}

	ts := req.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	// Header names exactly as Standard Webhooks spells them (HTTP/1.1 names are
	// case-insensitive; HTTP/2 lower-cases them anyway), so no canonicalising Set.
	h := http.Header{
		"Content-Type":  {"application/json"},
		"User-Agent":    {UserAgent},
		HeaderID:        {req.ID},
		HeaderTimestamp: {strconv.FormatInt(ts.Unix(), 10)},
	}
	if len(req.Secrets) > 0 {
		sig, err := SignatureHeader(req.Secrets, req.ID, ts, body)
		if err != nil {
			return nil, nil, err
		}
		h[HeaderSignature] = []string{sig}
	}
	return body, h, nil
}

// transportError explains an attempt that got no answer, and marks a refused target Invalid.
// It never quotes the whole URL, whose path may be a secret (Slack's is).
func (s *Sender) transportError(ctx, actx context.Context, req *http.Request, err error, res *Result) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, ErrRefused):
		res.Outcome = Invalid
		var ae *AddressError
		if errors.As(err, &ae) {
			return ae
		}
		return fmt.Errorf("webhook: %w", err)
	case ctx.Err() != nil:
		return fmt.Errorf("webhook: attempt abandoned: %w", context.Cause(ctx))
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("webhook: no answer from %s within %s: %w", shownURL(req.URL), s.opts.Timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("webhook: POST to %s: %w", shownURL(req.URL), err)
}

// classify sets the outcome of an attempt that got an answer and returns its error.
func classify(resp *http.Response, res *Result) error {
	code := resp.StatusCode
	status := strconv.Itoa(code) + " " + http.StatusText(code)
	switch {
	case code >= 200 && code <= 299:
		res.Outcome = Delivered
		return nil
	case code >= 300 && code <= 399:
		res.Outcome = Retry
		res.Location = resp.Header.Get("Location")
		if res.Location == "" {
			return fmt.Errorf("webhook: the receiver answered %s; redirects are not followed", status)
		}
		return fmt.Errorf("webhook: the receiver answered %s to %q; redirects are not followed: register the new URL instead", status, cut(res.Location, 200))
	case code == http.StatusGone:
		res.Outcome = Gone
		return fmt.Errorf("webhook: the receiver answered %s: it wants no more messages; disable this endpoint", status)
	}
	res.Outcome = Retry
	res.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	return fmt.Errorf("webhook: the receiver answered %s", status)
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date. It returns 0 when v is
// empty, unreadable or in the past, and at most maxRetryAfter.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, maxRetryAfter))
}

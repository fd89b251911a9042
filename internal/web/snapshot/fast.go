package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The listener's fast path (docs/status-page.md "Caching"): during an outage nearly every
// request is a GET of /status or an /api/v2 document that a fresh snapshot answers, and
// net/http's work per request (a Request and its maps, a context, a goroutine that watches
// the connection while the handler runs, a buffered writer) then costs more than the answer.
// Listen wraps the server's listener: each connection starts here, and as long as its
// requests are plain HTTP/1.1 GETs or HEADs that Front would answer from a snapshot, they
// are answered here with one write each, the same bytes Front would send. At the first
// request that is anything else, the connection, with every byte read so far, is handed to
// the http.Server, which serves it from then on as if it had accepted it itself.
//
// The fast path only answers what it fully understands: the request line "GET /path
// HTTP/1.1" (or HEAD) with a path that is a snapshot's route exactly (no query, no escapes),
// header fields that are well formed, exactly one Host, and no body, Expect, Upgrade,
// Transfer-Encoding, Content-Length or Connection other than keep-alive. Everything else
// goes to net/http, which answers it, errors included, as it always did.

// ListenOptions are the http.Server's limits, which the fast path keeps too.
type ListenOptions struct {
	// Handler is the http.Server's handler. With it, a request for a snapshot's route whose
	// snapshot is stale (after a change) is answered through it on the fast path, and the
	// connection stays; without it, such a request hands the connection to net/http.
	Handler http.Handler
	// IdleTimeout is how long a connection may wait for its next request (http.Server's
	// IdleTimeout); ReadHeaderTimeout how long the rest of a request's head may take once
	// it began; WriteTimeout how long an answer may take to write. 0 means none.
	IdleTimeout, ReadHeaderTimeout, WriteTimeout time.Duration
}

// maxFastHead is the longest request head the fast path reads; a longer one goes to
// net/http (whose MaxHeaderBytes is larger), with what was read.
const maxFastHead = 8 << 10

// Listener is a net.Listener whose Accept returns only the connections the fast path handed
// over. Close stops accepting, closes the connections waiting for a request, and lets those
// being answered finish their answer first.
type Listener struct {
	ln     net.Listener
	c      *Cache
	o      ListenOptions
	handed chan net.Conn
	errs   chan error
	done   chan struct{}
	once   sync.Once

	mu    sync.Mutex
	conns map[*fastConn]struct{}
	wg    sync.WaitGroup
}

// Listen starts accepting on ln; serve the returned Listener with the http.Server whose
// handler holds c's Front. A nil cache still works: every connection is handed over.
func (c *Cache) Listen(ln net.Listener, o ListenOptions) *Listener {
	l := &Listener{ln: ln, c: c, o: o, handed: make(chan net.Conn), errs: make(chan error),
		done: make(chan struct{}), conns: map[*fastConn]struct{}{}}
	l.wg.Add(1)
	go l.acceptLoop()
	return l
}

// Accept returns the next connection handed over to net/http, or the error of the
// listener below (after Close: net.ErrClosed).
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case conn := <-l.handed:
		return conn, nil
	case err := <-l.errs:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes every connection of the fast path that waits for a
// request; one being answered is closed after its answer. It does not wait: Wait does.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.ln.Close()
		l.mu.Lock()
		for fc := range l.conns {
			fc.closeIfIdle()
		}
		l.mu.Unlock()
	})
	return err
}

// Wait returns when the accept loop and every connection still on the fast path are done.
func (l *Listener) Wait() { l.wg.Wait() }

// Addr is the address of the listener below.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

func (l *Listener) closed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// acceptLoop accepts connections and gives each its fast path. An error of the listener
// goes to Accept: the errs channel has no buffer, so after a temporary error (too many open
// files) the loop waits for the http.Server's next Accept, which comes after its back-off.
func (l *Listener) acceptLoop() {
	defer l.wg.Done()
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			select {
			case l.errs <- err:
			case <-l.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		fc := &fastConn{Conn: conn, l: l}
		l.mu.Lock()
		if l.closed() {
			l.mu.Unlock()
			_ = conn.Close()
			continue
		}
		l.conns[fc] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go fc.serve()
	}
}

// The states of a connection on the fast path. It is idle while it waits for (the rest of)
// a request's head: closing it then loses nothing that was acknowledged.
const (
	connIdle int32 = iota
	connAnswering
	connClosed
)

// fastConn is one connection while the fast path serves it.
type fastConn struct {
	net.Conn
	l     *Listener
	state atomic.Int32

	buf      []byte // bytes read and not yet used: the start of the next request(s)
	out      []byte // the answer being written (head; small bodies too)
	req      http.Request
	url      url.URL
	header   http.Header
	values   map[string]string // the last value of each header field, reused while equal
	readTill time.Time         // the read deadline set last (set again only when it moves a second)
}

// closeIfIdle closes the connection when it waits for a request; one being answered sees
// the listener closed after its answer and closes itself.
func (fc *fastConn) closeIfIdle() {
	if fc.state.CompareAndSwap(connIdle, connClosed) {
		_ = fc.Conn.Close()
	}
}

func (fc *fastConn) leave() {
	fc.l.mu.Lock()
	delete(fc.l.conns, fc)
	fc.l.mu.Unlock()
	fc.l.wg.Done()
}

// serve answers the connection's requests from snapshots until one is not for the fast
// path; then it hands the connection over, or closes it (end of stream, a timeout, Close).
func (fc *fastConn) serve() {
	defer fc.leave()
	fc.buf = make([]byte, 0, 4<<10)
	fc.header = http.Header{}
	fc.values = map[string]string{}
	fc.req.Header = fc.header
	fc.req.URL = &fc.url
	fc.req.Proto, fc.req.ProtoMajor, fc.req.ProtoMinor = "HTTP/1.1", 1, 1
	for {
		end, ok := fc.readHead()
		if !ok {
			fc.close()
			return
		}
		if !fc.state.CompareAndSwap(connIdle, connAnswering) {
			return // closed by Close while the head arrived: nothing was acknowledged
		}
		if end < 0 || !fc.answer(fc.buf[:end]) { // too long for the fast path, or not for it
			fc.handOver()
			return
		}
		fc.buf = fc.buf[:copy(fc.buf, fc.buf[end+4:])]
		if !fc.state.CompareAndSwap(connAnswering, connIdle) {
			return // the answer could not be written: closed
		}
		if fc.l.closed() {
			fc.closeIfIdle()
			return
		}
	}
}

func (fc *fastConn) close() {
	if fc.state.Swap(connClosed) != connClosed {
		_ = fc.Conn.Close()
	}
}

// readHead reads until the buffer holds a whole request head and returns where it ends
// (the index of its blank line's CRLF CRLF), -1 when the head is longer than the fast path
// reads, or false when the connection ended, timed out or was closed.
func (fc *fastConn) readHead() (int, bool) {
	waiting := len(fc.buf) == 0
	for {
		if i := bytes.Index(fc.buf, crlf2); i >= 0 {
			return i, true
		}
		if len(fc.buf) >= maxFastHead {
			return -1, true
		}
		timeout := fc.l.o.ReadHeaderTimeout
		if waiting {
			timeout = fc.l.o.IdleTimeout
		}
		fc.setReadDeadline(timeout)
		if len(fc.buf) == cap(fc.buf) {
			fc.buf = append(fc.buf, 0)[:len(fc.buf)]
		}
		n, err := fc.Conn.Read(fc.buf[len(fc.buf):min(cap(fc.buf), maxFastHead)])
		fc.buf = fc.buf[:len(fc.buf)+n]
		if n > 0 {
			waiting = false
		}
		if err != nil {
			return 0, false
		}
	}
}

// setReadDeadline sets the read deadline to now + d, but only when that moves it by more
// than a second: setting it costs a timer change, a request every few microseconds need not.
func (fc *fastConn) setReadDeadline(d time.Duration) {
	if d <= 0 {
		if !fc.readTill.IsZero() {
			fc.readTill = time.Time{}
			_ = fc.Conn.SetReadDeadline(time.Time{})
		}
		return
	}
	t := time.Now().Add(d)
	if fc.readTill.IsZero() || t.Sub(fc.readTill).Abs() > time.Second {
		fc.readTill = t
		_ = fc.Conn.SetReadDeadline(t)
	}
}

var crlf2 = []byte("\r\n\r\n")

// answer writes the snapshot's answer to the request whose head is h (without its blank
// line), and reports false, having written nothing, when the request is not for the fast path.
func (fc *fastConn) answer(h []byte) bool {
	method, target, ok := fc.parse(h)
	if !ok {
		return false
	}
	c := fc.l.c
	eligible := c.eligibleFunc()
	if eligible == nil {
		return false
	}
	// The path is a route's only if the map holds it; looked up before it is made a string.
	c.mu.RLock()
	_, route := c.routes[string(target)]
	c.mu.RUnlock()
	if !route {
		return false
	}
	fc.req.Method = method
	fc.url.Path = fc.intern(":path", target)
	fc.req.RequestURI = fc.url.Path
	fc.req.Host = fc.header.Get("Host")
	e, shared := c.lookup(&fc.req, eligible)
	if e == nil {
		// A change made the snapshot stale (or it is a variant not built yet): the server's
		// handler answers, building it, and the connection stays here; handed over, it would
		// go to net/http at every change until every connection had gone there.
		return shared && fc.l.o.Handler != nil && fc.through(h)
	}
	rp, notModified := e.pick(fc.header.Get("Accept-Encoding"), fc.header.Get("If-None-Match"))
	head, body := rp.raw, rp.body
	if notModified {
		head, body = rp.rawNotModified, nil
	}
	if method == http.MethodHead {
		body = nil
	}
	out := append(fc.out[:0], head...)
	out = append(out, "Date: "...)
	out = append(out, httpDate()...)
	out = append(out, "\r\n\r\n"...)
	if d := fc.l.o.WriteTimeout; d > 0 {
		_ = fc.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	var err error
	if len(body) <= 16<<10 {
		out = append(out, body...)
		_, err = fc.Conn.Write(out)
	} else {
		bufs := net.Buffers{out, body}
		_, err = bufs.WriteTo(fc.Conn)
	}
	fc.out = out[:0]
	if err != nil {
		fc.close()
		fc.l.c.log.Debug("status page fast path: write", "err", err)
	}
	return true
}

// through answers the request whose head is h with the server's handler (ListenOptions.
// Handler, the whole middleware chain), as net/http would call it, recording the answer and
// writing it whole. Only requests for a snapshot's route come here: their answers are pages
// and documents of bounded size, rendered at once. It reports false, having written
// nothing, when net/http should have the request after all.
func (fc *fastConn) through(h []byte) bool {
	r, err := http.ReadRequest(bufio.NewReader(io.MultiReader(bytes.NewReader(h), bytes.NewReader(crlf2))))
	if err != nil || r.ContentLength != 0 || r.Close {
		return false
	}
	r.RemoteAddr = fc.Conn.RemoteAddr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, fc.Conn.LocalAddr())
	r = r.WithContext(ctx)
	rec := &answerRecorder{header: http.Header{}}
	if !serveRecovered(fc.l.o.Handler, rec, r, fc.l.c.log) {
		fc.close() // as net/http does after a panic: the answer may be half made
		return true
	}
	out := rec.serialise(fc.out[:0], r.Method == http.MethodHead)
	if d := fc.l.o.WriteTimeout; d > 0 {
		_ = fc.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	if _, err := fc.Conn.Write(out); err != nil {
		fc.close()
	}
	if cap(out) <= 64<<10 {
		fc.out = out[:0]
	}
	if strings.EqualFold(rec.header.Get("Connection"), "close") {
		fc.close()
	}
	return true
}

// serveRecovered runs h, and reports false when it panicked (logged, as net/http logs it).
func serveRecovered(h http.Handler, w http.ResponseWriter, r *http.Request, log *slog.Logger) (ok bool) {
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			log.Error("status page fast path: the handler panicked", "path", r.URL.Path, "panic", v)
			ok = false
		} else if v != nil {
			ok = false
		}
	}()
	h.ServeHTTP(w, r)
	return true
}

// answerRecorder is the ResponseWriter of a request the fast path answers through the handler.
type answerRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) Header() http.Header { return a.header }

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 && code >= 200 {
		a.status = code
	}
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}

// serialise appends the answer as net/http writes a whole one: the status line, the headers
// sorted, Content-Type sniffed and Content-Length counted when the handler set none, Date,
// and the body (none for HEAD, 204 and 304).
func (a *answerRecorder) serialise(out []byte, head bool) []byte {
	st := a.status
	if st == 0 {
		st = http.StatusOK
	}
	h := a.header
	bodyAllowed := st != http.StatusNoContent && st != http.StatusNotModified
	if bodyAllowed && !head {
		if _, ok := h["Content-Type"]; !ok && a.body.Len() > 0 && h.Get("Content-Encoding") == "" {
			h.Set("Content-Type", http.DetectContentType(a.body.Bytes()))
		}
		if _, ok := h["Content-Length"]; !ok {
			h.Set("Content-Length", strconv.Itoa(a.body.Len()))
		}
	}
	if !bodyAllowed {
		h.Del("Content-Length")
	}
	h.Del("Date")
	h.Del("Transfer-Encoding")
	out = append(out, rawHead("HTTP/1.1 "+strconv.Itoa(st)+" "+http.StatusText(st)+"\r\n", h)...)
	out = append(out, "Date: "...)
	out = append(out, httpDate()...)
	out = append(out, "\r\n\r\n"...)
	if bodyAllowed && !head {
		out = append(out, a.body.Bytes()...)
	}
	return out
}

var crlf = []byte("\r\n")

// parse reads a request head (without its blank line) into fc.header, and reports false
// when the fast path leaves it to net/http.
func (fc *fastConn) parse(h []byte) (method string, target []byte, ok bool) {
	line, rest, _ := bytes.Cut(h, crlf)
	if method, target, ok = requestLine(line); !ok || !fc.parseHeader(rest) {
		return "", nil, false
	}
	return method, target, true
}

// requestLine splits "GET /status HTTP/1.1" and accepts only GET or HEAD of an origin-form
// path without query, escapes or fragment, in HTTP/1.1.
func requestLine(line []byte) (method string, target []byte, ok bool) {
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		method, line = http.MethodGet, line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		method, line = http.MethodHead, line[5:]
	default:
		return "", nil, false
	}
	target, proto, found := bytes.Cut(line, []byte(" "))
	if !found || string(proto) != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return "", nil, false
	}
	for _, b := range target {
		if !pathByte[b] {
			return "", nil, false
		}
	}
	return method, target, true
}

// pathByte marks the bytes a path may hold on the fast path: unreserved, sub-delims, ':',
// '@' and '/' (RFC 3986), but no '%' (an escape is decoded by net/http), '?' or '#'.
var pathByte = func() (t [256]bool) {
	for _, b := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/") {
		t[b] = true
	}
	return t
}()

// parseHeader fills fc.header from the head's field lines and reports false for anything
// the fast path leaves to net/http: a malformed line, a folded line, a body, a second Host
// or none, Expect, Upgrade, or a Connection other than keep-alive.
func (fc *fastConn) parseHeader(h []byte) bool {
	clear(fc.header)
	hosts := 0
	for len(h) > 0 {
		var line []byte
		line, h, _ = bytes.Cut(h, crlf)
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found || len(name) == 0 {
			return false
		}
		for _, b := range name {
			if !tokenByte[b] {
				return false // also a folded line, which starts with a space
			}
		}
		value = bytes.Trim(value, " \t")
		for _, b := range value {
			if b < ' ' && b != '\t' || b == 0x7f {
				return false
			}
		}
		key := fc.intern(":name", name)
		if !isCanonical(key) {
			key = textproto.CanonicalMIMEHeaderKey(key)
		}
		switch key {
		case "Host":
			hosts++
			if !validHost(value) {
				return false
			}
		case "Content-Length", "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer":
			return false
		case "Connection":
			if !strings.EqualFold(string(value), "keep-alive") {
				return false
			}
		}
		fc.header[key] = append(fc.header[key], fc.intern(key, value))
	}
	return hosts == 1
}

// intern returns b as a string, the same string as last time for the same kind when the
// bytes are equal: a browser sends the same header fields with every request.
func (fc *fastConn) intern(kind string, b []byte) string {
	k := kind
	if kind == ":name" {
		if s, ok := commonNames[string(b)]; ok {
			return s
		}
		k = ":name:" + string(b)
		if len(fc.values) > 64 {
			clear(fc.values)
		}
	}
	if s, ok := fc.values[k]; ok && s == string(b) {
		return s
	}
	s := string(b)
	if len(fc.values) > 64 {
		clear(fc.values)
	}
	fc.values[k] = s
	return s
}

// commonNames are the header field names browsers and clients send, canonical, found
// without making a string.
var commonNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
		"Cookie", "If-None-Match", "If-Modified-Since", "Connection", "Cache-Control", "Pragma",
		"Referer", "Upgrade-Insecure-Requests", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site",
		"Sec-Fetch-User", "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Dnt", "Priority",
		"X-Forwarded-For", "X-Forwarded-Proto", "X-Real-Ip", "Authorization", "Content-Length"} {
		m[n] = n
		m[strings.ToLower(n)] = n
	}
	return m
}()

// isCanonical tells whether textproto.CanonicalMIMEHeaderKey would return s unchanged.
func isCanonical(s string) bool {
	upper := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		if upper && 'a' <= b && b <= 'z' || !upper && 'A' <= b && b <= 'Z' {
			return false
		}
		upper = b == '-'
	}
	return true
}

// tokenByte marks the bytes of a field name (RFC 9110 §5.6.2 tchar).
var tokenByte = func() (t [256]bool) {
	for _, b := range []byte("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[b] = true
	}
	return t
}()

// validHost accepts a host[:port] of the bytes a host name, an IPv4 or a bracketed IPv6
// address holds; anything stranger goes to net/http, which refuses or accepts it itself.
func validHost(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, b := range v {
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '-' || b == ':' || b == '[' || b == ']') {
			return false
		}
	}
	return true
}

// handOver gives the connection, with what was read and not answered, to the http.Server,
// or closes it when the listener is closed. The connection's state is connAnswering, so
// Close leaves it alone.
func (fc *fastConn) handOver() {
	if !fc.readTill.IsZero() {
		_ = fc.Conn.SetReadDeadline(time.Time{}) // net/http sets its own
	}
	_ = fc.Conn.SetWriteDeadline(time.Time{})
	var conn net.Conn = fc.Conn
	if len(fc.buf) > 0 {
		conn = &replayConn{Conn: fc.Conn, pending: fc.buf}
	}
	fc.l.mu.Lock()
	delete(fc.l.conns, fc) // from now on net/http's: Close must not close it as idle
	fc.l.mu.Unlock()
	select {
	case fc.l.handed <- conn:
	case <-fc.l.done:
		_ = fc.Conn.Close()
	}
}

// replayConn reads the bytes the fast path read before it reads the connection.
type replayConn struct {
	net.Conn
	pending []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// eligibleFunc is what Front was given, or nil before the handler was made.
func (c *Cache) eligibleFunc() func(*http.Request) bool {
	if c == nil {
		return nil
	}
	if p := c.eligible.Load(); p != nil {
		return *p
	}
	return nil
}

// httpDate is the Date header's value for now, formatted once a second.
func httpDate() string {
	now := time.Now()
	sec := now.Unix()
	if d := cachedDate.Load(); d != nil && d.sec == sec {
		return d.text
	}
	d := &dateText{sec: sec, text: now.UTC().Format(http.TimeFormat)}
	cachedDate.Store(d)
	return d.text
}

type dateText struct {
	sec  int64
	text string
}

var cachedDate atomic.Pointer[dateText]

// rawHead writes a status line and header fields as net/http would: sorted by name, each
// value on its own line, line breaks in values replaced by spaces.
func rawHead(status string, h http.Header) []byte {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := []byte(status)
	for _, k := range keys {
		for _, v := range h[k] {
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, headerNewlines.Replace(strings.TrimSpace(v))...)
			b = append(b, "\r\n"...)
		}
	}
	return b
}

var headerNewlines = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

package snapshot

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"testing"
)

// FuzzFastHead holds the fast path to net/http: a request head the fast path accepts is one
// http.ReadRequest reads too, with the same method, path (and no query) and header fields.
// The fast path may refuse more than net/http (it then hands the connection over), never
// accept what net/http would read otherwise.
func FuzzFastHead(f *testing.F) {
	for _, s := range []string{
		"GET /status HTTP/1.1\r\nHost: example.nl\r\nAccept-Encoding: gzip, br\r\n",
		"HEAD /api/v2/summary.json HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nif-none-match: \"x\"\r\n",
		"GET /status HTTP/1.1\r\nHost: a\r\nCookie: lang=en\r\nAccept-Language: en-GB,en;q=0.9\r\nConnection: keep-alive\r\n",
		"GET /status HTTP/1.1\r\nHost: a\r\nX-Odd:  spaced value \t\r\nx-lower-case: v\r\n",
		"GET /status HTTP/1.1\r\nHost: a\r\n folded\r\n",
		"GET /status?lang=en HTTP/1.1\r\nHost: a\r\n",
		"GET /st%61tus HTTP/1.1\r\nHost: a\r\n",
		"GET /status HTTP/1.0\r\nHost: a\r\n",
		"GET /status HTTP/1.1\r\nHost: a\r\nHost: b\r\n",
		"GET /status HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n",
		"GET /status HTTP/1.1\r\nHost : a\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		fc := &fastConn{header: http.Header{}, values: map[string]string{}}
		method, target, ok := fc.parse(head)
		if !ok {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(append(append([]byte(nil), head...), "\r\n\r\n"...))))
		if err != nil {
			t.Fatalf("the fast path accepts %q, net/http does not: %v", head, err)
		}
		if r.Method != method || r.URL.Path != string(target) || r.URL.RawQuery != "" || r.URL.Host != "" || r.ProtoMinor != 1 {
			t.Fatalf("%q: fast %s %s, net/http %s %s ?%s host %q HTTP/1.%d", head, method, target, r.Method, r.URL.Path, r.URL.RawQuery, r.URL.Host, r.ProtoMinor)
		}
		if r.Host != fc.header.Get("Host") {
			t.Fatalf("%q: Host fast %q, net/http %q", head, fc.header.Get("Host"), r.Host)
		}
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 || r.Close {
			t.Fatalf("%q: net/http reads a body or a close (%d %v %v)", head, r.ContentLength, r.TransferEncoding, r.Close)
		}
		for k, v := range fc.header {
			if k == "Host" {
				continue
			}
			if got := r.Header[textproto.CanonicalMIMEHeaderKey(k)]; !equal(got, v) {
				t.Fatalf("%q: %s fast %q, net/http %q", head, k, v, got)
			}
		}
		for k := range r.Header {
			if _, ok := fc.header[k]; !ok {
				t.Fatalf("%q: net/http reads %s, the fast path does not", head, k)
			}
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// replyFuzzOutbox is an Outbox with a fixed signing key and no store: reply addresses need
// nothing else.
func replyFuzzOutbox() *Outbox {
	s := New(nil, time.Now, nil, Config{BaseURL: "https://desk.example.com"})
	s.core.key.key = bytes.Repeat([]byte{0x5a}, 32)
	return s.Outbox
}

// FuzzReplyAddress: a reply address made for a notification parses back to its id, also in
// upper case (mail systems may fold it); one changed character makes it refused; and any
// address that parses is exactly the one made for its id, so none can be forged. Issue 10;
// the seeds are in testdata/fuzz/FuzzReplyAddress/.
func FuzzReplyAddress(f *testing.F) {
	o := replyFuzzOutbox()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id int64, at uint, addr string) {
		if id > 0 {
			made, err := o.ReplyAddress(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []string{made, strings.ToUpper(made), " " + made + " "} {
				if got, ok, err := o.parseReplyAddress(ctx, a); err != nil || !ok || got != id {
					t.Errorf("%q: %d %v %v, want %d", a, got, ok, err, id)
				}
			}
			b := []byte(made)
			i := int(at % uint(len(b)))
			if b[i] == 'a' {
				b[i] = 'b'
			} else {
				b[i] = 'a'
			}
			if !strings.EqualFold(string(b), made) {
				if got, ok, _ := o.parseReplyAddress(ctx, string(b)); ok {
					t.Errorf("tampered %q accepted as %d (made %q)", b, got, made)
				}
			}
		}
		got, ok, err := o.parseReplyAddress(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		made, err := o.ReplyAddress(ctx, got)
		if err != nil || strings.ToLower(strings.TrimSpace(addr)) != made {
			t.Errorf("%q accepted as %d, whose address is %q", addr, got, made)
		}
	})
}

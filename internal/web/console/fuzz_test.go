package console

// Fuzz targets for what the pages read from outside: posted forms (URL-encoded and
// multipart, cut by the body limit), the queue's query and cursor, and the numbers and
// dates of the assignment form (docs/testing.md). Their seeds run with every test run;
// scripts/fuzz fuzzes them.

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// FuzzReadForm: any body under any limit is read into a form, or refused as a malformed
// form; the fields the limit cut off are named as too large; no text field over maxField
// and no file over desk.MaxAttachment is kept; a value with a NUL never passes the desk's
// text checks.
func FuzzReadForm(f *testing.F) {
	const mp = "multipart/form-data; boundary=B"
	for _, s := range []struct {
		body, ct string
		limit    int64
	}{
		{"csrf=abc&title=Hello+world&n=1", "application/x-www-form-urlencoded", 1 << 20},
		{"csrf=abc&title=" + strings.Repeat("x", 40), "application/x-www-form-urlencoded", 20},
		{"a=%zz&b=%00&c&=d&&;e=1", "application/x-www-form-urlencoded", 100},
		{"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHi\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nabc\r\n--B--\r\n", mp, 1 << 20},
		{"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + strings.Repeat("y", 50) + "\r\n--B--\r\n", mp, 60},
		{"--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\n\r\n\r\n--B--\r\n", mp, 1 << 20},
		{"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B\r\nbroken", mp, 1 << 20},
		{"--B--", "multipart/form-data", 100},
		{"{}", "application/json", 100},
		{"title=a%00b&email=x%00%40example.com&slug=a%00", "application/x-www-form-urlencoded", 1 << 19},
		{"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\x00y\r\n--B--\r\n", mp, 1 << 19},
	} {
		f.Add([]byte(s.body), s.ct, s.limit)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, limit int64) {
		limit = max(limit%(1<<20), 0)
		r := posting(string(body), contentType, limit)
		r, err := readForm(r)
		if err != nil {
			var e *desk.Error
			if !errors.As(err, &e) || e.Code != desk.EMALFORMED {
				t.Fatalf("readForm: %T %v, want EMALFORMED", err, err)
			}
			return
		}
		if got := r.Form.Get("q"); got != "1" && len(r.PostForm["q"]) == 0 {
			t.Fatalf("the query's q is %q", got)
		}
		for k, vs := range r.PostForm {
			for _, v := range vs {
				if len(v) > maxField {
					t.Fatalf("field %q kept %d bytes", k, len(v))
				}
				checkNULRefused(t, k, v)
			}
		}
		p := r.Context().Value(postedKey{}).(*posted)
		for name, fs := range p.files {
			for _, fl := range fs {
				if len(fl.Data) > desk.MaxAttachment {
					t.Fatalf("file %q of %q kept %d bytes", fl.Name, name, len(fl.Data))
				}
			}
		}
		if err := formCut(r); err != nil {
			var e *desk.Error
			if !errors.As(err, &e) || e.Code != desk.ETOOLARGE || len(e.Fields) == 0 {
				t.Fatalf("formCut: %v", err)
			}
		}
	})
}

// checkNULRefused fails if the form value v holds a NUL and yet passes the desk's text
// checks, as a text field of any kind (one line or several, required or not), an email
// address or a slug: no NUL reaches a database from a form.
func checkNULRefused(t *testing.T, field, v string) {
	t.Helper()
	if !strings.ContainsRune(v, 0) {
		return
	}
	for _, multiline := range []bool{false, true} {
		for _, required := range []bool{false, true} {
			var val desk.Validator
			val.Text(field, v, required, utf8.RuneCountInString(v)+1, multiline)
			if val.Err() == nil {
				t.Fatalf("%q = %q holds a NUL, yet passes as text (multiline %v, required %v)", field, v, multiline, required)
			}
		}
	}
	var val desk.Validator
	val.Email("email", v)
	val.Slug("slug", v)
	if !val.Has("email") || !val.Has("slug") {
		t.Fatalf("%q = %q holds a NUL, yet passes as an email address or slug: %+v", field, v, val.Fields)
	}
}

// FuzzReadFormValid: a form as a browser sends it, URL-encoded or multipart, reads back as
// the values it was made of, and a NUL in a value never passes the desk's text checks.
func FuzzReadFormValid(f *testing.F) {
	f.Add("title", "Printer on fire", "body", "line one\r\nline two", false)
	f.Add("title", "ä&b=c%", "x y", "", true)
	f.Add("csrf", "\x00", "a", "--B\r\n", true)
	f.Add("title", "a\x00b", "body", "line\r\n\x00", false)
	f.Add("email", "a\x00@example.com", "slug", "ab\x00", true)
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, multi bool) {
		if k1 == "" || k2 == "" || k1 == k2 || k1 == "q" || k2 == "q" {
			return
		}
		var body, ct string
		if multi {
			if strings.ContainsAny(k1+k2, "\"\\") || strings.ContainsFunc(k1+k2, unicode.IsControl) || !utf8.ValidString(k1+k2) {
				return // names a header cannot carry as they are
			}
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField(k1, v1)
			mw.WriteField(k2, v2)
			mw.Close()
			body, ct = b.String(), mw.FormDataContentType()
		} else {
			body, ct = url.Values{k1: {v1}, k2: {v2}}.Encode(), "application/x-www-form-urlencoded"
		}
		r, err := readForm(posting(body, ct, 1<<20))
		if err != nil {
			t.Fatalf("a well-formed form was refused: %v", err)
		}
		if got := r.PostForm[k1]; len(got) != 1 || got[0] != v1 {
			t.Fatalf("%q = %q, want %q", k1, got, v1)
		}
		if got := r.PostForm[k2]; len(got) != 1 || got[0] != v2 {
			t.Fatalf("%q = %q, want %q", k2, got, v2)
		}
		checkNULRefused(t, k1, r.PostForm.Get(k1))
		checkNULRefused(t, k2, r.PostForm.Get(k2))
		if formCut(r) != nil {
			t.Fatalf("nothing was cut, yet: %v", formCut(r))
		}
	})
}

// FuzzQueueQuery: the queue reads any query without panicking and keeps only values it
// knows; a cursor it made reads back as the instant and id it was made of.
func FuzzQueueQuery(f *testing.F) {
	for _, s := range []string{"org=1&priority=P2&state=new&kind=urgent&after=1767225600000_42", "after=_", "after=-1_1",
		"after=253402300799000_1", "after=253402300800000_1", "after=1_0", "org=-1&owner=%00&priority=P9", "after=+1_+1", "state=closed"} {
		f.Add(s, int64(1767225600123), int64(42))
	}
	f.Fuzz(func(t *testing.T, raw string, ms, id int64) {
		q, _ := url.ParseQuery(raw)
		filter, d := queueFilter(q)
		if filter.OrgID < 0 || filter.OwnerID < 0 || filter.AssigneeID < 0 || filter.SupplierID < 0 || filter.DueAfterID < 0 {
			t.Fatalf("negative ids in %+v", filter)
		}
		if filter.Priority != 0 && !filter.Priority.Valid() {
			t.Fatalf("priority %d", filter.Priority)
		}
		for _, s := range filter.States {
			if !s.Open() {
				t.Fatalf("the queue lists %s", s)
			}
		}
		if d.Org != "" && d.Org != strconv.FormatInt(filter.OrgID, 10) && filter.OrgID <= 0 {
			t.Fatalf("org shown %q for %d", d.Org, filter.OrgID)
		}
		if ms < 0 || ms > desk.Never.UnixMilli() || id <= 0 {
			return
		}
		due, gotID, ok := parseQueueCursor(strconv.FormatInt(ms, 10) + "_" + strconv.FormatInt(id, 10))
		if !ok || gotID != id || due.UnixMilli() != ms {
			t.Fatalf("cursor %d_%d read as %v %d %v", ms, id, due, gotID, ok)
		}
	})
}

// FuzzAssignmentForm: the assignment form's numbers and date are read or named as wrong,
// never taken for something else: a number read is the one sent, a date read is the one
// typed, in the desk's zone.
func FuzzAssignmentForm(f *testing.F) {
	f.Add("12", "", "3", "2026-03-02T09:30", "")
	f.Add("-1", "+5", "x", "2026-02-30T09:30", "2026-03-02T09:30")
	f.Add(" 7 ", "99999999999999999999", "0", "", "2026-03-02T09:30")
	f.Add("", "", "", "2026-03-29T02:30", "")
	f.Add("", "", "", "05-03-2027 09:30", "")
	f.Add("", "", "", "2027-03-05  09:30", "05-03-2027 09:30")
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, owner, assignee, supplier, followUp, was string) {
		form := url.Values{"owner_id": {owner}, "assignee_id": {assignee}, "supplier_id": {supplier},
			"follow_up_at": {followUp}, "follow_up_was": {was}}
		as, bad := assignmentFrom(form, zone)
		for _, fe := range bad {
			if fe.Field == "" || fe.Rule == "" {
				t.Fatalf("a field error without field or rule: %+v", fe)
			}
		}
		for _, c := range []struct {
			got  *int64
			sent string
		}{{as.OwnerID, owner}, {as.AssigneeID, assignee}, {as.SupplierID, supplier}} {
			if c.got == nil {
				continue
			}
			if n, err := strconv.ParseInt(strings.TrimSpace(c.sent), 10, 64); err != nil || n != *c.got || n < 0 {
				t.Fatalf("%q read as %d", c.sent, *c.got)
			}
		}
		if as.FollowUpAt != nil && *as.FollowUpAt != "" {
			at, err := time.Parse(time.RFC3339, *as.FollowUpAt)
			if err != nil {
				t.Fatalf("follow-up %q written as %q: %v", followUp, *as.FollowUpAt, err)
			}
			// Read as typed in one of the ways the form accepts (the page's formats, ISO
			// 8601 with or without seconds, RFC 3339), spaces collapsed.
			norm := strings.Join(strings.Fields(followUp), " ")
			typed, err := time.Parse(time.RFC3339, norm)
			for _, l := range followUpLayouts {
				if err == nil {
					break
				}
				typed, err = time.ParseInLocation(l, norm, zone)
			}
			// Before 1938 Amsterdam's offset had seconds, which RFC 3339 drops; the app
			// refuses a follow-up that does not lie ahead anyway.
			if err != nil || typed.Year() >= 1938 && !typed.Equal(at) {
				t.Fatalf("follow-up %q read as %v", followUp, at)
			}
		}
	})
}

package strictjson

import (
	"encoding"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner below reads a document byte by byte, beside the Go type it fills, and tells
// only whether it is clean: one JSON value that the walker would find no problem in. It
// allocates nothing on the way for a typical body (keys are compared as bytes against a
// cached table per type, strings and numbers are checked where they stand), so the common
// case costs little more than encoding/json's own decoding. A document that is not clean is
// walked again by the walker, token by token, which names each problem; so the scanner may
// refuse more than it must, never less (FuzzScanAgrees holds the two to each other).

// typeInfo is what the scanner needs to know of a Go type, computed once per type.
type typeInfo struct {
	t       reflect.Type // after pointers; nil: any value (interface, json.Unmarshaler)
	kind    reflect.Kind
	text    bool                    // an encoding.TextUnmarshaler, read from a string
	bytes   bool                    // a []byte, read from a base64 string
	fields  map[string]reflect.Type // a struct's fields by JSON name
	elem    reflect.Type            // a slice's, array's or map's elements
	keyText *typeInfo               // a map's keys, when they are TextUnmarshalers
	texts   *sync.Pool              // values to try UnmarshalText on, when text
}

var infoCache sync.Map // reflect.Type → *typeInfo

var anyInfo = &typeInfo{}

func infoOf(t reflect.Type) *typeInfo {
	if t == nil {
		return anyInfo
	}
	if ti, ok := infoCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	orig := t
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	ti := anyInfo
	if !reflect.PointerTo(t).Implements(jsonUnmarshaler) && t.Kind() != reflect.Interface {
		ti = &typeInfo{t: t, kind: t.Kind(), text: isText(t), bytes: isBytes(t)}
		switch {
		case ti.text:
			ti.texts = &sync.Pool{New: func() any { return reflect.New(t).Interface() }}
		case ti.kind == reflect.Struct:
			ti.fields = fieldsOf(t)
		case ti.kind == reflect.Map:
			ti.elem = t.Elem()
			if isText(t.Key()) {
				ti.keyText = infoOf(t.Key())
			}
		case ti.kind == reflect.Slice || ti.kind == reflect.Array:
			ti.elem = t.Elem()
		}
	}
	infoCache.Store(orig, ti)
	return ti
}

// unmarshalText tells whether the type reads s without an error.
func (ti *typeInfo) unmarshalText(s []byte) bool {
	u := ti.texts.Get() // a pointer to a value of the type
	reflect.ValueOf(u).Elem().SetZero()
	err := u.(encoding.TextUnmarshaler).UnmarshalText(s)
	ti.texts.Put(u)
	return err == nil
}

// span is where a key's text is: in the document, or (escaped there) in scanner.buf.
type span struct {
	from, to int
	inBuf    bool
}

// scanner reads a document; each method returns false as soon as the document is not clean.
type scanner struct {
	b    []byte
	i    int
	keys []span // the keys of the objects being read, innermost last
	buf  []byte // the unescaped text of keys and text values with escapes
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// clean tells whether b is one JSON value of type t (not null) that the walker finds no
// problem in.
func clean(b []byte, t reflect.Type) bool {
	s := scanners.Get().(*scanner)
	s.b, s.i, s.keys, s.buf = b, 0, s.keys[:0], s.buf[:0]
	s.space()
	ok := s.i < len(b) && b[s.i] != 'n' && s.value(infoOf(t), 0)
	if ok {
		s.space()
		ok = s.i == len(b)
	}
	s.b = nil
	if cap(s.buf) <= 64<<10 && cap(s.keys) <= 4<<10 {
		scanners.Put(s)
	}
	return ok
}

// maxDepth is as deep as the scanner goes; deeper documents are left to the walker.
const maxDepth = 1000

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads one value of the type ti describes, at s.i (not at white space).
func (s *scanner) value(ti *typeInfo, depth int) bool {
	if s.i >= len(s.b) || depth > maxDepth {
		return false
	}
	switch c := s.b[s.i]; c {
	case '{':
		switch {
		case ti.t == nil:
			return s.object(anyInfo, depth)
		case (ti.kind == reflect.Struct || ti.kind == reflect.Map) && !ti.text:
			return s.object(ti, depth)
		}
		return false
	case '[':
		switch {
		case ti.t == nil:
			return s.array(anyInfo, depth)
		case (ti.kind == reflect.Slice || ti.kind == reflect.Array) && !ti.text && !ti.bytes:
			return s.array(infoOf(ti.elem), depth)
		}
		return false
	case '"':
		from, to, esc, ok := s.str()
		if !ok {
			return false
		}
		switch {
		case ti.t == nil, ti.kind == reflect.String && !ti.text, ti.bytes && !ti.text:
			return true
		case ti.text:
			mark := len(s.buf)
			text := s.text(from, to, esc)
			ok = ti.unmarshalText(text)
			s.buf = s.buf[:mark]
			return ok
		}
		return false
	case 't':
		return s.literal("true") && (ti.t == nil || ti.kind == reflect.Bool)
	case 'f':
		return s.literal("false") && (ti.t == nil || ti.kind == reflect.Bool)
	case 'n':
		return s.literal("null")
	default:
		from, integer, ok := s.number()
		if !ok {
			return false
		}
		return ti.t == nil || !ti.text && fits(ti, s.b[from:s.i], integer)
	}
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// object reads an object at s.i: the fields of a struct, a map's entries or anything.
func (s *scanner) object(ti *typeInfo, depth int) bool {
	s.i++ // {
	start, mark := len(s.keys), len(s.buf)
	ok := s.members(ti, start, depth)
	s.keys, s.buf = s.keys[:start], s.buf[:mark]
	return ok
}

// members reads an object's members after its '{', up to its '}'; the object's keys are
// s.keys[start:].
func (s *scanner) members(ti *typeInfo, start, depth int) bool {
	var seen map[string]struct{} // for large objects; small ones compare with s.keys
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return false
		}
		from, to, esc, ok := s.str()
		if !ok {
			return false
		}
		k := span{from: from, to: to}
		if esc {
			at := len(s.buf)
			s.text(from, to, true)
			k = span{from: at, to: len(s.buf), inBuf: true}
		}
		key := s.key(k)
		if seen != nil {
			if _, dup := seen[string(key)]; dup {
				return false
			}
			seen[string(key)] = struct{}{}
		} else {
			for _, o := range s.keys[start:] {
				if string(s.key(o)) == string(key) {
					return false
				}
			}
			s.keys = append(s.keys, k)
			if len(s.keys)-start > 16 {
				seen = make(map[string]struct{}, 64)
				for _, o := range s.keys[start:] {
					seen[string(s.key(o))] = struct{}{}
				}
			}
		}
		vt := anyInfo
		switch {
		case ti.fields != nil:
			t, known := ti.fields[string(key)]
			if !known {
				return false
			}
			vt = infoOf(t)
		case ti.t != nil:
			if ti.keyText != nil && !ti.keyText.unmarshalText(key) {
				return false
			}
			vt = infoOf(ti.elem)
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.space()
		if !s.value(vt, depth+1) {
			return false
		}
		if done, ok := s.after('}'); !ok || done {
			return ok
		}
	}
}

// after reads what follows a member or an element: the closing byte (done) or a comma and
// the space after it; ok is false for anything else.
func (s *scanner) after(closing byte) (done, ok bool) {
	s.space()
	if s.i >= len(s.b) {
		return false, false
	}
	switch s.b[s.i] {
	case closing:
		s.i++
		return true, true
	case ',':
		s.i++
		s.space()
		return false, true
	}
	return false, false
}

func (s *scanner) key(k span) []byte {
	if k.inBuf {
		return s.buf[k.from:k.to]
	}
	return s.b[k.from:k.to]
}

// array reads an array at s.i, each element of type elem.
func (s *scanner) array(elem *typeInfo, depth int) bool {
	s.i++ // [
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return true
	}
	for {
		if !s.value(elem, depth+1) {
			return false
		}
		if done, ok := s.after(']'); !ok || done {
			return ok
		}
	}
}

// str reads a string at s.i (at its '"') and checks its text as the walker does: UTF-8
// without escaped halves of surrogate pairs, and no control characters but tab, line feed
// and carriage return. It returns where the text between the quotes is and whether it holds
// escapes.
func (s *scanner) str() (from, to int, esc, ok bool) {
	b := s.b
	i := s.i + 1
	from = i
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return from, i, esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return
			}
			switch b[i+1] {
			case '"', '\\', '/', 'n', 'r', 't':
				i += 2
			case 'u':
				r, hex := hexRune(b, i+2)
				if !hex {
					return
				}
				i += 6
				switch {
				case r >= 0xD800 && r <= 0xDBFF:
					if i+1 >= len(b) || b[i] != '\\' || b[i+1] != 'u' {
						return
					}
					r2, hex := hexRune(b, i+2)
					if !hex || r2 < 0xDC00 || r2 > 0xDFFF {
						return
					}
					i += 6
				case r >= 0xDC00 && r <= 0xDFFF, isControl(r):
					return
				}
			default: // \b and \f are control characters; anything else is no JSON
				return
			}
		case c < 0x20 || c == 0x7f:
			return
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 || isControl(r) {
				return
			}
			i += n
		}
	}
	return
}

// isControl tells the control characters that text must not hold: C0 but tab, line feed
// and carriage return, DEL and C1.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f
}

// text returns the text of the string at b[from:to], which str checked: the document's
// bytes, or if it holds escapes their reading, appended to s.buf.
func (s *scanner) text(from, to int, esc bool) []byte {
	if !esc {
		return s.b[from:to]
	}
	at := len(s.buf)
	b := s.b[:to]
	for i := from; i < to; {
		c := b[i]
		if c != '\\' {
			s.buf = append(s.buf, c)
			i++
			continue
		}
		switch b[i+1] {
		case 'n':
			s.buf = append(s.buf, '\n')
		case 'r':
			s.buf = append(s.buf, '\r')
		case 't':
			s.buf = append(s.buf, '\t')
		case 'u':
			r, _ := hexRune(b, i+2)
			if r >= 0xD800 && r <= 0xDBFF {
				r2, _ := hexRune(b, i+8)
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
			s.buf = utf8.AppendRune(s.buf, r)
			i += 6
			continue
		default: // " \ /
			s.buf = append(s.buf, b[i+1])
		}
		i += 2
	}
	return s.buf[at:]
}

// hexRune reads four hex digits at b[i:].
func hexRune(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number at s.i as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// It returns where it began and whether it is written as an integer.
func (s *scanner) number() (from int, integer, ok bool) {
	b := s.b
	from = s.i
	i := from
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() bool {
		n := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		return from, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		i++
		integer = false
		if !digits() {
			return from, false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		integer = false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return from, false, false
		}
	}
	s.i = i
	return from, integer, true
}

// fits tells whether the number n (valid JSON) fits the type, as number does.
func fits(ti *typeInfo, n []byte, integer bool) bool {
	switch ti.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !integer {
			return false
		}
		neg := n[0] == '-'
		if neg {
			n = n[1:]
		}
		u, ok := digitsValue(n)
		limit := uint64(1) << (ti.t.Bits() - 1)
		return ok && (u < limit || neg && u == limit)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if !integer || n[0] == '-' || ti.kind == reflect.Uintptr {
			return false
		}
		u, ok := digitsValue(n)
		return ok && (ti.t.Bits() == 64 || u < uint64(1)<<ti.t.Bits())
	case reflect.Float32, reflect.Float64:
		_, err := strconv.ParseFloat(string(n), ti.t.Bits())
		return err == nil
	}
	return false
}

// digitsValue reads decimal digits, or tells that they are more than a uint64 holds.
func digitsValue(n []byte) (uint64, bool) {
	var u uint64
	for _, c := range n {
		d := uint64(c - '0')
		if u > (1<<64-1-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}

package desk

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"
)

func TestPageSettingsValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		s           PageSettings
		field, rule string
		msg         string
	}{
		{"all defaults", PageSettings{}, "", "", ""},
		{"everything set", PageSettings{Title: "Status", AccentColour: "#1A5FB4", Phone: "+31 20 123 4567", ReportURL: "https://desk.example.nl/report",
			FooterText: "Privacy", FooterURL: "https://example.nl/privacy", TimeZone: "America/New_York", HistoryDays: 90}, "", "", ""},
		{"a local report link", PageSettings{ReportURL: "/report"}, "", "", ""},
		{"a light accent colour", PageSettings{AccentColour: "#ffcc00"}, "accent_colour", "contrast", "1.5"},
		{"just under 4.5:1", PageSettings{AccentColour: "#777777"}, "accent_colour", "contrast", "4.47:1"},
		{"not a colour", PageSettings{AccentColour: "red"}, "accent_colour", "colour", "#rrggbb"},
		{"an unknown zone", PageSettings{TimeZone: "Mars/Olympus"}, "time_zone", "time_zone", "IANA"},
		{"the local zone", PageSettings{TimeZone: "Local"}, "time_zone", "time_zone", "IANA"},
		{"too many days", PageSettings{HistoryDays: 91}, "history_days", "range", "1 and 90"},
		{"negative days", PageSettings{HistoryDays: -1}, "history_days", "range", ""},
		{"a javascript footer link", PageSettings{FooterText: "x", FooterURL: "javascript:alert(1)"}, "footer_url", "scheme", "https://"},
		{"a footer link without text", PageSettings{FooterURL: "https://example.nl"}, "footer_text", "required", ""},
		{"a protocol-relative report link", PageSettings{ReportURL: "//evil.example/report"}, "report_url", "scheme", ""},
		{"letters in the phone", PageSettings{Phone: "call us"}, "phone", "phone", ""},
		{"a long title", PageSettings{Title: strings.Repeat("x", 101)}, "title", "max_length", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.s.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || len(e.Fields) == 0 {
				t.Fatalf("err %v, want %s/%s", err, c.field, c.rule)
			}
			f := e.Fields[0]
			if f.Field != c.field || f.Rule != c.rule || !strings.Contains(f.Message, c.msg) {
				t.Errorf("got %s/%s %q, want %s/%s containing %q", f.Field, f.Rule, f.Message, c.field, c.rule, c.msg)
			}
		})
	}
}

func TestPageSettingsResolve(t *testing.T) {
	t.Parallel()
	s := PageSettings{}.Resolve("", "https://desk.example.nl/")
	if s.Title != "Meldpunt" || s.TimeZone != "Europe/Amsterdam" || s.HistoryDays != 14 || s.ReportURL != "https://desk.example.nl/report" {
		t.Errorf("defaults: %+v", s)
	}
	if s := (PageSettings{}).Resolve("X-Guard", ""); s.Title != "X-Guard" {
		t.Errorf("title %q, want the provider's name", s.Title)
	}
	if a := (PageSettings{AccentColour: "#FFCC00"}).Accent(); a != "" {
		t.Errorf("a light colour is used: %q", a)
	}
	if a := (PageSettings{AccentColour: "#1A5FB4"}).Accent(); a != "#1a5fb4" {
		t.Errorf("accent %q", a)
	}
	if c := ContrastWithWhite("#000000"); c < 20.99 || c > 21.01 {
		t.Errorf("black on white %v, want 21", c)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A lossless WebP header of 40×20 (VP8L: 14-bit width-1 and height-1).
func webpOf(w, h int) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f")
	n := uint32(w-1) | uint32(h-1)<<14
	b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	return append(b, make([]byte, 16)...)
}

func TestNewLogo(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name, rule, ct string
		data           []byte
	}{
		{"a PNG", "", "image/png", pngOf(t, 200, 60)},
		{"a WebP", "", "image/webp", webpOf(40, 20)},
		{"a JPEG header without an image", "image", "", []byte("\xff\xd8\xff\xe0garbage")},
		{"SVG", "image_type", "", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"garbage", "image_type", "", []byte("hello, world")},
		{"empty", "required", "", nil},
		{"too large", "max_size", "", append(pngOf(t, 20, 20), make([]byte, MaxLogo)...)},
		{"too small", "dimensions", "", pngOf(t, 8, 8)},
		{"too wide", "dimensions", "", pngOf(t, 3000, 20)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l, err := NewLogo(c.data, at)
			if c.rule == "" {
				if err != nil || l.ContentType != c.ct || len(l.ETag) != 64 {
					t.Fatalf("logo %+v, err %v", l, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Fields[0].Field != "logo" || e.Fields[0].Rule != c.rule {
				t.Fatalf("err %v, want logo/%s", err, c.rule)
			}
		})
	}
	if l, _ := NewLogo(webpOf(40, 20), at); l.Width != 40 || l.Height != 20 {
		t.Errorf("webp %dx%d, want 40x20", l.Width, l.Height)
	}
}

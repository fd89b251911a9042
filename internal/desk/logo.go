package desk

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	_ "image/jpeg" // the decoders DecodeConfig reads dimensions with
	_ "image/png"
	"time"
)

// Logo is the status page's logo: PNG, JPEG or WebP, told by its content (never by a name
// or a header), at most MaxLogo bytes and MaxLogoSide pixels a side. SVG is refused: it can
// carry script.
type Logo struct {
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int    `json:"size"`
	// ETag is the content's SHA-256 (hex): the logo's address changes with it.
	ETag      string    `json:"etag"`
	UpdatedAt time.Time `json:"updated_at"`
	Data      []byte    `json:"-"`
}

// The logo's limits.
const (
	MaxLogo     = 256 << 10
	MaxLogoSide = 2048
	MinLogoSide = 16
)

// NewLogo checks an uploaded image and describes it; errors name the field "logo".
func NewLogo(data []byte, at time.Time) (Logo, error) {
	bad := func(rule, format string, args ...any) (Logo, error) {
		var v Validator
		v.Add("logo", rule, format, args...)
		return Logo{}, v.Err()
	}
	if len(data) == 0 {
		return bad("required", "send an image file")
	}
	if len(data) > MaxLogo {
		return bad("max_size", "must be at most %d KiB (it has more)", MaxLogo>>10)
	}
	var ct string
	var w, h int
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		ct = "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		ct = "image/jpeg"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		ct = "image/webp"
	default:
		return bad("image_type", "must be a PNG, JPEG or WebP image (SVG is not accepted: it can carry script)")
	}
	if ct == "image/webp" {
		var ok bool
		if w, h, ok = webpSize(data); !ok {
			return bad("image", "is not a readable WebP image")
		}
	} else {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return bad("image", "is not a readable image")
		}
		w, h = cfg.Width, cfg.Height
	}
	if w < MinLogoSide || h < MinLogoSide || w > MaxLogoSide || h > MaxLogoSide {
		return bad("dimensions", "must be between %d and %d pixels wide and high (it is %d×%d)", MinLogoSide, MaxLogoSide, w, h)
	}
	if ct != "image/webp" {
		// The whole image must decode, not only its header: a browser shows nothing of a
		// truncated file. The size is bounded by now (MaxLogoSide a side).
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			return bad("image", "is not a readable image (%s)", ct)
		}
	}
	sum := sha256.Sum256(data)
	return Logo{ContentType: ct, Width: w, Height: h, Size: len(data), ETag: hex.EncodeToString(sum[:]), UpdatedAt: at, Data: data}, nil
}

// webpSize reads the dimensions of a WebP image from its first chunk (VP8, VP8L or VP8X).
func webpSize(b []byte) (w, h int, ok bool) {
	if len(b) < 30 {
		return 0, 0, false
	}
	switch string(b[12:16]) {
	case "VP8 ":
		// frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, false
		}
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff), true
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, false
		}
		n := binary.LittleEndian.Uint32(b[21:25])
		return int(n&0x3fff) + 1, int(n>>14&0x3fff) + 1, true
	case "VP8X":
		u24 := func(p []byte) int { return int(p[0]) | int(p[1])<<8 | int(p[2])<<16 }
		return u24(b[24:27]) + 1, u24(b[27:30]) + 1, true
	}
	return 0, 0, false
}

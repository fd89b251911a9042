package monitor

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Limits on settings, so a monitor stays a sane size.
const (
	maxHost     = 253
	maxURL      = 2048
	maxList     = 50
	maxKeyword  = 1000
	maxBody     = 64 << 10
	maxHeader   = 8 << 10
	maxDuration = 24 * time.Hour
)

// checkHost checks a host name or IP address (without a port).
func checkHost(v *desk.Validator, field, host string) {
	v.Text(field, host, true, maxHost, false)
	if v.Has(field) {
		return
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return
	}
	if !validHostname(host) {
		v.Add(field, "host", "must be a host name such as db.example.com or an IP address, without a port or scheme")
	}
}

// validHostname tells whether h is a DNS name: labels of letters, digits, dashes and
// underscores, each 1–63 characters.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > maxHost {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
				return false
			}
		}
	}
	return true
}

// checkPort checks a TCP port; 0 means the kind's default when def is set.
func checkPort(v *desk.Validator, field string, port int, required bool) {
	if port == 0 && !required {
		return
	}
	if port == 0 {
		v.Add(field, "required", "is required: a port between 1 and 65535")
		return
	}
	v.Range(field, int64(port), 1, 65535)
}

// checkDuration checks a Go duration ("30s", "1m30s") within (0, max]; "" passes.
func checkDuration(v *desk.Validator, field, s string, max time.Duration) {
	if s == "" {
		return
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		v.Add(field, "duration", "must be a duration such as 500ms, 30s or 2m")
		return
	}
	if d <= 0 || d > max {
		v.Add(field, "range", "must be more than 0 and at most %s", fmtDuration(max))
	}
}

// duration reads a duration that checkDuration passed; "" is def.
func duration(s string, def time.Duration) time.Duration {
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return def
	}
	return d
}

// fmtDuration writes a duration the short way: "1m", "30s", "1h30m".
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// TLS modes of the service checks.
const (
	TLSOff        = "off"
	TLSOn         = "on"
	TLSSkipVerify = "skip-verify"
)

var tlsModes = []string{TLSOff, TLSOn, TLSSkipVerify}

func itoa(n int) string { return strconv.Itoa(n) }

func hostPort(host string, port int) string {
	return net.JoinHostPort(strings.Trim(host, "[]"), itoa(port))
}

// ms writes a duration in whole milliseconds, for evidence.
func ms(d time.Duration) string { return fmt.Sprint(d.Milliseconds()) }

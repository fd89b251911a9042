package desk

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PageSettings are the public status page's branding and settings (issue 11, point 8),
// changed by admins. An empty Title, ReportURL or TimeZone and a zero HistoryDays mean the
// default (Resolve fills them in); an empty AccentColour means the page's own colours.
type PageSettings struct {
	// Title is the page's name; empty: the provider organisation's name, else "Meldpunt".
	Title string `json:"title"`
	// AccentColour is "#rrggbb", used only when its contrast with white is at least 4.5:1.
	AccentColour string `json:"accent_colour"`
	// Phone is the desk's 24/7 number for reporting an outage.
	Phone string `json:"phone"`
	// ReportURL links to the portal's report form; empty: the portal's own /report.
	ReportURL string `json:"report_url"`
	// FooterText and FooterURL are a line at the foot of the page, and where it links.
	FooterText string `json:"footer_text"`
	FooterURL  string `json:"footer_url"`
	// TimeZone is the IANA zone the page shows times in; empty: Europe/Amsterdam.
	TimeZone string `json:"time_zone"`
	// HistoryDays is how many days of past incidents the page shows (1–90); 0: 14.
	HistoryDays int `json:"history_days"`
}

// The defaults and limits of the page settings.
const (
	DefaultPageTitle   = "Meldpunt"
	DefaultPageZone    = "Europe/Amsterdam"
	DefaultHistoryDays = 14
	MaxHistoryDays     = 90
	MinAccentContrast  = 4.5
	maxPageTitle       = 100
	maxPageFooter      = 200
	maxPagePhone       = 30
	maxPageURL         = 500
)

var (
	colourRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	phoneRE  = regexp.MustCompile(`^\+?[0-9][0-9 ()./-]*[0-9]$`)
)

// Validate checks every field; messages name the field and the rule.
func (s PageSettings) Validate() error {
	var v Validator
	v.Text("title", s.Title, false, maxPageTitle, false)
	if s.AccentColour != "" {
		if !colourRE.MatchString(s.AccentColour) {
			v.Add("accent_colour", "colour", "must be a colour written #rrggbb, such as #1a5fb4")
		} else if c := ContrastWithWhite(s.AccentColour); c < MinAccentContrast {
			v.Add("accent_colour", "contrast", "has a contrast of %s:1 with white; text needs at least 4.5:1 (WCAG AA); choose a darker colour", FormatRatio(c))
		}
	}
	v.Text("phone", s.Phone, false, maxPagePhone, false)
	if s.Phone != "" && !v.Has("phone") && !phoneRE.MatchString(s.Phone) {
		v.Add("phone", "phone", "must be a phone number of digits, spaces and + ( ) - . /, such as +31 20 123 4567")
	}
	checkPageURL(&v, "report_url", s.ReportURL, true)
	v.Text("footer_text", s.FooterText, false, maxPageFooter, false)
	checkPageURL(&v, "footer_url", s.FooterURL, false)
	if s.FooterURL != "" && strings.TrimSpace(s.FooterText) == "" && !v.Has("footer_text") {
		v.Add("footer_text", "required", "is required when a footer link is given: it is the link's text")
	}
	if s.TimeZone != "" {
		v.Text("time_zone", s.TimeZone, false, 64, false)
		if !v.Has("time_zone") {
			if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "Local" {
				v.Add("time_zone", "time_zone", "must be an IANA time zone name such as Europe/Amsterdam")
			}
		}
	}
	if s.HistoryDays != 0 {
		v.Range("history_days", int64(s.HistoryDays), 1, MaxHistoryDays)
	}
	return v.Err()
}

// checkPageURL checks a link of the page: absolute http(s), or (when local) a path on this
// site such as /report.
func checkPageURL(v *Validator, field, raw string, local bool) {
	if raw == "" {
		return
	}
	v.Text(field, raw, false, maxPageURL, false)
	if v.Has(field) {
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		v.Add(field, "url", "must be a URL such as https://example.nl/page")
	case local && u.Scheme == "" && u.Host == "" && strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//"):
	case u.Scheme != "https" && u.Scheme != "http":
		v.Add(field, "scheme", "must start with https:// or http://")
	case u.Host == "":
		v.Add(field, "url", "must be an absolute URL such as https://example.nl/page")
	}
}

// Resolve fills in the defaults: the title from provider (when not empty), the time zone,
// the number of days and the report link (the portal's /report under base).
func (s PageSettings) Resolve(provider, base string) PageSettings {
	if s.Title == "" {
		s.Title = provider
	}
	if s.Title == "" {
		s.Title = DefaultPageTitle
	}
	if s.TimeZone == "" {
		s.TimeZone = DefaultPageZone
	}
	if s.HistoryDays == 0 {
		s.HistoryDays = DefaultHistoryDays
	}
	if s.ReportURL == "" {
		s.ReportURL = strings.TrimRight(base, "/") + "/report"
	}
	return s
}

// Zone is the page's time zone; UTC when the stored name no longer loads.
func (s PageSettings) Zone() *time.Location {
	name := s.TimeZone
	if name == "" {
		name = DefaultPageZone
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return z
}

// Accent is the accent colour when it may be used (its contrast with white holds), else "".
func (s PageSettings) Accent() string {
	if colourRE.MatchString(s.AccentColour) && ContrastWithWhite(s.AccentColour) >= MinAccentContrast {
		return strings.ToLower(s.AccentColour)
	}
	return ""
}

// ContrastWithWhite is WCAG 2's contrast ratio of the colour "#rrggbb" with white, 1 to 21;
// 0 for text that is not such a colour.
func ContrastWithWhite(hex string) float64 {
	if !colourRE.MatchString(hex) {
		return 0
	}
	n, _ := strconv.ParseUint(hex[1:], 16, 32)
	lin := func(c uint64) float64 {
		x := float64(c) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(n>>16&0xff) + 0.7152*lin(n>>8&0xff) + 0.0722*lin(n&0xff)
	return 1.05 / (l + 0.05)
}

// FormatRatio writes a contrast ratio with two decimals, rounded down so that a ratio
// just under 4.5 never reads as 4.50.
func FormatRatio(c float64) string {
	return fmt.Sprintf("%.2f", math.Floor(c*100)/100)
}

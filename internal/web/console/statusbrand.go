package console

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The status page's branding and uptime bars (docs/status-page.md "Branding and settings",
// "Uptime"): the title, logo, accent colour, phone number, report link, footer and time
// zone an admin set (app.Branding), and a bar per public component of its daily uptime
// over the last 90 days. Their parts of the page are the {{define}} blocks of
// templates/_status_brand.html; every text they show is made here, in the page's
// language, so the blocks take plain data.

// statusBrand is what the page shows of its branding.
type statusBrand struct {
	Title string
	// LogoURL is the logo's address (with its hash, so it may be cached); "" for none.
	LogoURL, LogoAlt string
	LogoW, LogoH     int
	// ThemeURL is the style sheet that sets the accent colour; "" when none is set or its
	// contrast does not hold.
	ThemeURL string
	// Phone is the desk's number as written, PhoneHref its tel: link (only "+" and
	// digits, so html/template may trust it as a URL).
	Phone, PhoneLabel      string
	PhoneHref              template.URL
	ReportURL, ReportLabel string
	ContactHeading         string
	FooterText, FooterURL  string
	// ZoneNote says which time zone the page's times are in.
	ZoneNote string
	Zone     *time.Location
}

// brandFor builds the page's branding in v's language.
func brandFor(v *view, b app.PageBrand) statusBrand {
	s := b.Settings
	out := statusBrand{Title: s.Title, Phone: s.Phone, ReportURL: s.ReportURL, FooterText: s.FooterText, FooterURL: s.FooterURL, Zone: s.Zone()}
	if b.Logo != nil {
		out.LogoURL = "/status/logo?v=" + b.Logo.ETag[:16]
		out.LogoAlt = v.T("brand.logo_alt", s.Title)
		out.LogoW, out.LogoH = b.Logo.Width, b.Logo.Height
	}
	if a := s.Accent(); a != "" {
		out.ThemeURL = "/status/theme.css?v=" + a[1:]
	}
	if s.Phone != "" {
		out.PhoneHref = template.URL("tel:" + telDigits(s.Phone)) // "+" and digits only
		out.PhoneLabel = v.T("brand.phone_label")
	}
	out.ReportLabel = v.T("brand.report_label")
	out.ContactHeading = v.T("brand.contact")
	out.ZoneNote = v.T("brand.zone_note", out.Zone.String())
	return out
}

// telDigits is a phone number as a tel: URI wants it: the + and the digits.
func telDigits(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uptimeBar is a component's uptime over the last 90 days as the page shows it.
type uptimeBar struct {
	// Label names the list for screen readers; Summary is "99.95 % over 90 days", or that
	// there is no data yet.
	Label, Summary string
	Days           []uptimeDay
	// Worst names the days with the least uptime (at most three, only days with downtime).
	WorstLabel string
	Worst      []string
	// Start and End label the ends of the bar.
	Start, End string
}

// uptimeDay is one day's mark: its text for screen readers (and the tooltip) and its
// class, which sets its height as well as its colour, so a bad day shows without colour.
type uptimeDay struct {
	Text, Class string
}

// uptimeBarFor builds a component's bar in v's language.
func uptimeBarFor(v *view, name string, days []desk.DayUptime) uptimeBar {
	b := uptimeBar{Label: v.T("uptime.label", name, desk.UptimeDays), Start: v.T("uptime.start", desk.UptimeDays), End: v.T("uptime.today")}
	if sum, ok := desk.UptimeSummary(days); ok {
		b.Summary = v.T("uptime.summary", percent(v, sum), desk.UptimeDays)
	} else {
		b.Summary = v.T("uptime.no_data")
	}
	type ranked struct {
		i  int
		up float64
	}
	var bad []ranked
	for i, d := range days {
		day := uptimeDay{Class: "u-none", Text: v.T("uptime.day_none", dateText(v, d.Date))}
		if d.Known {
			up := d.Uptime()
			switch {
			case d.Down == 0:
				day.Class = "u-full"
			case up >= 0.99:
				day.Class = "u-high"
			case up >= 0.95:
				day.Class = "u-mid"
			default:
				day.Class = "u-low"
			}
			day.Text = v.T("uptime.day", dateText(v, d.Date), percent(v, up))
			if d.Down > 0 {
				bad = append(bad, ranked{i, up})
			}
		}
		b.Days = append(b.Days, day)
	}
	// The worst three, worst first; the same days get the mark "worst" on the bar.
	for n := 0; n < 3 && len(bad) > 0; n++ {
		w := 0
		for j := range bad {
			if bad[j].up < bad[w].up {
				w = j
			}
		}
		b.Worst = append(b.Worst, b.Days[bad[w].i].Text)
		b.Days[bad[w].i].Class += " u-worst"
		bad = append(bad[:w], bad[w+1:]...)
	}
	if len(b.Worst) > 0 {
		b.WorstLabel = v.T("uptime.worst")
	}
	return b
}

// percent writes an uptime fraction as a percentage with two decimals, rounded down (so
// a day with any downtime never reads 100 %), in the language's notation.
func percent(v *view, f float64) string {
	p := math.Floor(f*10000) / 100
	s := strconv.FormatFloat(p, 'f', 2, 64)
	if p == 100 {
		s = "100"
	}
	if v.Locale == desk.LocaleNL {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s + " %"
}

// dateText writes a day as "2 December 2026" (or "2 december 2026").
func dateText(v *view, t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + v.T("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// statusLogo serves the page's logo to everyone: its type as sniffed at upload, an ETag
// of its content, and caching (for a year when the address names the current content).
func (h *handler) statusLogo(w http.ResponseWriter, r *http.Request) error {
	l, err := h.svc.branding.Logo(r.Context())
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", l.ContentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("ETag", `"`+l.ETag+`"`)
	if v := r.URL.Query().Get("v"); v != "" && strings.HasPrefix(l.ETag, v) {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "public, max-age=300")
	}
	if etagMatch(r.Header.Get("If-None-Match"), l.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	hd.Set("Content-Length", strconv.Itoa(len(l.Data)))
	_, _ = w.Write(l.Data)
	return nil
}

// statusTheme serves the style sheet that gives the page its accent colour: a CSS custom
// property only, and only when the colour's contrast with white holds (the page's
// stylesheet allows no inline styles).
func (h *handler) statusTheme(w http.ResponseWriter, r *http.Request) error {
	b, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	css := "/* no accent colour set */\n"
	if a := b.Settings.Accent(); a != "" {
		css = ":root { --accent: " + a + "; }\n"
	}
	sum := sha256.Sum256([]byte(css))
	tag := hex.EncodeToString(sum[:16])
	hd := w.Header()
	hd.Set("Content-Type", "text/css; charset=utf-8")
	hd.Set("ETag", `"`+tag+`"`)
	hd.Set("Cache-Control", "public, max-age=300")
	if etagMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, _ = w.Write([]byte(css))
	return nil
}

// etagMatch tells whether an If-None-Match header names the tag (or is "*").
func etagMatch(header, tag string) bool {
	for c := range strings.SplitSeq(header, ",") {
		c = strings.TrimPrefix(strings.TrimSpace(c), "W/")
		if c == "*" || c == `"`+tag+`"` {
			return true
		}
	}
	return false
}

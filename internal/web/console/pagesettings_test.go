package console_test

import (
	"bytes"
	"context"
	"image"
	imgpng "image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// logoPNG is a valid 64×32 PNG.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := imgpng.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 32))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The admin page of the status page settings: only admins; errors in the page's language
// next to their field with the input kept; a saved setting and an uploaded logo show on
// /status at once; the logo and theme are served with ETags.
func TestPageSettingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.client()
		agent.signIn(e.agent)
		if p := agent.get("/admin/status-page"); p.status != http.StatusForbidden {
			t.Errorf("an agent opens the settings: %d", p.status)
		}
		admin := e.client()
		admin.signIn(e.admin) // Dutch
		p := admin.get("/admin/status-page")
		expect(t, p, http.StatusOK, "Instellingen van de statuspagina", `id="page-accent_colour"`, "Leeg: Provider", "Europe/Amsterdam",
			`action="/admin/status-page/logo" enctype="multipart/form-data"`, "Er is geen logo geüpload")

		// A colour too light for white text: the message names the ratio, in Dutch, next to the field.
		bad := url.Values{"title": {"Storingen bij X-Guard"}, "accent_colour": {"#ffcc00"}, "time_zone": {"Mars/Base"}, "history_days": {"120"}}
		p = admin.submit("/admin/status-page", "/admin/status-page", bad)
		expect(t, p, http.StatusUnprocessableEntity, `id="page-accent_colour-error"`, "contrast van 1,5", "4,5:1",
			`id="page-time_zone-error"`, "geen naam van een tijdzone", `id="page-history_days-error"`, "1 tot en met 90",
			`value="Storingen bij X-Guard"`, `value="#ffcc00"`, `value="Mars/Base"`, `value="120"`)

		good := url.Values{"title": {"Storingen bij X-Guard"}, "accent_colour": {"#1a5fb4"}, "phone": {"+31 20 123 4567"},
			"footer_text": {"Privacyverklaring"}, "footer_url": {"https://example.nl/privacy"}, "time_zone": {"Europe/London"}}
		p = admin.submit("/admin/status-page", "/admin/status-page", good)
		if p.status != http.StatusSeeOther || p.location != "/admin/status-page" {
			t.Fatalf("save: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, admin.get("/admin/status-page"), http.StatusOK, "zijn opgeslagen", `value="#1a5fb4"`)

		// The logo: SVG and garbage are refused next to the file field; a PNG is kept.
		for _, f := range []file{{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, {"logo.png", []byte("garbage")}} {
			p = admin.uploadForm("/admin/status-page", "/admin/status-page/logo", url.Values{}, map[string][]file{"logo": {f}})
			expect(t, p, http.StatusUnprocessableEntity, `id="logo-logo-error"`, "geen PNG-, JPEG- of WebP-afbeelding")
		}
		big := append(logoPNG(t), make([]byte, 300<<10)...)
		p = admin.uploadForm("/admin/status-page", "/admin/status-page/logo", url.Values{}, map[string][]file{"logo": {{"big.png", big}}})
		expect(t, p, http.StatusUnprocessableEntity, "groter dan 256 KiB")
		p = admin.uploadForm("/admin/status-page", "/admin/status-page/logo", url.Values{}, map[string][]file{"logo": {{"logo.png", logoPNG(t)}}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get("/admin/status-page"), http.StatusOK, "Het logo is opgeslagen", "image/png, 64 × 32 pixels")

		// The public page shows all of it.
		visitor := e.client()
		visitor.header.Set("Accept-Language", "en")
		st := visitor.get("/status")
		expect(t, st, http.StatusOK, "<h1>Storingen bij X-Guard</h1>", `alt="Logo of Storingen bij X-Guard"`, `<link rel="stylesheet" href="/status/theme.css?v=1a5fb4">`,
			`<a href="tel:&#43;31201234567">&#43;31 20 123 4567</a>`, `href="`+e.srv.URL+`/report"`, `<a href="https://example.nl/privacy">Privacyverklaring</a>`,
			"in the Europe/London time zone")
		logoURL := regexpFind(t, st.body, `src="(/status/logo\?v=[0-9a-f]+)"`)
		lg := visitor.get(strings.ReplaceAll(logoURL, "&amp;", "&"))
		if lg.status != 200 || lg.header.Get("Content-Type") != "image/png" || lg.header.Get("ETag") == "" ||
			!strings.Contains(lg.header.Get("Cache-Control"), "immutable") || lg.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("logo: %d %v", lg.status, lg.header)
		}
		visitor.header.Set("If-None-Match", lg.header.Get("ETag"))
		if again := visitor.get("/status/logo"); again.status != http.StatusNotModified || again.body != "" {
			t.Errorf("logo with its ETag: %d", again.status)
		}
		visitor.header.Del("If-None-Match")
		theme := visitor.get("/status/theme.css")
		if theme.status != 200 || !strings.Contains(theme.body, "--accent: #1a5fb4") || !strings.HasPrefix(theme.header.Get("Content-Type"), "text/css") {
			t.Errorf("theme: %d %q", theme.status, theme.body)
		}

		// Removing the logo: the page has none, and its address is not found.
		p = admin.submit("/admin/status-page", "/admin/status-page/logo/delete", url.Values{})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.status)
		}
		if p := visitor.get("/status/logo"); p.status != http.StatusNotFound {
			t.Errorf("logo after removal: %d", p.status)
		}
		expectNot(t, visitor.get("/status"), "/status/logo")
	})
}

// The uptime bars: 90 marks per public component with their date and uptime as text, the
// summary, and the worst days named; a clients-only component has none.
func TestStatusUptimeBars(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		c, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		// Three days ago (in Amsterdam) at noon, a major outage of 2 h 24 min: 90 % that day.
		ams, _ := time.LoadLocation("Europe/Amsterdam")
		y, m, d := time.Now().In(ams).Date()
		noon := time.Date(y, m, d-3, 12, 0, 0, 0, ams)
		if err := db.Write(ctx, func(tx app.Tx) error {
			for _, r := range []struct {
				s  desk.ComponentStatus
				at time.Time
			}{{desk.StatusOperational, noon.Add(-48 * time.Hour)}, {desk.StatusMajorOutage, noon}, {desk.StatusOperational, noon.Add(144 * time.Minute)}} {
				if err := tx.RecordComponentStatus(ctx, c.ID, r.s, r.at); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		visitor := e.client()
		visitor.header.Set("Accept-Language", "en")
		p := visitor.get("/status")
		day := strings.TrimLeft(noon.Format("2"), "0") + " " + noon.Format("January 2006")
		expect(t, p, http.StatusOK, `<ol class="uptime-bar" aria-label="Uptime of Hosting per day, the last 90 days">`,
			`<span class="sr-only">`+day+`: 90.00 % uptime</span>`, `class="u-low u-worst"`, "Lowest days:", "over 90 days")
		if n := strings.Count(p.body, "<li class=\"u-"); n != 90 {
			t.Errorf("%d day marks, want 90", n)
		}
		nl := e.client()
		nl.header.Set("Accept-Language", "nl")
		expect(t, nl.get("/status"), http.StatusOK, "90,00 % beschikbaar", "Slechtste dagen:", "beschikbaar over 90 dagen")
	})
}

// regexpFind returns the first group of pattern in s.
func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in the page", pattern)
	}
	return m[1]
}

package api_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// logoPNG is a valid 64×32 PNG logo.
var logoPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 32))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// pageSettingCalls are the status page settings' calls of TestOpenAPIConformance.
func pageSettingCalls(t *testing.T) []request {
	logoType, logoBody := multipartBody(t, part{"logo", "logo.png", logoPNG})
	svgType, svgBody := multipartBody(t, part{"logo", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)})
	return []request{
		{method: "GET", path: "/api/v1/status-page", as: "agent"},
		{method: "GET", path: "/api/v1/status-page", as: "clientUserA"},
		{method: "PUT", path: "/api/v1/status-page", as: "admin", body: `{"title":"Status","accent_colour":"#1a5fb4"}`},
		{method: "PUT", path: "/api/v1/status-page", as: "admin", body: `{"accent_colour":"#ffff00"}`},
		{method: "PUT", path: "/api/v1/status-page/logo", as: "admin", raw: logoBody, ctype: logoType},
		{method: "PUT", path: "/api/v1/status-page/logo", as: "admin", raw: svgBody, ctype: svgType},
		{method: "DELETE", path: "/api/v1/status-page/logo", as: "admin"},
		{method: "DELETE", path: "/api/v1/status-page/logo", as: "admin"},
	}
}

func TestPageSettingsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "GET", path: "/api/v1/status-page", as: "agent"})
		if r.status != 200 || r.str("effective.title") != e.provider.Name || r.str("effective.time_zone") != "Europe/Amsterdam" ||
			r.str("effective.report_url") != baseURL+"/report" || r.id("effective.history_days") != 14 || r.str("settings.title") != "" {
			t.Fatalf("defaults: %d %s", r.status, r.body)
		}
		if v, _ := get(r.json, "logo"); v != nil {
			t.Errorf("logo %v before any upload", v)
		}
		cases := []struct {
			name, as, body string
			status         int
			field, rule    string
		}{
			{"an agent may not change them", "agent", `{"title":"x"}`, 403, "", ""},
			{"a client may not change them", "clientAdminA", `{"title":"x"}`, 403, "", ""},
			{"a light accent colour", "admin", `{"accent_colour":"#ffcc00"}`, 422, "/accent_colour", "contrast"},
			{"an unknown time zone", "admin", `{"time_zone":"Europe/Atlantis"}`, 422, "/time_zone", "time_zone"},
			{"too many days", "admin", `{"history_days":365}`, 422, "/history_days", "range"},
			{"a script footer link", "admin", `{"footer_text":"x","footer_url":"javascript:alert(1)"}`, 422, "/footer_url", "scheme"},
			{"an unknown field", "admin", `{"colour":"#000000"}`, 422, "/colour", "unknown_field"},
			{"valid", "admin", `{"title":"X-Guard status","accent_colour":"#1A5FB4","phone":"+31 20 123 4567","footer_text":"Privacy","footer_url":"https://example.nl/privacy","time_zone":"America/New_York","history_days":30}`, 200, "", ""},
		}
		for _, c := range cases {
			r := e.do(t, request{method: "PUT", path: "/api/v1/status-page", as: c.as, body: c.body})
			if r.status != c.status || c.field != "" && !r.hasFieldError(c.field, c.rule) {
				t.Errorf("%s: %d %s, want %d %s/%s", c.name, r.status, r.body, c.status, c.field, c.rule)
			}
			if c.rule == "contrast" && !strings.Contains(string(r.body), "1.5") {
				t.Errorf("%s: the message does not give the ratio found: %s", c.name, r.body)
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %s", c.name, r.header.Get("Content-Type"))
			}
		}
		r = e.do(t, request{method: "GET", path: "/api/v1/status-page", as: "expert"})
		if r.str("effective.title") != "X-Guard status" || r.str("effective.time_zone") != "America/New_York" || r.str("settings.accent_colour") != "#1A5FB4" {
			t.Errorf("after PUT: %s", r.body)
		}
		// /api/v2 names the page and its zone by the settings.
		r = e.do(t, request{method: "GET", path: "/api/v2/status.json"})
		if r.str("page.name") != "X-Guard status" || r.str("page.time_zone") != "America/New_York" || !strings.HasSuffix(r.str("page.updated_at"), "-05:00") && !strings.HasSuffix(r.str("page.updated_at"), "-04:00") {
			t.Errorf("v2 page: %s", r.body)
		}
	})
}

func TestPageLogoUpload(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		up := func(as string, parts ...part) *result {
			ct, body := multipartBody(t, parts...)
			return e.do(t, request{method: "PUT", path: "/api/v1/status-page/logo", as: as, raw: body, ctype: ct})
		}
		big := append(append([]byte{}, logoPNG...), make([]byte, 256<<10)...)
		cases := []struct {
			name   string
			as     string
			parts  []part
			status int
			rule   string
		}{
			{"an agent", "agent", []part{{"logo", "l.png", logoPNG}}, 403, ""},
			{"SVG", "admin", []part{{"logo", "l.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}}, 422, "image_type"},
			{"garbage", "admin", []part{{"logo", "l.png", []byte("not an image at all")}}, 422, "image_type"},
			{"a broken PNG", "admin", []part{{"logo", "l.png", logoPNG[:40]}}, 422, "image"},
			{"too big", "admin", []part{{"logo", "l.png", big}}, 422, "max_size"},
			{"no logo part", "admin", []part{{"picture", "l.png", logoPNG}}, 422, "unknown_field"},
		}
		for _, c := range cases {
			r := up(c.as, c.parts...)
			if r.status != c.status || c.rule != "" && !r.hasFieldError(fieldFor(c.rule), c.rule) {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.rule)
			}
		}
		// A body far over the limit is refused as a whole.
		huge := append(append([]byte{}, logoPNG...), make([]byte, 1<<20)...)
		if r := up("admin", part{"logo", "l.png", huge}); r.status != 413 {
			t.Errorf("a huge body: %d %s, want 413", r.status, r.body)
		}
		r := up("admin", part{"logo", "l.png", logoPNG})
		if r.status != 200 || r.str("content_type") != "image/png" || r.id("width") != 64 || r.id("height") != 32 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		if r := e.do(t, request{method: "GET", path: "/api/v1/status-page", as: "agent"}); r.str("logo.etag") == "" {
			t.Errorf("no logo after upload: %s", r.body)
		}
		if r := e.do(t, request{method: "DELETE", path: "/api/v1/status-page/logo", as: "agent"}); r.status != 403 {
			t.Errorf("an agent deletes the logo: %d", r.status)
		}
		if r := e.do(t, request{method: "DELETE", path: "/api/v1/status-page/logo", as: "admin"}); r.status != 204 {
			t.Errorf("delete: %d %s", r.status, r.body)
		}
	})
}

// fieldFor is the field a logo rule is reported on.
func fieldFor(rule string) string {
	if rule == "unknown_field" {
		return "picture"
	}
	return "logo"
}

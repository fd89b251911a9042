package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web/snapshot"
)

// The feeds' share of the malformed-input battery (internal/web/feeds; they are not in the
// OpenAPI document, which the main battery walks): odd ids, queries, languages and
// validators, with and without the snapshot. No answer may be a 5xx or log an ERROR; an id
// that is no public component's is 404; nothing of organisation B shows.
func TestFeedsMalformedInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, snap := range []bool{false, true} {
			capture := newLogCapture()
			log := slog.New(capture)
			cfg := Config{BaseURL: "http://meldpunt.test", Texts: loadTexts(t)}
			if snap {
				cfg.Snapshot = snapshot.New(snapshot.Options{Version: f.app.Components.PageVersion, Log: log})
			}
			h, _ := build(cfg, f.app, log, prometheus.NewRegistry())
			srv := httptest.NewServer(h)
			defer srv.Close()
			type req struct {
				method, path string
				header       []string
				want         int // 0: any answer below 500
			}
			var reqs []req
			comp := fmt.Sprint(f.comp.ID) // B's clients-only component
			for _, id := range []string{"abc", "-1", "0", "1.5", "1e3", "%00", "%ff", "%2e%2e", "99999999999999999999",
				"\uff11", "0x1", "+1", " 1", strings.Repeat("9", 5000), comp, "00" + comp} {
				for _, ext := range []string{"atom", "rss"} {
					reqs = append(reqs, req{"GET", "/status/components/" + id + "/history." + ext, nil, http.StatusNotFound})
				}
			}
			for _, path := range []string{"/status/history.atom", "/status/history.rss", "/status/maintenance.ics"} {
				for _, q := range []string{"", "?lang=xx", "?lang=", "?lang=%00", "?lang=en&lang=nl", "?foo=bar", "?lang=EN-gb",
					"?lang=" + strings.Repeat("e", 3000), "?%zz", "?lang=en;nl"} {
					reqs = append(reqs, req{"GET", path + q, nil, http.StatusOK})
				}
				for _, hd := range [][]string{{"Accept-Language", ";q=abc,,,;;"}, {"Accept-Language", strings.Repeat("en-GB;q=0.5,", 800)},
					{"Accept-Language", "\xff\xfe"}, {"If-None-Match", `W/"x", *garbage, ""`}, {"If-None-Match", strings.Repeat(`"a",`, 1000)},
					{"Accept-Encoding", "br;q=nope, gzip;q=2"}, {"Cookie", "lang=en; meldpunt_session=forged"}} {
					reqs = append(reqs, req{"GET", path, hd, 0})
				}
				reqs = append(reqs, req{"HEAD", path, nil, http.StatusOK}, req{"POST", path, nil, http.StatusMethodNotAllowed},
					req{"DELETE", path, nil, http.StatusMethodNotAllowed})
			}
			for _, r := range reqs {
				hr, err := http.NewRequest(r.method, srv.URL+r.path, nil)
				if err != nil {
					t.Fatalf("%s %s: %v", r.method, r.path, err)
				}
				for i := 0; i+1 < len(r.header); i += 2 {
					hr.Header.Set(r.header[i], r.header[i+1])
				}
				resp, err := srv.Client().Do(hr)
				if err != nil {
					t.Fatalf("%s %s: %v", r.method, r.path, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				where := fmt.Sprintf("snapshot %v: %s %.80s %.60q", snap, r.method, r.path, r.header)
				switch {
				case resp.StatusCode >= 500:
					t.Errorf("%s: %d: %.300s", where, resp.StatusCode, body)
				case r.want != 0 && resp.StatusCode != r.want:
					t.Errorf("%s: %d, want %d: %.300s", where, resp.StatusCode, r.want, body)
				}
				if strings.Contains(strings.ToLower(string(body)), secret) {
					t.Errorf("%s: the answer shows organisation B's data", where)
				}
			}
			for _, rec := range capture.errors() {
				t.Errorf("snapshot %v: logged an error: %s", snap, rec.text)
			}
		}
	})
}

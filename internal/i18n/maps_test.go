package i18n

import (
	"testing"

	"meldpunt/internal/desk"
)

// TestCatalogHoldsTheMaps: the files in texts/ hold exactly the texts of the Go maps they
// replace (this test goes with the maps).
func TestCatalogHoldsTheMaps(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for l, old := range map[desk.Locale]map[string]string{desk.LocaleNL: nl, desk.LocaleEN: en} {
		for k, v := range old {
			if got, ok := c.Text(l, k); !ok || got != v {
				t.Errorf("%s %s: the file says %q, the map %q", l, k, got, v)
			}
		}
	}
}

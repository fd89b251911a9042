package mail

import (
	"maps"
	"slices"
	"testing"
)

// Both catalogs hold the same keys, so no message falls back to a key's name.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	for lang, cat := range catalogs {
		for other, oc := range catalogs {
			for _, k := range slices.Sorted(maps.Keys(cat)) {
				if _, ok := oc[k]; !ok {
					t.Errorf("%q is in %s but not in %s", k, lang, other)
				}
			}
		}
	}
}

// Every snippet of both catalogs parses (they are parsed on first use, so a broken one
// would otherwise surface only when a message needs it).
func TestCatalogsParse(t *testing.T) {
	t.Parallel()
	parsed := snippets()
	for lang, cat := range catalogs {
		for k := range cat {
			if parsed[lang][k] == nil {
				t.Errorf("%s %q was not parsed", lang, k)
			}
		}
	}
}

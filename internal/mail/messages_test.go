package mail

import (
	"maps"
	"slices"
	"testing"
)

// Both catalogs hold the same keys, so no message falls back to a key's name.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
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

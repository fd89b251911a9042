package console

import (
	"slices"
	"testing"
)

// TestAxisTicks: a count axis steps in whole numbers and never shows more ticks than
// units; an hours axis takes steps of 1, 2, 2.5 or 5 times a power of ten, and reaches
// the largest value.
func TestAxisTicks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		max   float64
		whole bool
		want  []float64
	}{
		{"no data, counts", 0, true, []float64{0, 1}},
		{"one incident", 1, true, []float64{0, 1}},
		{"three incidents", 3, true, []float64{0, 1, 2, 3}},
		{"five incidents", 5, true, []float64{0, 2, 4, 6}},
		{"eleven incidents", 11, true, []float64{0, 5, 10, 15}},
		{"no data, hours", 0, false, []float64{0, 0.25, 0.5, 0.75, 1}},
		{"one and a half hours", 1.5, false, []float64{0, 0.5, 1, 1.5}},
		{"a quarter of an hour", 0.25, false, []float64{0, 0.1, 0.2, 0.3}},
		{"ten hours", 10, false, []float64{0, 2.5, 5, 7.5, 10}},
	} {
		if got := axisTicks(c.max, c.whole); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

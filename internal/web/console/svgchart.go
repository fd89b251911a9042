package console

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// barSeries is one series of a bar chart: a legend label, a fill colour and a value per
// category.
type barSeries struct {
	Label  string
	Fill   string
	Values []float64
}

// barChart is a small server-rendered SVG bar chart, without scripts or styles of its own:
// the series of each category either stacked in one bar or side by side. It carries a
// <title> and a <desc> for screen readers (the page shows the numbers in a table beside
// it too).
type barChart struct {
	ID, Title, Desc string
	Categories      []string
	Series          []barSeries
	Stacked         bool
	// Format writes a value for the axis and the bars' tooltips.
	Format func(float64) string
}

// Chart geometry, in user units.
const (
	chartW, chartH              = 560.0, 260.0
	chartLeft, chartRight       = 56.0, 12.0
	chartTop, chartBottom       = 36.0, 28.0
	chartTicks                  = 4
	chartLegendGap, chartSwatch = 14.0, 10.0
)

// SVG renders the chart. Every text is escaped for XML.
func (c barChart) SVG() template.HTML {
	esc := template.HTMLEscapeString
	format := c.Format
	if format == nil {
		format = func(v float64) string { return fmt.Sprintf("%g", v) }
	}
	top := 0.0
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			if c.Stacked {
				sum += s.Values[i]
			} else {
				sum = math.Max(sum, s.Values[i])
			}
		}
		top = math.Max(top, sum)
	}
	top = niceCeil(top)
	plotW, plotH := chartW-chartLeft-chartRight, chartH-chartTop-chartBottom
	y := func(v float64) float64 { return chartTop + plotH - v/top*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-labelledby="%s-title %s-desc">`,
		chartW, chartH, chartW, chartH, esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	// Legend.
	x := chartLeft
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="%g" height="%g" fill="%s"/><text x="%.1f" y="17" font-size="12">%s</text>`,
			x, chartSwatch, chartSwatch, esc(s.Fill), x+chartSwatch+4, esc(s.Label))
		x += chartSwatch + 4 + float64(len([]rune(s.Label)))*7 + chartLegendGap
	}
	// Axis and grid.
	for i := 0; i <= chartTicks; i++ {
		v := top * float64(i) / chartTicks
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#ccc" stroke-width="1"/><text x="%g" y="%.1f" font-size="11" text-anchor="end">%s</text>`,
			chartLeft, chartW-chartRight, y(v), y(v), chartLeft-6, y(v)+4, esc(format(v)))
	}
	// Bars.
	n := float64(len(c.Categories))
	slot := plotW / math.Max(n, 1)
	barW := slot * 0.6
	for i, cat := range c.Categories {
		x0 := chartLeft + slot*float64(i) + (slot-barW)/2
		base := 0.0
		for j, s := range c.Series {
			v := s.Values[i]
			bx, bw := x0, barW
			if !c.Stacked {
				bw = barW / float64(len(c.Series))
				bx = x0 + bw*float64(j)
				base = 0
			}
			if v > 0 {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %s</title></rect>`,
					bx, y(base+v), bw, y(base)-y(base+v), esc(s.Fill), esc(cat), esc(s.Label), esc(format(v)))
			}
			if c.Stacked {
				base += v
			}
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="12" text-anchor="middle">%s</text>`, x0+barW/2, chartH-chartBottom+16, esc(cat))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value above is escaped or a number
}

// niceCeil rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

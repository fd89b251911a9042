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
// <title> and a <desc> for screen readers (the page shows its title above it, and the
// numbers in a table beside it too).
type barChart struct {
	ID, Title, Desc string
	Categories      []string
	Series          []barSeries
	Stacked         bool
	// Whole makes the value axis count: its ticks are whole numbers (0, 1, 2… or 0, 2, 4…),
	// never 1.25 incidents.
	Whole bool
	// Unit names the values above the axis ("hours", "incidents"); "" for none.
	Unit string
	// Tick writes a value on the axis (a number in the page's format); Format writes it in a
	// bar's tooltip, with its unit.
	Tick, Format func(float64) string
}

// Chart geometry, in user units. The left margin grows with the widest tick label, so no
// label is clipped.
const (
	chartW, chartH              = 400.0, 250.0
	chartRight                  = 12.0
	chartTop, chartBottom       = 44.0, 28.0
	chartTicks                  = 4
	chartLegendGap, chartSwatch = 14.0, 10.0
	chartCharW                  = 7.0 // the width of a character at font size 12, generously
)

// SVG renders the chart. Every text is escaped for XML.
func (c barChart) SVG() template.HTML {
	esc := template.HTMLEscapeString
	tick, format := c.Tick, c.Format
	if tick == nil {
		tick = func(v float64) string { return fmt.Sprintf("%g", v) }
	}
	if format == nil {
		format = tick
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
	ticks := axisTicks(top, c.Whole)
	top = ticks[len(ticks)-1]
	left := 16.0
	for _, v := range ticks {
		left = math.Max(left, float64(len([]rune(tick(v))))*chartCharW+12)
	}
	plotW, plotH := chartW-left-chartRight, chartH-chartTop-chartBottom
	y := func(v float64) float64 { return chartTop + plotH - v/top*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-labelledby="%s-title %s-desc">`,
		chartW, chartH, chartW, chartH, esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	// Legend, then the unit above the axis.
	x := left
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%.1f" y="6" width="%g" height="%g" fill="%s"/><text x="%.1f" y="15" font-size="12">%s</text>`,
			x, chartSwatch, chartSwatch, esc(s.Fill), x+chartSwatch+4, esc(s.Label))
		x += chartSwatch + 4 + float64(len([]rune(s.Label)))*chartCharW + chartLegendGap
	}
	if c.Unit != "" {
		fmt.Fprintf(&b, `<text x="4" y="%g" font-size="11" fill="#4a5361">%s</text>`, chartTop-10, esc(c.Unit))
	}
	// Axis and grid.
	for _, v := range ticks {
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#ccc" stroke-width="1"/><text x="%g" y="%.1f" font-size="11" text-anchor="end">%s</text>`,
			left, chartW-chartRight, y(v), y(v), left-6, y(v)+4, esc(tick(v)))
	}
	// Bars.
	n := float64(len(c.Categories))
	slot := plotW / math.Max(n, 1)
	barW := slot * 0.6
	for i, cat := range c.Categories {
		x0 := left + slot*float64(i) + (slot-barW)/2
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

// axisTicks returns the ticks of a value axis from 0 to at least max: about chartTicks
// steps of 1, 2, 2.5 or 5 times a power of ten; with whole, steps of whole numbers only
// (1, 2, 5, 10…), and never more ticks than there are units.
func axisTicks(max float64, whole bool) []float64 {
	if max <= 0 {
		max = 1
	}
	step := niceStep(max/chartTicks, whole)
	top := math.Ceil(max/step-1e-9) * step
	var ts []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		ts = append(ts, math.Round(v*1e6)/1e6)
		if v >= top-1e-9 {
			return ts
		}
	}
}

// niceStep rounds a raw step up to 1, 2, 2.5 or 5 times a power of ten; with whole, to 1,
// 2 or 5 times a power of ten, at least 1.
func niceStep(raw float64, whole bool) float64 {
	if whole && raw <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	ms := []float64{1, 2, 2.5, 5, 10}
	if whole {
		ms = []float64{1, 2, 5, 10}
	}
	for _, m := range ms {
		if m*p >= raw-1e-12 {
			return m * p
		}
	}
	return 10 * p
}

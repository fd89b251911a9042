package console

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// The monitors' response-time pictures are inline SVG made on the server (no script, no
// image request, nothing the CSP must allow): a sparkline on the list and a chart with
// labelled axes on a monitor's page. Each carries a text alternative (role="img" with a
// label) and the chart a table of the same figures beside it.

// chartPoint is one point of a response-time picture: a check, or a stretch of checks.
type chartPoint struct {
	At time.Time
	MS int64
	// Down tells that every check of the point was down (its time is then no answer's).
	Down bool
}

// sparkline draws the points (oldest first) as a small line, label being its text
// alternative. Without points it is empty.
func sparkline(points []chartPoint, label string) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h, pad = 120.0, 28.0, 2.0
	top := maxMS(points)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s" focusable="false">`,
		w, h, w, h, template.HTMLEscapeString(label))
	b.WriteString(`<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="`)
	for i, p := range points {
		x := pad
		if len(points) > 1 {
			x = pad + float64(i)*(w-2*pad)/float64(len(points)-1)
		}
		y := h - pad - float64(p.MS)*(h-2*pad)/float64(top)
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	b.WriteString(`"/>`)
	for i, p := range points {
		if !p.Down {
			continue
		}
		x := pad
		if len(points) > 1 {
			x = pad + float64(i)*(w-2*pad)/float64(len(points)-1)
		}
		fmt.Fprintf(&b, `<rect class="down" x="%.1f" y="0" width="2" height="%g"/>`, x-1, h)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from numbers; the label is escaped
}

// maxMS is the points' highest time, at least 1 ms, rounded up to a figure an axis can
// show.
func maxMS(points []chartPoint) int64 {
	var top int64 = 1
	for _, p := range points {
		top = max(top, p.MS)
	}
	return niceCeilMS(top)
}

// niceCeilMS rounds n up to 1, 2 or 5 times a power of ten.
func niceCeilMS(n int64) int64 {
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if m*step >= n {
				return m * step
			}
		}
		step *= 10
	}
}

// chartLabels are the words of a chart, in the page's language.
type chartLabels struct {
	Label, YAxis, XAxis string
	Time                func(time.Time) string
}

// responseChart draws the points (oldest first) with a y axis of milliseconds and an x axis
// of time, labelled at both ends and the middle; down points are marked on the x axis.
func responseChart(points []chartPoint, l chartLabels) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h = 640.0, 240.0
	const left, right, top, bottom = 64.0, 16.0, 16.0, 44.0
	pw, ph := w-left-right, h-top-bottom
	ceil := maxMS(points)
	from, to := points[0].At, points[len(points)-1].At
	span := to.Sub(from)
	xOf := func(t time.Time) float64 {
		if span <= 0 {
			return left + pw/2
		}
		return left + float64(t.Sub(from))*pw/float64(span)
	}
	yOf := func(ms int64) float64 { return top + ph - float64(ms)*ph/float64(ceil) }
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" focusable="false">`, w, h, esc(l.Label))
	// Axes and grid: 0, half and the top of the scale.
	scale := []int64{0, ceil / 2, ceil}
	if ceil < 2 {
		scale = []int64{0, ceil}
	}
	for _, ms := range scale {
		y := yOf(ms)
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, left, y, w-right, y)
		fmt.Fprintf(&b, `<text class="tick" x="%g" y="%.1f" text-anchor="end">%s</text>`, left-6, y+4, strconv.FormatInt(ms, 10))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, top, left, top+ph)
	fmt.Fprintf(&b, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, top+ph, w-right, top+ph)
	ticks := []time.Time{from, from.Add(span / 2), to}
	anchors := []string{"start", "middle", "end"}
	if span <= 0 {
		ticks, anchors = ticks[:1], []string{"middle"}
	}
	for i, t := range ticks {
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%g" text-anchor="%s">%s</text>`, xOf(t), top+ph+16, anchors[i], esc(l.Time(t)))
	}
	fmt.Fprintf(&b, `<text class="axis-label" x="%g" y="%g" text-anchor="middle">%s</text>`, left+pw/2, h-4, esc(l.XAxis))
	fmt.Fprintf(&b, `<text class="axis-label" x="12" y="%g" text-anchor="middle" transform="rotate(-90 12 %g)">%s</text>`,
		top+ph/2, top+ph/2, esc(l.YAxis))
	b.WriteString(`<polyline class="line" fill="none" points="`)
	for _, p := range points {
		if !p.Down {
			fmt.Fprintf(&b, "%.1f,%.1f ", xOf(p.At), yOf(p.MS))
		}
	}
	b.WriteString(`"/>`)
	for _, p := range points {
		if p.Down {
			fmt.Fprintf(&b, `<rect class="down" x="%.1f" y="%g" width="4" height="8"/>`, xOf(p.At)-2, top+ph-8)
		} else {
			fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="3"/>`, xOf(p.At), yOf(p.MS))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from numbers; texts are escaped
}

// bucket is one stretch of a monitor's recent checks, for the chart and its table.
type bucket struct {
	From            time.Time
	Checks, Down    int
	MeanMS, WorstMS int64
}

// bucketResults groups results (any order) into n stretches of equal length ending at end
// and beginning at start; stretches without checks are left out. The mean counts only
// checks that were not down (a refused connection's time is no response time).
func bucketResults(rs []desk.MonitorResult, start, end time.Time, n int) []bucket {
	if n <= 0 || !end.After(start) {
		return nil
	}
	step := end.Sub(start) / time.Duration(n)
	bs := make([]bucket, n)
	sums := make([]int64, n)
	ups := make([]int64, n)
	for i := range bs {
		bs[i].From = start.Add(time.Duration(i) * step)
	}
	for _, r := range rs {
		if r.At.Before(start) || !r.At.Before(end) {
			continue
		}
		i := min(int(r.At.Sub(start)/step), n-1)
		bs[i].Checks++
		if r.Status == desk.MonitorDown {
			bs[i].Down++
			continue
		}
		ms := r.Duration.Milliseconds()
		sums[i] += ms
		ups[i]++
		bs[i].WorstMS = max(bs[i].WorstMS, ms)
	}
	out := bs[:0]
	for i, b := range bs {
		if b.Checks == 0 {
			continue
		}
		if ups[i] > 0 {
			b.MeanMS = sums[i] / ups[i]
		}
		out = append(out, b)
	}
	return out
}

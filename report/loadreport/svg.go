package loadreport

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// series is one line of a plot.
type series struct {
	name  string
	color string
	xs    []float64
	ys    []float64
}

// plot is a line chart rendered as inline SVG, with no script and no external file.
type plot struct {
	title, xlabel, ylabel string
	series                []series
	// xTicks, when set, labels the x axis at these values (for the percentile plot).
	xTicks     []float64
	xTickLabel func(float64) string
}

const (
	plotW, plotH = 720, 260
	padL, padR   = 60, 150
	padT, padB   = 30, 40
)

func (p plot) svg() string {
	minX, maxX, maxY := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range p.series {
		for i := range s.xs {
			minX, maxX = math.Min(minX, s.xs[i]), math.Max(maxX, s.xs[i])
			maxY = math.Max(maxY, s.ys[i])
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		plotW, plotH, plotW, plotH, html.EscapeString(p.title))
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14" font-weight="bold">%s</text>`, padL, html.EscapeString(p.title))
	iw, ih := float64(plotW-padL-padR), float64(plotH-padT-padB)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`, padL, padT, iw, ih)
	if math.IsInf(minX, 1) {
		b.WriteString(`<text x="300" y="140" fill="#666">no data</text></svg>`)
		return b.String()
	}
	if maxX == minX {
		maxX = minX + 1
	}
	if maxY == 0 {
		maxY = 1
	}
	maxY = niceCeil(maxY)
	X := func(x float64) float64 { return padL + (x-minX)/(maxX-minX)*iw }
	Y := func(y float64) float64 { return padT + ih - y/maxY*ih }
	for i := 0; i <= 4; i++ {
		y := maxY * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#eee"/><text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text>`,
			padL, padL+iw, Y(y), Y(y), padL-4, Y(y)+3, trim(y))
	}
	ticks := p.xTicks
	if ticks == nil {
		for i := 0; i <= 5; i++ {
			ticks = append(ticks, minX+(maxX-minX)*float64(i)/5)
		}
	}
	for _, t := range ticks {
		if t < minX || t > maxX {
			continue
		}
		label := trim(t)
		if p.xTickLabel != nil {
			label = p.xTickLabel(t)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="10" text-anchor="middle">%s</text>`, X(t), padT+ih+14, html.EscapeString(label))
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%d" font-size="11" text-anchor="middle">%s</text>`, padL+iw/2, plotH-6, html.EscapeString(p.xlabel))
	fmt.Fprintf(&b, `<text x="12" y="%.0f" font-size="11" transform="rotate(-90 12 %.0f)" text-anchor="middle">%s</text>`,
		padT+ih/2, padT+ih/2, html.EscapeString(p.ylabel))
	for k, s := range p.series {
		var pts []string
		for i := range s.xs {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", X(s.xs[i]), Y(s.ys[i])))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>`, s.color, strings.Join(pts, " "))
		ly := padT + 14 + k*16
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%.0f" y="%d" font-size="11">%s</text>`,
			padL+iw+10, padL+iw+28, ly-4, ly-4, s.color, padL+iw+32, ly, html.EscapeString(s.name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func niceCeil(v float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*e {
			return m * e
		}
	}
	return 10 * e
}

func trim(v float64) string {
	s := fmt.Sprintf("%.3g", v)
	return s
}

package loadreport

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"sort"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
)

var colors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}

// HTML writes report.html: the Markdown summary's facts as HTML plus four plots.
func HTML(w io.Writer, run *results.Run, s *Summary) error {
	var md bytes.Buffer
	if err := Markdown(&md, s); err != nil {
		return err
	}
	total, err := run.Final.Total.Decode()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!doctype html><html><head><meta charset=\"utf-8\"><title>Load run %s</title>", html.EscapeString(s.RunID))
	b.WriteString(`<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}svg{display:block;margin:1.5em 0}</style></head><body>`)
	verdict := `<p style="color:#2ca02c;font-weight:bold">thresholds passed</p>`
	if !s.Passed {
		verdict = `<p style="color:#d62728;font-weight:bold">thresholds breached</p>`
	}
	fmt.Fprintf(&b, "<h1>Load run %s</h1>%s", html.EscapeString(s.RunID), verdict)
	b.WriteString(percentilePlot(total).svg())
	b.WriteString(latencyOverTime(run.Intervals).svg())
	b.WriteString(throughputOverTime(run.Intervals).svg())
	b.WriteString(errorsOverTime(run.Intervals).svg())
	fmt.Fprintf(&b, "<h2>Summary</h2><pre>%s</pre></body></html>\n", html.EscapeString(md.String()))
	_, err = w.Write(b.Bytes())
	return err
}

// percentilePlot draws latency against percentile on the usual HDR axis, where x is
// log10(1/(1-q)): 90 %, 99 %, 99.9 % are evenly spaced.
func percentilePlot(s *metrics.Snapshot) plot {
	p := plot{title: "Latency by percentile", xlabel: "percentile", ylabel: "ms",
		xTicks: []float64{0, 1, 2, 3, 4}, xTickLabel: func(x float64) string {
			return fmt.Sprintf("%g%%", 100*(1-math.Pow(10, -x)))
		}}
	for i, n := range metrics.HistogramNames {
		h := s.Hist(n)
		if h.TotalCount() == 0 {
			continue
		}
		sr := series{name: n, color: colors[i%len(colors)]}
		for x := 0.0; x <= 4.0001; x += 0.05 {
			q := 100 * (1 - math.Pow(10, -x))
			sr.xs, sr.ys = append(sr.xs, x), append(sr.ys, float64(h.ValueAtQuantile(q))/1000)
		}
		p.series = append(p.series, sr)
	}
	return p
}

func latencyOverTime(ivs []results.Interval) plot {
	p := plot{title: "Reply and fan-out latency over time", xlabel: "seconds", ylabel: "ms"}
	add := func(name string, f func(results.Interval) float64) {
		sr := series{name: name, color: colors[len(p.series)%len(colors)]}
		for _, iv := range ivs {
			sr.xs, sr.ys = append(sr.xs, iv.T), append(sr.ys, f(iv))
		}
		p.series = append(p.series, sr)
	}
	add("reply p50", func(iv results.Interval) float64 { return iv.ReplyP50 })
	add("reply p95", func(iv results.Interval) float64 { return iv.ReplyP95 })
	add("reply p99", func(iv results.Interval) float64 { return iv.ReplyP99 })
	add("fan-out p95", func(iv results.Interval) float64 { return iv.FanoutP95 })
	return p
}

func throughputOverTime(ivs []results.Interval) plot {
	p := plot{title: "Throughput and connections over time", xlabel: "seconds", ylabel: "per second / count"}
	acked := series{name: "acked msg/s", color: colors[0]}
	target := series{name: "target ops/s", color: colors[4]}
	conns := series{name: "connections", color: colors[2]}
	for _, iv := range ivs {
		acked.xs, acked.ys = append(acked.xs, iv.T), append(acked.ys, iv.MsgPerSec)
		target.xs, target.ys = append(target.xs, iv.T), append(target.ys, iv.TargetRate)
		conns.xs, conns.ys = append(conns.xs, iv.T), append(conns.ys, float64(iv.Connections))
	}
	p.series = []series{acked, target, conns}
	return p
}

func errorsOverTime(ivs []results.Interval) plot {
	p := plot{title: "Errors over time (per interval)", xlabel: "seconds", ylabel: "count"}
	codes := map[string]bool{}
	for _, iv := range ivs {
		for c := range iv.Data.Counts.ErrorsByCode {
			codes[c] = true
		}
	}
	names := make([]string, 0, len(codes))
	for c := range codes {
		names = append(names, c)
	}
	sort.Strings(names)
	lost := series{name: "lost", color: colors[1]}
	for _, iv := range ivs {
		lost.xs, lost.ys = append(lost.xs, iv.T), append(lost.ys, float64(iv.Data.Counts.Lost+iv.Data.Counts.FanoutLost))
	}
	p.series = append(p.series, lost)
	for i, c := range names {
		sr := series{name: c, color: colors[(i+2)%len(colors)]}
		for _, iv := range ivs {
			sr.xs, sr.ys = append(sr.xs, iv.T), append(sr.ys, float64(iv.Data.Counts.ErrorsByCode[c]))
		}
		p.series = append(p.series, sr)
	}
	return p
}

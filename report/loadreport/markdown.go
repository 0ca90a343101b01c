package loadreport

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Markdown writes the summary as Markdown.
func Markdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	verdict := "PASSED"
	if !s.Passed {
		verdict = "THRESHOLDS BREACHED"
	}
	fmt.Fprintf(&b, "# Load run %s: %s\n\n", s.RunID, verdict)
	fmt.Fprintf(&b, "- scenario: %s; target: %s; shards: %d; users: %d; duration: %.1f s\n", s.Scenario, s.Target, s.Shards, s.Users, s.Duration)
	if s.TargetStarted != "" {
		fmt.Fprintf(&b, "- target started in-process for this run: %s\n", s.TargetStarted)
	}
	fmt.Fprintf(&b, "- contract: sha256 %s\n", s.Contract)
	fmt.Fprintf(&b, "- %s\n", limitsLine(s))
	if s.Interrupted {
		b.WriteString("- **interrupted**: the run did not finish\n")
	}
	c := s.Counts
	b.WriteString("\n## Counts\n\n| what | count |\n|---|---:|\n")
	rows := [][2]any{{"connect attempts", c.ConnectAttempts}, {"connect failed", c.ConnectFailed},
		{"max concurrent connections", c.MaxConnections}, {"disconnects", c.Disconnects}, {"reconnects", c.Reconnects},
		{"requests", c.Requests}, {"replies", c.Replies}, {"error answers", c.Errors}, {"lost (no answer in time)", c.Lost},
		{"late answers", c.Late}, {"messages sent", c.MessagesSent}, {"messages acked", c.MessagesAcked},
		{"fan-out expected", c.FanoutExpected}, {"fan-out delivered", c.FanoutDelivered}, {"fan-out lost", c.FanoutLost},
		{"duplicated deliveries", c.Duplicates}, {"out-of-order deliveries", c.OutOfOrder}, {"unmatched deliveries", c.Unmatched},
		{"re-synced messages", c.Resynced}, {"pending at end", s.Pending}, {"fan-out pending at end", s.FanPending}}
	if c.FanoutRecovered > 0 {
		rows = append(rows, [2]any{"fan-out recovered by re-sync", c.FanoutRecovered})
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d |\n", r[0], r[1])
	}
	fmt.Fprintf(&b, "\nerror rate %s; acked messages %.1f/s\n", pct(s.ErrorRate), s.MsgPerSec)
	if len(c.ErrorsByCode) > 0 {
		b.WriteString("\n## Errors by code\n\n| code | count |\n|---|---:|\n")
		codes := make([]string, 0, len(c.ErrorsByCode))
		for k := range c.ErrorsByCode {
			codes = append(codes, k)
		}
		sort.Strings(codes)
		for _, k := range codes {
			fmt.Fprintf(&b, "| %s | %d |\n", k, c.ErrorsByCode[k])
		}
	}
	b.WriteString("\n## Latencies (ms, HDR histograms, 3 significant digits)\n\n| metric | count | min | p50 | p90 | p95 | p99 | p99.9 | max | mean |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, l := range s.Latencies {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
			l.Metric, l.Count, l.Min, l.P50, l.P90, l.P95, l.P99, l.P999, l.Max, l.Mean)
	}
	b.WriteString("\n## Thresholds")
	if len(s.JudgedPhases) > 0 {
		fmt.Fprintf(&b, " (judged on phases %s)", strings.Join(s.JudgedPhases, ", "))
	}
	b.WriteString("\n\n")
	for _, r := range s.Thresholds {
		mark := "ok"
		switch {
		case r.NoData:
			mark = "no data"
		case !r.Pass && r.Informational:
			mark = "informational"
		case !r.Pass:
			mark = "**BREACHED**"
		}
		fmt.Fprintf(&b, "- %s: `%s` %s — %s\n", r.Metric, r.Expr, mark, r.Message)
	}
	if s.Capacity != nil {
		fmt.Fprintf(&b, "\n## Capacity\n\nhighest sustained rate: **%.1f ops/s** (%s)\n\n| step | rate | acked/s | reply p95 ms | verdict |\n|---|---:|---:|---:|---|\n",
			s.Capacity.HighestSustained, limitsLine(s))
		for _, st := range s.Capacity.Steps {
			v := "ok"
			if !st.Passed {
				v = strings.Join(st.Breaches, "; ")
			}
			fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.2f | %s |\n", st.Phase, st.Rate, st.Acked, st.P95, v)
		}
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func limitsLine(s *Summary) string {
	var parts []string
	if s.Limits.Raised {
		parts = append(parts, "run with RAISED rate limits (limits_raised: true)")
	} else {
		parts = append(parts, "within the contract's per-socket rate limits")
	}
	if s.Limits.TargetRaised != nil {
		parts = append(parts, fmt.Sprintf("target reports limitsRaised=%v", *s.Limits.TargetRaised))
	} else if s.Limits.HealthError != "" {
		parts = append(parts, "target health unavailable: "+s.Limits.HealthError)
	}
	for _, r := range s.Limits.PerSocket {
		parts = append(parts, fmt.Sprintf("%s %.1f/%s per socket (limit %d)", r.Event, r.PerWindow, r.Window, r.Limit))
	}
	return strings.Join(parts, "; ")
}

package bench

import (
	"fmt"
	"strings"
	"time"
)

// Markdown renders the result as a table with Go/Node ratios.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Comparative benchmark: Go reference server vs Node socket.io 4.8\n\n")
	fmt.Fprintf(&b, "Run %s, contract %s. Rate limits OFF in both servers. %d acked senders for %s; fan-out to a room of %s members, %d messages; %d idle connections. Client and servers share this machine.\n\n",
		r.Started.Format(time.RFC3339), short(r.Contract), r.Options.Senders, r.Options.Duration,
		"maxUsersPerRoom", r.Options.FanoutMessages, r.Options.IdleConnections)
	fmt.Fprintf(&b, "| measure | Go | Node | Go/Node |\n|---|---|---|---|\n")
	row := func(name string, g, n float64, unit string) {
		ratio := "n/a"
		if n > 0 {
			ratio = fmt.Sprintf("%.2f", g/n)
		}
		fmt.Fprintf(&b, "| %s | %.2f %s | %.2f %s | %s |\n", name, g, unit, n, unit, ratio)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	row("server CPU per 1,000 acked messages", ms(r.Go.CPUPer1000Acked()), ms(r.Node.CPUPer1000Acked()), "ms")
	row("server CPU per 1,000 fan-out deliveries", ms(r.Go.CPUPer1000Deliveries()), ms(r.Node.CPUPer1000Deliveries()), "ms")
	row("RSS per idle connection", float64(r.Go.RSSPerConnection)/1024, float64(r.Node.RSSPerConnection)/1024, "KiB")
	row("acked messages per second (throughput)", r.Go.AckedPerSecond, r.Node.AckedPerSecond, "msg/s")
	fmt.Fprintf(&b, "\nRaw: Go %d acked in %s CPU, %d deliveries in %s CPU; Node %d acked in %s CPU, %d deliveries in %s CPU.\n",
		r.Go.Acked, r.Go.AckedCPU, r.Go.Deliveries, r.Go.FanoutCPU, r.Node.Acked, r.Node.AckedCPU, r.Node.Deliveries, r.Node.FanoutCPU)
	return b.String()
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

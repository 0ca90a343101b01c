package bench

import (
	"fmt"
	"strings"
	"time"
)

// Markdown renders the result as a table with Go/Node ratios (and Go/baseline
// ratios when a baseline ran), each round's ratios, and the hold test.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Comparative benchmark: Go reference server vs Node socket.io 4.8\n\n")
	fmt.Fprintf(&b, "Run %s, contract %s. Rate limits OFF in both servers. %d acked senders for %s; fan-out to a room of %s members, %d messages; %d idle connections (fresh process); %d round(s), interleaved. Client and servers share this machine.",
		r.Started.Format(time.RFC3339), short(r.Contract), r.Options.Senders, r.Options.Duration,
		"maxUsersPerRoom", r.Options.FanoutMessages, r.Options.IdleConnections, max(1, r.Options.Rounds))
	if r.Options.ProfileDir != "" {
		fmt.Fprintf(&b, " The Go server was profiled (pprof) during this run: its CPU figures include the profiler's cost.")
	}
	b.WriteString("\n\n")
	base := r.Baseline
	if base != nil {
		fmt.Fprintf(&b, "| measure | Go | Node | Go/Node | Go baseline | baseline/Node | Go/baseline |\n|---|---|---|---|---|---|---|\n")
	} else {
		fmt.Fprintf(&b, "| measure | Go | Node | Go/Node |\n|---|---|---|---|\n")
	}
	ratio := func(a, c float64) string {
		if c <= 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", a/c)
	}
	row := func(name string, f func(Measure) float64, unit string) {
		g, n := f(r.Go), f(r.Node)
		fmt.Fprintf(&b, "| %s | %.2f %s | %.2f %s | %s |", name, g, unit, n, unit, ratio(g, n))
		if base != nil {
			bl := f(*base)
			fmt.Fprintf(&b, " %.2f %s | %s | %s |", bl, unit, ratio(bl, n), ratio(g, bl))
		}
		b.WriteString("\n")
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	row("server CPU per 1,000 acked messages", func(m Measure) float64 { return ms(m.CPUPer1000Acked()) }, "ms")
	row("server CPU per 1,000 fan-out deliveries", func(m Measure) float64 { return ms(m.CPUPer1000Deliveries()) }, "ms")
	row("RSS per idle connection", func(m Measure) float64 { return float64(m.RSSPerConnection) / 1024 }, "KiB")
	row("acked messages per second (throughput)", func(m Measure) float64 { return m.AckedPerSecond }, "msg/s")
	if r.Go.GoroutinesPerConnection > 0 {
		fmt.Fprintf(&b, "\nGo server goroutines per idle connection: %.2f.\n", r.Go.GoroutinesPerConnection)
	}
	fmt.Fprintf(&b, "\nRaw: Go %d acked in %s CPU, %d deliveries in %s CPU; Node %d acked in %s CPU, %d deliveries in %s CPU.\n",
		r.Go.Acked, r.Go.AckedCPU, r.Go.Deliveries, r.Go.FanoutCPU, r.Node.Acked, r.Node.AckedCPU, r.Node.Deliveries, r.Node.FanoutCPU)
	if len(r.Rounds) > 1 {
		fmt.Fprintf(&b, "\nPer round, Go/Node (acked CPU, fan-out CPU, RSS)")
		if base != nil {
			b.WriteString(" and Go/baseline")
		}
		b.WriteString(":\n\n")
		for i, rd := range r.Rounds {
			fmt.Fprintf(&b, "- round %d: %s", i+1, ratios(rd[0], rd[1]))
			if len(rd) > 2 {
				fmt.Fprintf(&b, "; vs baseline %s", ratios(rd[0], rd[2]))
			}
			b.WriteString("\n")
		}
	}
	if len(r.Hold) > 0 {
		fmt.Fprintf(&b, "\nHeld idle connections (fresh process each, %d dials in flight, held %s):\n\n", r.Options.Parallel, r.Options.HoldFor)
		fmt.Fprintf(&b, "| server | wanted | connected | failed | connect time | alive at end | RSS | RSS per connection |\n|---|---|---|---|---|---|---|---|\n")
		for _, h := range r.Hold {
			per := 0.0
			if h.Connected > 0 {
				per = float64(h.RSS-h.RSSBase) / float64(h.Connected) / 1024
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d | %.1f MiB | %.2f KiB |\n", h.Server, h.Wanted, h.Connected, h.Failed,
				h.Connect.Round(time.Millisecond), h.Alive, float64(h.RSS)/(1<<20), per)
		}
		for _, h := range r.Hold {
			if h.FirstErr != "" {
				fmt.Fprintf(&b, "\n%s: first connect error: %s\n", h.Server, h.FirstErr)
			}
		}
	}
	return b.String()
}

func ratios(a, c Measure) string {
	f := func(x, y float64) string {
		if y <= 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", x/y)
	}
	return f(float64(a.CPUPer1000Acked()), float64(c.CPUPer1000Acked())) + ", " +
		f(float64(a.CPUPer1000Deliveries()), float64(c.CPUPer1000Deliveries())) + ", " +
		f(float64(a.RSSPerConnection), float64(c.RSSPerConnection))
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

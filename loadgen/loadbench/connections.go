package loadbench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
)

// Connections is the connection check: ManyConnections users of one generator
// process against the Node benchmark server, each joined to its conversation, with
// messages flowing while they are held.
type Connections struct {
	Users          int      `json:"users"`
	MaxConnections int64    `json:"maxConnections"`
	Acked          int64    `json:"acked"`
	Memory         Memory   `json:"memory"`
	ConnectP99     float64  `json:"connectP99Ms"`
	ReplyP99       float64  `json:"replyP99Ms"`
	Failures       Failures `json:"failures"`
	// Disconnects the server caused (our generator counts every drop it saw).
	Disconnects int64 `json:"disconnects"`
}

func (c *Connections) met() bool {
	return c.MaxConnections >= TargetConnections && c.Memory.Peak > 0 && c.Memory.Peak <= TargetRSS && c.Failures.Zero()
}

// manyScenario is our generator's side: one user per conversation, connecting
// within 20 s, then ManyRate msg/s for ManyHold.
func manyScenario(o *Options) string {
	return fmt.Sprintf(`name: loadbench-connections
description: Connection check of the load generator benchmark (loadgen/loadbench).
target: {namespace: %s}
tenant: {id: t_bench, workspace: ws_bench}
users: {conversations: %d, agents_per_conversation: 1}
connect: {within: 20s}
model: {kind: open}
phases:
  - {name: hold, duration: %s, rate: %g}
mix: {send-message: 1}
texts: {min_words: 5, max_words: 5}
`, o.namespace(), o.ManyConnections, o.ManyHold, o.ManyRate)
}

func runConnections(ctx context.Context, o *Options, secret, work string) (*Connections, error) {
	srv, err := startNodeServer(ctx, o, secret, work, "connections")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r, err := runOurs(ctx, o, srv.url, secret, manyScenario(o), work, "connections", 20*time.Second+o.ManyHold+3*time.Minute)
	if err != nil {
		return nil, err
	}
	total, err := r.total()
	if err != nil {
		return nil, err
	}
	c := total.Counts
	return &Connections{Users: r.run.Settings.Users, MaxConnections: c.MaxConnections, Acked: c.MessagesAcked,
		Memory: r.proc.memory(), ConnectP99: ms(total.Hist(metrics.ConnectTime).ValueAtQuantile(99)),
		ReplyP99: ms(total.Hist(metrics.ReplyLatency).ValueAtQuantile(99)), Failures: clientFailures(total, r.run),
		Disconnects: c.Disconnects}, nil
}

func (c *Connections) markdown(b *strings.Builder, o *Options) {
	fmt.Fprintf(b, "## %d connections from one process (target: at most 1 GB RSS, no failure)\n\n", o.ManyConnections)
	fmt.Fprintf(b, "One `rtconform load` process, %d users (one connection and one conversation each, every one joined), connecting within 20 s to the Node benchmark server, then %.0f msg/s for %s. RSS from /proc/PID/status of the generator: VmHWM, the kernel's high-water mark over the whole run.\n\n",
		o.ManyConnections, o.ManyRate, o.ManyHold)
	mark := "met"
	if !c.met() {
		mark = "**NOT met**"
	}
	fmt.Fprintf(b, "| users | max connections | peak RSS MiB | RSS per connection KiB | connect p99 ms | acked | reply p99 ms | server-side drops | failures |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	perConn := 0.0
	if c.MaxConnections > 0 {
		perConn = float64(c.Memory.Peak) / float64(c.MaxConnections) / 1024
	}
	fmt.Fprintf(b, "| %d | %d | %.0f | %.1f | %.1f | %d | %.2f | %d | %s |\n\n%s.\n\n", c.Users, c.MaxConnections,
		float64(c.Memory.Peak)/(1<<20), perConn, c.ConnectP99, c.Acked, c.ReplyP99, c.Disconnects, failuresText(c.Failures), mark)
}

package loadbench

import (
	"fmt"
	"strings"
	"time"
)

// Targets of issue 5 item 9.
const (
	TargetRatio       = 3.0
	TargetAddedP99    = time.Millisecond
	TargetConnections = 5000
	TargetRSS         = 1_000_000_000 // 1 GB
)

// Met reports whether every part that ran met its target, with no failure on our
// generator's side.
func (r *Result) Met() bool {
	ok := len(r.Errors) == 0
	if a := r.Acked; a != nil {
		ok = ok && a.Ratio >= TargetRatio
		for _, m := range a.Ours {
			ok = ok && m.Failures.Zero()
		}
	}
	if l := r.Latency; l != nil {
		ok = ok && l.met()
	}
	if c := r.Connections; c != nil {
		ok = ok && c.met()
	}
	return ok
}

// Markdown renders the figures, the targets and the method.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Load generator benchmark (issue 5 item 9)\n\n")
	fmt.Fprintf(&b, "Run %s, contract %s, load average at the end %s. Clients and servers share this machine; each runs in its own process.\n\n",
		r.Started.Format(time.RFC3339), short(r.Contract), loadAverage())
	if a := r.Acked; a != nil {
		a.markdown(&b, &r.Options, true)
	}
	if a := r.Paced; a != nil {
		a.markdown(&b, &r.Options, false)
	}
	if l := r.Latency; l != nil {
		l.markdown(&b, &r.Options)
	}
	if c := r.Connections; c != nil {
		c.markdown(&b, &r.Options)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\n**error**: %s\n", e)
	}
	verdict := "MET"
	if !r.Met() {
		verdict = "NOT MET"
	}
	fmt.Fprintf(&b, "\nVerdict: **%s**\n", verdict)
	return b.String()
}

func (a *Acked) markdown(b *strings.Builder, o *Options, judged bool) {
	if judged {
		fmt.Fprintf(b, "## Acked messages per CPU-second: ours vs Artillery %s (target: at least %.0fx)\n\n", ArtilleryVersion, TargetRatio)
	} else {
		fmt.Fprintf(b, "## Paced: the same with %s think time (for information)\n\n", a.Think)
	}
	think := "no think time (bench's acked workload)"
	if a.Think > 0 {
		think = "then thinking " + a.Think.String()
	}
	fmt.Fprintf(b, "Same server (bench/node/server.js, a fresh process per client run), same workload: %d connections, each sending the send-message event and waiting for its reply, %s; %s steady; %d rounds, alternating which client goes first. Client CPU from /proc (process tree, user+system) over each client's steady window: its own reporting periods less the first and last.\n\n",
		o.Connections, think, o.Duration, o.Rounds)
	if judged {
		b.WriteString("Ours: `rtconform load`, closed model, one user and conversation per connection, each with its own token, waiting for the reply event matched by messageId (reply timeout: the contract's 10 s). " +
			"Artillery: its socketio engine over websocket, one token per user from a payload file, `namespace` beside `emit`, `acknowledge` matching `$.0.event` to the reply's name so that each user waits for each reply, `config.timeout` 10 (Artillery applies it to `response` waits; an ack wait has no timeout of its own, so a lost ack would leave a user unfinished, counted as a failed user). " +
			"Its engine connects the root namespace first, then the event's. The server answers a send with the reply event and conversation:updated, plus the ack when asked: Artillery decodes three frames per message, ours two.\n\n")
	}
	fmt.Fprintf(b, "| client | round | window s | acked | CPU s | acked/CPU-s | CPU ms per 1k | of it kernel | acked/s | reply p99 ms | whole-process acked/CPU-s | peak RSS MiB | failures |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	all := append(append(append([]ClientMeasure(nil), a.Ours...), a.Artillery...), a.Raw...)
	for _, m := range all {
		w := m.Window
		sysPer1k := 0.0
		if w.Acked > 0 {
			sysPer1k = float64(w.Sys) / float64(time.Millisecond) * 1000 / float64(w.Acked)
		}
		fmt.Fprintf(b, "| %s | %d | %.1f | %d | %.2f | %.0f | %.1f | %.1f | %.0f | %.2f | %.0f | %.0f | %s |\n",
			m.Client, m.Round, w.End.Sub(w.Start).Seconds(), w.Acked, w.CPU.Seconds(), w.AckedPerCPUSecond,
			float64(w.CPUPer1000)/float64(time.Millisecond), sysPer1k, w.AckedPerSecond, m.ReplyP99,
			perCPUSecond(m.TotalAcked, m.TotalCPU), float64(m.Memory.Peak)/(1<<20), failuresText(m.Failures))
	}
	mark := "met"
	switch {
	case !judged:
		mark = "not judged"
	case a.Ratio < TargetRatio:
		mark = "**NOT met**"
	}
	fmt.Fprintf(b, "\nOurs %.0f vs Artillery %.0f acked messages per CPU-second: **%.2fx** (%s; per round %s; whole processes, start-up included, %.2fx).\n",
		a.OursPerCPUSecond, a.ArtilleryPerCPUSecond, a.Ratio, mark, floats(a.RoundRatios), a.TotalRatio)
	if len(a.Raw) > 0 {
		raw := sumPerCPU(a.Raw, false)
		fmt.Fprintf(b, "The raw websocket client (pre-built frames, nothing decoded: the floor) reached %.0f: ours is at %.0f%% of the floor, Artillery at %.0f%%; the ratio the floor itself would reach over Artillery is %.2fx.\n",
			raw, 100*ratio(a.OursPerCPUSecond, raw), 100*ratio(a.ArtilleryPerCPUSecond, raw), ratio(raw, a.ArtilleryPerCPUSecond))
	}
	b.WriteString("\n")
}

func failuresText(f Failures) string {
	if f.Zero() {
		return "none"
	}
	return fmt.Sprintf("connect %d, timeouts %d, errors %d, pending %d, client-side %d, failed users %d",
		f.ConnectFailed, f.Timeouts, f.Errors, f.PendingAtEnd, f.ClientSide, f.FailedUsers)
}

func floats(fs []float64) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%.2fx", f))
	}
	return strings.Join(parts, ", ")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

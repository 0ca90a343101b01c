package loadbench

import (
	"context"
	"fmt"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/utalk/rtconform/loadgen"
	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/spec"
)

// LatencyFigures are one client's steady-state reply latency against the echo
// server, ms, over all rounds.
type LatencyFigures struct {
	Client string  `json:"client"`
	Count  int64   `json:"count"`
	P50    float64 `json:"p50Ms"`
	P99    float64 `json:"p99Ms"`
	P999   float64 `json:"p999Ms"`
	Max    float64 `json:"maxMs"`
	// CPUPer1000 is the client's CPU time per 1,000 replies in its steady window.
	CPUPer1000 time.Duration `json:"cpuPer1000Ns"`
	Failures   Failures      `json:"failures"`
	RoundP99   []float64     `json:"roundP99Ms"`
}

// Latency is the added-latency check: our generator's p99 against the raw client's
// at the same open rate against the same echo server.
type Latency struct {
	Ours     LatencyFigures `json:"ours"`
	Raw      LatencyFigures `json:"raw"`
	AddedP99 float64        `json:"addedP99Ms"`
}

func (l *Latency) met() bool {
	return l.AddedP99 <= float64(TargetAddedP99)/float64(time.Millisecond) && l.Ours.Failures.Zero() && l.Ours.Count > 0
}

// latencyScenario is our side: the open model at rate over users conversations of
// one agent each, timed from the intended send time.
func latencyScenario(o *Options) string {
	return fmt.Sprintf(`name: loadbench-latency
description: Added-latency check of the load generator benchmark (loadgen/loadbench).
target: {namespace: %s}
tenant: {id: t_bench, workspace: ws_bench}
users: {conversations: %d, agents_per_conversation: 1}
connect: {within: 1s}
model: {kind: open}
phases:
  - {name: warmup, duration: 3s, rate: %g}
  - {name: steady, duration: %s, rate: %g}
mix: {send-message: 1}
texts: {min_words: 5, max_words: 5}
judge_phases: [steady]
limits_raised: true
`, o.namespace(), o.LatencyConnections, o.LatencyRate, o.LatencyDuration, o.LatencyRate)
}

// runLatency alternates the raw client and ours, Rounds times, each against a fresh
// echo server.
func runLatency(ctx context.Context, o *Options, secret, work string) (*Latency, error) {
	l := &Latency{Ours: LatencyFigures{Client: "rtconform load"}, Raw: LatencyFigures{Client: "raw websocket client"}}
	oursH, rawH := metrics.NewHistogram(), metrics.NewHistogram()
	var oursCPU, rawCPU time.Duration
	var oursN, rawN int64
	limit := o.LatencyDuration + 2*time.Minute
	send := o.Contract.ByRole(spec.SendMessage)
	for round := range o.Rounds {
		order := []string{"raw", "ours"}
		if round%2 == 1 {
			order = []string{"ours", "raw"}
		}
		for _, who := range order {
			tag := fmt.Sprintf("latency-r%d-%s", round, who)
			srv, err := startEchoProcess(ctx, o, work, tag)
			if err != nil {
				return nil, err
			}
			err = func() error {
				defer srv.stop()
				if who == "raw" {
					toks, err := mintTokens(ctx, secret, tag, o.LatencyConnections)
					if err != nil {
						return err
					}
					r, err := runRawProcess(ctx, o, RawConfig{URL: srv.url, Namespace: o.namespace(),
						AuthField: o.Contract.Handshake.AuthField, Tokens: toks, SendEvent: send.Name,
						ReplyEvent: send.Reply.Name, Rate: o.LatencyRate, Warmup: 3 * time.Second,
						Duration: o.LatencyDuration, Timeout: o.Contract.Limits.ReplyTimeout()}, work, tag, limit)
					if err != nil {
						return err
					}
					h, err := r.hist()
					if err != nil {
						return err
					}
					rawH.Merge(h)
					l.Raw.RoundP99 = append(l.Raw.RoundP99, ms(h.ValueAtQuantile(99)))
					w := steadyWindow(r.periods(), r.proc.cpuAt, r.proc.sysAt)
					rawCPU, rawN = rawCPU+w.CPU, rawN+w.Acked
					l.Raw.Failures = addFailures(l.Raw.Failures, r.res.Failures)
					return nil
				}
				r, err := runOurs(ctx, o, srv.url, secret, latencyScenario(o), work, tag, limit)
				if err != nil {
					return err
				}
				judged, err := loadgen.JudgedSnapshot(r.run.Intervals, []string{"steady"})
				if err != nil {
					return err
				}
				h := judged.Hist(metrics.ReplyLatency)
				oursH.Merge(h)
				l.Ours.RoundP99 = append(l.Ours.RoundP99, ms(h.ValueAtQuantile(99)))
				w := steadyWindow(r.periods("steady"), r.proc.cpuAt, r.proc.sysAt)
				oursCPU, oursN = oursCPU+w.CPU, oursN+w.Acked
				total, err := r.total()
				if err != nil {
					return err
				}
				l.Ours.Failures = addFailures(l.Ours.Failures, clientFailures(total, r.run))
				return nil
			}()
			if err != nil {
				return nil, err
			}
		}
	}
	l.Ours.fill(oursH, oursCPU, oursN)
	l.Raw.fill(rawH, rawCPU, rawN)
	l.AddedP99 = l.Ours.P99 - l.Raw.P99
	return l, nil
}

func (f *LatencyFigures) fill(h *hdr.Histogram, cpu time.Duration, n int64) {
	f.Count = h.TotalCount()
	f.P50, f.P99, f.P999, f.Max = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(99)), ms(h.ValueAtQuantile(99.9)), ms(h.Max())
	if n > 0 {
		f.CPUPer1000 = time.Duration(float64(cpu) * 1000 / float64(n))
	}
}

func addFailures(a, b Failures) Failures {
	return Failures{ConnectFailed: a.ConnectFailed + b.ConnectFailed, Timeouts: a.Timeouts + b.Timeouts,
		Errors: a.Errors + b.Errors, PendingAtEnd: a.PendingAtEnd + b.PendingAtEnd, ClientSide: a.ClientSide + b.ClientSide,
		FailedUsers: a.FailedUsers + b.FailedUsers}
}

func (l *Latency) markdown(b *strings.Builder, o *Options) {
	fmt.Fprintf(b, "## Added p99 reply latency at %.0f msg/s (target: at most %s)\n\n", o.LatencyRate, TargetAddedP99)
	fmt.Fprintf(b, "Against a minimal echo server (`loadbench echo`: hand-written Engine.IO/Socket.IO over gorilla/websocket, answering each send with its reply at once), in its own process, fresh for each client run. Both clients send the send-message event at an open rate of %.0f msg/s spread over %d connections for %s after a 3 s warm-up, and time each reply from the intended send time (so a stall of the client counts too). The baseline is a raw websocket client (`loadbench raw`: pre-built frames, replies found by a byte search, nothing decoded), which pays the same kernel, loopback and server costs; ours minus raw is what the load generator adds. %d rounds, alternating which goes first; histograms merged over the rounds.\n\n",
		o.LatencyRate, o.LatencyConnections, o.LatencyDuration, o.Rounds)
	fmt.Fprintf(b, "| client | replies | p50 ms | p99 ms | p99.9 ms | max ms | p99 per round | CPU ms per 1k | failures |\n|---|---:|---:|---:|---:|---:|---|---:|---|\n")
	for _, f := range []LatencyFigures{l.Ours, l.Raw} {
		var rounds []string
		for _, p := range f.RoundP99 {
			rounds = append(rounds, fmt.Sprintf("%.2f", p))
		}
		fmt.Fprintf(b, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %.1f | %s |\n", f.Client, f.Count, f.P50, f.P99, f.P999, f.Max,
			strings.Join(rounds, ", "), float64(f.CPUPer1000)/float64(time.Millisecond), failuresText(f.Failures))
	}
	mark := "met"
	if !l.met() {
		mark = "**NOT met**"
	}
	fmt.Fprintf(b, "\nAdded p99: **%.3f ms** (%s).\n\n", l.AddedP99, mark)
}

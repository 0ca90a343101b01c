package loadbench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/spec"
)

// ackedScenario is our generator's side of the acked workload: the closed model,
// one user per conversation, each sending, waiting for the reply, thinking; a warm-up
// phase before the steady one. Rate limits are raised because the Node benchmark
// server has none and 20 msg/s per socket is above the contract's.
func ackedScenario(o *Options, think time.Duration) string {
	return fmt.Sprintf(`name: loadbench-acked
description: Acked workload of the load generator benchmark (loadgen/loadbench).
target: {namespace: %s}
tenant: {id: t_bench, workspace: ws_bench}
users: {conversations: %d, agents_per_conversation: 1}
connect: {within: 2s}
model: {kind: closed, think_time: %s}
phases:
  - {name: warmup, duration: 3s}
  - {name: steady, duration: %s}
mix: {send-message: 1}
texts: {min_words: 5, max_words: 5}
limits_raised: true
`, o.namespace(), o.Connections, think, o.Duration)
}

// runAcked runs the acked workload with think time think Rounds times with each
// client, alternating which goes first, each against a fresh Node benchmark server.
func runAcked(ctx context.Context, o *Options, secret, work, name string, think time.Duration) (*Acked, error) {
	a := &Acked{Workload: name, Think: think}
	// Artillery's users loop as long as our generator's warm-up and steady phases.
	seconds := (3*time.Second + o.Duration).Seconds()
	limit := 3*time.Second + o.Duration + 2*time.Minute
	for round := range o.Rounds {
		order := []string{"ours", "artillery"}
		if round%2 == 1 {
			order = []string{"artillery", "ours"}
		}
		if think == 0 {
			// The raw client shows the floor: what any client pays for this traffic.
			order = append(order, "raw")
		}
		for _, who := range order {
			tag := fmt.Sprintf("%s-r%d-%s", name, round, who)
			srv, err := startNodeServer(ctx, o, secret, work, tag)
			if err != nil {
				return nil, err
			}
			var m ClientMeasure
			switch who {
			case "ours":
				m, err = measureOurs(ctx, o, srv.url, secret, work, tag, think, limit)
			case "artillery":
				m, err = measureArtillery(ctx, o, srv.url, secret, work, tag, think, seconds, limit)
			default:
				m, err = measureRaw(ctx, o, srv.url, secret, work, tag, seconds, limit)
			}
			srv.stop()
			if err != nil {
				return nil, err
			}
			m.Round = round
			switch who {
			case "ours":
				a.Ours = append(a.Ours, m)
			case "artillery":
				a.Artillery = append(a.Artillery, m)
			default:
				a.Raw = append(a.Raw, m)
			}
		}
		ours, art := a.Ours[round].Window, a.Artillery[round].Window
		a.RoundRatios = append(a.RoundRatios, ratio(ours.AckedPerCPUSecond, art.AckedPerCPUSecond))
	}
	a.OursPerCPUSecond, a.ArtilleryPerCPUSecond = sumPerCPU(a.Ours, false), sumPerCPU(a.Artillery, false)
	a.Ratio = ratio(a.OursPerCPUSecond, a.ArtilleryPerCPUSecond)
	a.TotalRatio = ratio(sumPerCPU(a.Ours, true), sumPerCPU(a.Artillery, true))
	return a, nil
}

func measureOurs(ctx context.Context, o *Options, target, secret, work, tag string, think, limit time.Duration) (ClientMeasure, error) {
	r, err := runOurs(ctx, o, target, secret, ackedScenario(o, think), work, tag, limit)
	if err != nil {
		return ClientMeasure{}, err
	}
	total, err := r.total()
	if err != nil {
		return ClientMeasure{}, err
	}
	return ClientMeasure{Client: "rtconform load", Window: steadyWindow(r.periods("steady"), r.proc.cpuAt, r.proc.sysAt),
		TotalCPU: r.proc.cpuTotal(), TotalAcked: total.Counts.MessagesAcked,
		ReplyP99: ms(total.Hist(metrics.ReplyLatency).ValueAtQuantile(99)),
		Failures: clientFailures(total, r.run), Memory: r.proc.memory(), Log: r.proc.log.Name()}, nil
}

func measureArtillery(ctx context.Context, o *Options, target, secret, work, tag string, think time.Duration, seconds float64, limit time.Duration) (ClientMeasure, error) {
	r, err := runArtillery(ctx, o, target, secret, work, tag, o.Connections, think, seconds, limit)
	if err != nil {
		return ClientMeasure{}, err
	}
	agg := r.report.Aggregate
	return ClientMeasure{Client: "Artillery " + ArtilleryVersion + " socketio", Window: steadyWindow(r.periods(), r.proc.cpuAt, r.proc.sysAt),
		TotalCPU: r.proc.cpuTotal(), TotalAcked: agg.acked(), ReplyP99: agg.Summaries[ackedMetric].P99,
		Failures: r.failures(), Memory: r.proc.memory(), Log: filepath.Join(work, tag)}, nil
}

func measureRaw(ctx context.Context, o *Options, target, secret, work, tag string, seconds float64, limit time.Duration) (ClientMeasure, error) {
	toks, err := mintTokens(ctx, secret, tag, o.Connections)
	if err != nil {
		return ClientMeasure{}, err
	}
	send := o.Contract.ByRole(spec.SendMessage)
	r, err := runRawProcess(ctx, o, RawConfig{URL: target, Namespace: o.namespace(), AuthField: o.Contract.Handshake.AuthField,
		Tokens: toks, SendEvent: send.Name, ReplyEvent: send.Reply.Name, Warmup: 3 * time.Second,
		Duration: time.Duration(seconds*float64(time.Second)) - 3*time.Second, Timeout: o.Contract.Limits.ReplyTimeout()}, work, tag, limit)
	if err != nil {
		return ClientMeasure{}, err
	}
	h, err := r.hist()
	if err != nil {
		return ClientMeasure{}, err
	}
	return ClientMeasure{Client: "raw websocket client (floor)", Window: steadyWindow(r.periods(), r.proc.cpuAt, r.proc.sysAt),
		TotalCPU: r.proc.cpuTotal(), TotalAcked: r.res.Acked, ReplyP99: ms(h.ValueAtQuantile(99)),
		Failures: r.res.Failures, Memory: r.proc.memory(), Log: r.proc.log.Name()}, nil
}

// ArtilleryVersion is the Artillery pinned in loadgen/loadbench/node/package.json.
const ArtilleryVersion = "2.0.34"

func sumPerCPU(ms []ClientMeasure, total bool) float64 {
	var acked int64
	var cpu time.Duration
	for _, m := range ms {
		if total {
			acked, cpu = acked+m.TotalAcked, cpu+m.TotalCPU
		} else {
			acked, cpu = acked+m.Window.Acked, cpu+m.Window.CPU
		}
	}
	return perCPUSecond(acked, cpu)
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// ms converts a histogram value (µs) to milliseconds.
func ms(us int64) float64 { return float64(us) / 1000 }

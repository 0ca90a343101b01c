package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// Options configures Run. Zero values take the defaults in brackets.
type Options struct {
	// GoCommand starts the Go reference server; Run appends --addr and
	// --no-rate-limits (and --pprof with ProfileDir) and sets JWT_SECRET. Required.
	GoCommand []string
	// BaselineCommand, when set, starts a second Go server (say the build before a
	// change) that runs the same workloads in the same invocation, interleaved with
	// the others, so that before/after ratios do not depend on the machine's drift.
	BaselineCommand []string
	// NodeDir holds server.js with its node_modules [bench/node].
	NodeDir string
	// Node is the node binary [node].
	Node string
	// Senders is the number of acked connections [50].
	Senders int
	// Duration is how long the acked workload runs [10s].
	Duration time.Duration
	// FanoutMessages is the number of messages sent to the full room [200].
	FanoutMessages int
	// IdleConnections is the number of idle connections for RSS [1000].
	IdleConnections int
	// Rounds repeats every workload on every server, interleaved, alternating the
	// order [1]. The measures are totals over the rounds; each round's ratios are
	// kept too, to show the spread.
	Rounds int
	// ProfileDir, when set, runs the Go server (not the baseline) with --pprof and
	// saves there a CPU profile of the acked and of the fan-out workload and heap
	// profiles before and after the idle connections. Profiling costs the Go
	// server a few percent of CPU: take figures from runs without it.
	ProfileDir string
	// Hold, when above zero, opens that many idle connections to each server in a
	// fresh process, Parallel at a time, and keeps them HoldFor: connect failures,
	// time to connect, RSS, connections still open at the end.
	Hold     int
	HoldFor  time.Duration // [30s]
	Parallel int           // [100]
	// WorkDir receives the servers' logs and the Node config [a temp dir].
	WorkDir string
	// Contract is the contract both servers speak [spec.Default()].
	Contract *spec.Contract
}

// Measure is one server's figures.
type Measure struct {
	Server           string        `json:"server"`
	Acked            int64         `json:"ackedMessages"`
	AckedCPU         time.Duration `json:"ackedCpu"`
	AckedPerSecond   float64       `json:"ackedPerSecond"`
	Deliveries       int64         `json:"fanoutDeliveries"`
	FanoutCPU        time.Duration `json:"fanoutCpu"`
	RSSPerConnection int64         `json:"rssPerIdleConnection"`
	// GoroutinesPerConnection is read from the pprof endpoint (Go server with
	// ProfileDir only).
	GoroutinesPerConnection float64 `json:"goroutinesPerIdleConnection,omitempty"`
}

// CPUPer1000Acked is server CPU time per 1,000 acked messages.
func (m Measure) CPUPer1000Acked() time.Duration { return per1000(m.AckedCPU, m.Acked) }

// CPUPer1000Deliveries is server CPU time per 1,000 fan-out deliveries.
func (m Measure) CPUPer1000Deliveries() time.Duration { return per1000(m.FanoutCPU, m.Deliveries) }

func per1000(d time.Duration, n int64) time.Duration {
	if n == 0 {
		return 0
	}
	return time.Duration(float64(d) * 1000 / float64(n))
}

// add sums two rounds' figures (throughput and goroutines are averaged by Run).
func (m Measure) add(o Measure) Measure {
	m.Acked += o.Acked
	m.AckedCPU += o.AckedCPU
	m.AckedPerSecond += o.AckedPerSecond
	m.Deliveries += o.Deliveries
	m.FanoutCPU += o.FanoutCPU
	m.RSSPerConnection += o.RSSPerConnection
	m.GoroutinesPerConnection += o.GoroutinesPerConnection
	return m
}

// Result holds the servers' measures and the settings that produced them.
type Result struct {
	Go   Measure `json:"go"`
	Node Measure `json:"node"`
	// Baseline is the BaselineCommand server, when there is one.
	Baseline *Measure `json:"baseline,omitempty"`
	// Rounds are each round's measures, in the order go, node, baseline.
	Rounds   [][]Measure `json:"rounds"`
	Hold     []Hold      `json:"hold,omitempty"`
	Options  Options     `json:"options"`
	Started  time.Time   `json:"started"`
	Contract string      `json:"contractHash"`
}

// target is one server the workloads run against.
type target struct {
	name string
	argv []string
	env  []string
	port int
	// pprof is the base URL of the server's /debug/pprof/ when it serves one.
	pprof string
}

// Run measures the Go reference server, the baseline if any, and the Node server
// with the same workloads.
func Run(ctx context.Context, o Options) (*Result, error) {
	o = o.withDefaults()
	if len(o.GoCommand) == 0 {
		return nil, fmt.Errorf("bench: GoCommand is required")
	}
	for _, d := range []string{o.WorkDir, o.ProfileDir} {
		if d == "" {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if n := max(o.IdleConnections, o.Hold, o.Senders, 100) + 1024; raiseFileLimit(uint64(n)) < uint64(n) {
		return nil, fmt.Errorf("bench: cannot raise the open-file limit to %d (ulimit -n)", n)
	}
	secret := randomHex(16)
	res := &Result{Options: o, Started: time.Now().UTC(), Contract: o.Contract.Hash}
	ns := o.Contract.ByRole(spec.SendMessage).Namespaces[0]
	targets, err := o.targets(secret, ns)
	if err != nil {
		return nil, err
	}
	sums := make([]Measure, len(targets))
	for round := range o.Rounds {
		order := slices.Clone(targets)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		got, err := runRound(ctx, o, order, secret, ns, round)
		if err != nil {
			return nil, err
		}
		row := make([]Measure, len(targets))
		for i, t := range targets {
			row[i] = got[t.name]
			sums[i] = sums[i].add(got[t.name])
		}
		res.Rounds = append(res.Rounds, row)
	}
	for i := range sums {
		sums[i].Server = targets[i].name
		sums[i].AckedPerSecond /= float64(o.Rounds)
		sums[i].RSSPerConnection /= int64(o.Rounds)
		sums[i].GoroutinesPerConnection /= float64(o.Rounds)
	}
	res.Go, res.Node = sums[0], sums[1]
	if len(sums) > 2 {
		res.Baseline = &sums[2]
	}
	if o.Hold > 0 {
		for _, t := range targets {
			h, err := holdOn(ctx, o, t, secret, ns)
			if err != nil {
				return nil, fmt.Errorf("%s server: hold: %w", t.name, err)
			}
			res.Hold = append(res.Hold, h)
		}
	}
	return res, nil
}

// targets are the servers to measure: go, node, then the baseline.
func (o Options) targets(secret, ns string) ([]target, error) {
	goTarget := func(name string, argv []string, pprof bool) (target, error) {
		port, err := freePort()
		if err != nil {
			return target{}, err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		t := target{name: name, port: port, env: []string{"JWT_SECRET=" + secret},
			argv: append(slices.Clone(argv), "--addr", addr, "--no-rate-limits")}
		if pprof {
			t.argv = append(t.argv, "--pprof")
			t.pprof = "http://" + addr + "/debug/pprof/"
		}
		return t, nil
	}
	g, err := goTarget("go", o.GoCommand, o.ProfileDir != "")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(o.WorkDir, "node-config.json")
	if err := WriteNodeConfig(cfgPath, o.Contract, port, secret, ns); err != nil {
		return nil, err
	}
	n := target{name: "node", port: port, argv: []string{o.Node, filepath.Join(o.NodeDir, "server.js")},
		env: []string{"BENCH_CONFIG=" + cfgPath}}
	out := []target{g, n}
	if len(o.BaselineCommand) > 0 {
		b, err := goTarget("baseline", o.BaselineCommand, false)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func (t target) addr() string { return "127.0.0.1:" + strconv.Itoa(t.port) }

func (t target) start(ctx context.Context, o Options, phase string) (*server, error) {
	return startServer(ctx, t.name, t.argv, t.env, t.addr(), filepath.Join(o.WorkDir, t.name+"-"+phase+".log"))
}

// runRound runs the acked workload on every server (all started, one measured at a
// time), then the fan-out workload likewise, then the idle workload, each server in
// a fresh process so that the heap the other workloads left behind does not hide
// the connections' memory.
func runRound(ctx context.Context, o Options, order []target, secret, ns string, round int) (map[string]Measure, error) {
	out := map[string]Measure{}
	servers := map[string]*server{}
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for _, t := range order {
		srv, err := t.start(ctx, o, "busy")
		if err != nil {
			return nil, err
		}
		servers[t.name] = srv
		out[t.name] = Measure{Server: t.name}
	}
	mk := func(t target, tag string) *client {
		return &client{contract: o.Contract, url: "http://" + t.addr(), namespace: ns,
			tokens: token.NewSecret([]byte(secret)), run: tag + randomHex(4)}
	}
	profile := func(t target, kind string) string {
		if t.pprof == "" || round > 0 {
			return ""
		}
		return filepath.Join(o.ProfileDir, t.name+"-"+kind)
	}
	for _, t := range order {
		m := out[t.name]
		var err error
		m.Acked, m.AckedCPU, m.AckedPerSecond, err = mk(t, "acked").ackedPhase(ctx, o, servers[t.name].pid(), t, profile(t, "acked.cpu.pprof"))
		if err != nil {
			return nil, fmt.Errorf("%s server: acked: %w", t.name, err)
		}
		out[t.name] = m
	}
	for _, t := range order {
		m := out[t.name]
		var err error
		m.Deliveries, m.FanoutCPU, err = mk(t, "fanout").fanout(ctx, servers[t.name].pid(), o.Contract.Limits.MaxUsersPerRoom,
			o.FanoutMessages, t, profile(t, "fanout.cpu.pprof"))
		if err != nil {
			return nil, fmt.Errorf("%s server: fanout: %w", t.name, err)
		}
		out[t.name] = m
	}
	for _, s := range servers {
		s.stop()
	}
	clear(servers)
	for _, t := range order {
		srv, err := t.start(ctx, o, "idle")
		if err != nil {
			return nil, err
		}
		servers[t.name] = srv
		idle := mk(t, "idle")
		idle.soloWorkspaces = true
		m := out[t.name]
		m.RSSPerConnection, m.GoroutinesPerConnection, err = idle.idle(ctx, srv.pid(), o.IdleConnections, t, profile(t, "idle"))
		srv.stop()
		delete(servers, t.name)
		if err != nil {
			return nil, fmt.Errorf("%s server: idle: %w", t.name, err)
		}
		out[t.name] = m
	}
	return out, nil
}

func (o Options) withDefaults() Options {
	if o.NodeDir == "" {
		o.NodeDir = "bench/node"
	}
	if o.Node == "" {
		o.Node = "node"
	}
	if o.Senders == 0 {
		o.Senders = 50
	}
	if o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.FanoutMessages == 0 {
		o.FanoutMessages = 200
	}
	if o.IdleConnections == 0 {
		o.IdleConnections = 1000
	}
	if o.Rounds <= 0 {
		o.Rounds = 1
	}
	if o.HoldFor == 0 {
		o.HoldFor = 30 * time.Second
	}
	if o.Parallel <= 0 {
		o.Parallel = 100
	}
	if o.WorkDir == "" {
		o.WorkDir, _ = os.MkdirTemp("", "rtbench-")
	}
	if o.Contract == nil {
		o.Contract = spec.Default()
	}
	return o
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

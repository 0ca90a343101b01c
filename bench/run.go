package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// Options configures Run. Zero values take the defaults in brackets.
type Options struct {
	// GoCommand starts the Go reference server; Run appends --addr and
	// --no-rate-limits and sets JWT_SECRET. Required.
	GoCommand []string
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

// Result holds both servers' measures and the settings that produced them.
type Result struct {
	Go       Measure   `json:"go"`
	Node     Measure   `json:"node"`
	Options  Options   `json:"options"`
	Started  time.Time `json:"started"`
	Contract string    `json:"contractHash"`
}

// Run measures the Go reference server and then the Node one with the same workloads.
func Run(ctx context.Context, o Options) (*Result, error) {
	o = o.withDefaults()
	if len(o.GoCommand) == 0 {
		return nil, fmt.Errorf("bench: GoCommand is required")
	}
	if err := os.MkdirAll(o.WorkDir, 0o755); err != nil {
		return nil, err
	}
	secret := randomHex(16)
	res := &Result{Options: o, Started: time.Now().UTC(), Contract: o.Contract.Hash}
	ns := o.Contract.ByRole(spec.SendMessage).Namespaces[0]
	for _, name := range []string{"go", "node"} {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		var argv, env []string
		if name == "go" {
			argv = append(append([]string{}, o.GoCommand...), "--addr", addr, "--no-rate-limits")
			env = []string{"JWT_SECRET=" + secret}
		} else {
			cfgPath := filepath.Join(o.WorkDir, "node-config.json")
			if err := writeNodeConfig(cfgPath, o.Contract, port, secret, ns); err != nil {
				return nil, err
			}
			argv = []string{o.Node, filepath.Join(o.NodeDir, "server.js")}
			env = []string{"BENCH_CONFIG=" + cfgPath}
		}
		srv, err := startServer(ctx, name, argv, env, addr, filepath.Join(o.WorkDir, name+"-server.log"))
		if err != nil {
			return nil, err
		}
		m, err := measure(ctx, o, srv, secret, ns)
		srv.stop()
		if err != nil {
			return nil, fmt.Errorf("%s server: %w", name, err)
		}
		if name == "go" {
			res.Go = m
		} else {
			res.Node = m
		}
	}
	return res, nil
}

func measure(ctx context.Context, o Options, srv *server, secret, ns string) (Measure, error) {
	m := Measure{Server: srv.name}
	mk := func(tag string) *client {
		return &client{contract: o.Contract, url: "http://" + srv.addr, namespace: ns,
			tokens: token.NewSecret([]byte(secret)), run: tag + randomHex(4)}
	}
	c := mk("acked")
	conns, err := c.dialAll(ctx, o.Senders, nil)
	if err != nil {
		return m, err
	}
	cpu0, _ := cpuTime(srv.pid())
	t0 := time.Now()
	m.Acked, err = c.acked(ctx, conns, o.Duration)
	elapsed := time.Since(t0)
	cpu1, _ := cpuTime(srv.pid())
	closeAll(conns)
	if err != nil {
		return m, fmt.Errorf("acked: %w", err)
	}
	m.AckedCPU, m.AckedPerSecond = cpu1-cpu0, float64(m.Acked)/elapsed.Seconds()

	members := o.Contract.Limits.MaxUsersPerRoom
	f := mk("fanout")
	m.Deliveries, m.FanoutCPU, err = f.fanout(ctx, srv.pid(), members, o.FanoutMessages)
	if err != nil {
		return m, err
	}

	idle := mk("idle")
	idle.soloWorkspaces = true
	m.RSSPerConnection, err = idle.idle(ctx, srv.pid(), o.IdleConnections)
	return m, err
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

package loadbench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/utalk/rtconform/spec"
)

// ErrOptions is wrapped by every error about unusable Options.
var ErrOptions = errors.New("loadbench options")

// Options configures Run. Zero values take the defaults in brackets.
type Options struct {
	// Self is the loadbench binary, whose echo and raw subcommands run the echo
	// server and the raw client in their own processes [os.Executable()].
	Self string
	// Rtconform is the rtconform binary whose `load` subcommand is our generator
	// [bin/rtconform].
	Rtconform string
	// Node is the node binary [node]; NodeServerDir holds bench/node/server.js and
	// its node_modules [bench/node]; ArtilleryDir holds the pinned Artillery's
	// node_modules [loadgen/loadbench/node].
	Node          string
	NodeServerDir string
	ArtilleryDir  string
	// Contract is the contract both clients and servers speak [spec.Default()].
	Contract *spec.Contract
	// OutDir receives result.json, result.md and work/ with every log [reports/loadbench].
	OutDir string

	// Acked comparison: Connections users, each sending the send-message event and
	// waiting for its reply, then thinking Think, for Duration [50, 0, 30s]; Rounds
	// alternates ours and Artillery this many times [2]. No think time is bench's
	// acked workload and the judged one; the paced comparison repeats it with
	// PacedThink [50ms: about 1,000 msg/s over 50 connections].
	Connections int
	Think       time.Duration
	PacedThink  time.Duration
	Duration    time.Duration
	Rounds      int
	// Latency check: an open rate of LatencyRate msg/s over LatencyConnections for
	// LatencyDuration against the echo server [1000, 50, 20s].
	LatencyRate        float64
	LatencyConnections int
	LatencyDuration    time.Duration
	// Connection check: ManyConnections from one generator process, held for
	// ManyHold with ManyRate msg/s flowing [5000, 20s, 250].
	ManyConnections int
	ManyHold        time.Duration
	ManyRate        float64
	// OursEnv is added to our generator's environment (e.g. GOMAXPROCS=1).
	OursEnv []string
	// Skip names parts not to run: "acked", "paced", "latency", "connections".
	Skip []string
}

// withDefaults fills zero fields and checks the result.
func (o Options) withDefaults() (Options, error) {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	if o.Self == "" {
		o.Self, _ = os.Executable()
	}
	def(&o.Rtconform, "bin/rtconform")
	def(&o.Node, "node")
	def(&o.NodeServerDir, "bench/node")
	def(&o.ArtilleryDir, "loadgen/loadbench/node")
	def(&o.OutDir, "reports/loadbench")
	if o.Contract == nil {
		o.Contract = spec.Default()
	}
	defInt := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	defInt(&o.Connections, 50)
	defInt(&o.Rounds, 2)
	defInt(&o.LatencyConnections, 50)
	defInt(&o.ManyConnections, 5000)
	defDur := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	defDur(&o.PacedThink, 50*time.Millisecond)
	defDur(&o.Duration, 30*time.Second)
	defDur(&o.LatencyDuration, 20*time.Second)
	defDur(&o.ManyHold, 20*time.Second)
	if o.LatencyRate == 0 {
		o.LatencyRate = 1000
	}
	if o.ManyRate == 0 {
		o.ManyRate = 250
	}
	var errs []string
	if o.Connections < 1 || o.Rounds < 1 || o.LatencyConnections < 1 || o.ManyConnections < 1 || o.LatencyRate <= 0 || o.ManyRate < 0 {
		errs = append(errs, "connections, rounds and rates must be positive")
	}
	if o.Duration < 10*time.Second || o.LatencyDuration < 5*time.Second {
		errs = append(errs, "duration must be at least 10s and latency duration at least 5s (steady windows leave out the edges)")
	}
	for _, s := range o.Skip {
		if s != "acked" && s != "paced" && s != "latency" && s != "connections" {
			errs = append(errs, fmt.Sprintf("skip %q: want acked, paced, latency or connections", s))
		}
	}
	if o.Think < 0 || o.PacedThink < 0 {
		errs = append(errs, "think times must not be negative")
	}
	if o.runs("acked") || o.runs("paced") || o.runs("connections") {
		if _, err := os.Stat(filepath.Join(o.NodeServerDir, "node_modules")); err != nil {
			errs = append(errs, fmt.Sprintf("%s/node_modules missing: npm ci --prefix %s", o.NodeServerDir, o.NodeServerDir))
		}
	}
	if o.runs("acked") || o.runs("paced") {
		if _, err := os.Stat(o.artilleryBin()); err != nil {
			errs = append(errs, fmt.Sprintf("%s missing: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix %s", o.artilleryBin(), o.ArtilleryDir))
		}
	}
	if _, err := os.Stat(o.Rtconform); err != nil {
		errs = append(errs, fmt.Sprintf("rtconform binary %s missing: go build -o %s ./cmd/rtconform", o.Rtconform, o.Rtconform))
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("%w: %s", ErrOptions, strings.Join(errs, "; "))
	}
	return o, nil
}

func (o *Options) runs(part string) bool {
	for _, s := range o.Skip {
		if s == part {
			return false
		}
	}
	return true
}

func (o *Options) artilleryBin() string {
	return filepath.Join(o.ArtilleryDir, "node_modules", "artillery", "bin", "run")
}

// namespace is the namespace of the send-message event, as bench uses.
func (o *Options) namespace() string {
	return o.Contract.ByRole(spec.SendMessage).Namespaces[0]
}

// Command rtbench runs the comparative benchmark (package bench): the Go reference
// server and a minimal Node socket.io 4.8 server, side by side, same workloads.
//
//	go build -o bin/rtconform ./cmd/rtconform && npm ci --prefix bench/node
//	go run ./cmd/rtbench --go bin/rtconform --out reports/bench
//
// Before/after a change, in one run (the baseline is measured interleaved with the
// others), with profiles of the Go server and 10,000 held connections:
//
//	go run ./cmd/rtbench --go bin/rtconform --baseline bin/rtconform.before --rounds 3
//	go run ./cmd/rtbench --go bin/rtconform --profile reports/bench/pprof
//	go run ./cmd/rtbench --go bin/rtconform --hold 10000 --hold-for 60s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/utalk/rtconform/bench"
	"github.com/utalk/rtconform/spec"
)

func main() {
	os.Exit(run())
}

func run() int {
	exit := spec.Default().ExitCodes
	var o bench.Options
	goBin := flag.String("go", "bin/rtconform", "the rtconform binary (its serve subcommand is the Go server)")
	out := flag.String("out", "reports/bench", "directory for result.json and result.md")
	flag.StringVar(&o.NodeDir, "node-dir", "bench/node", "directory of server.js and its node_modules")
	flag.IntVar(&o.Senders, "senders", 50, "acked connections")
	flag.DurationVar(&o.Duration, "duration", 0, "acked workload duration (default 10s)")
	flag.IntVar(&o.FanoutMessages, "fanout-messages", 200, "messages sent to the full room")
	flag.IntVar(&o.IdleConnections, "idle", 1000, "idle connections for RSS per connection")
	baseline := flag.String("baseline", "", "a second rtconform binary (say, before a change) measured in the same run")
	flag.IntVar(&o.Rounds, "rounds", 1, "repeat the workloads, interleaved; figures are totals over the rounds")
	flag.StringVar(&o.ProfileDir, "profile", "", "run the Go server with --pprof and save CPU and heap profiles here")
	flag.IntVar(&o.Hold, "hold", 0, "then hold this many idle connections to each server (e.g. 10000)")
	flag.DurationVar(&o.HoldFor, "hold-for", 0, "how long --hold keeps them (default 30s)")
	flag.IntVar(&o.Parallel, "parallel", 100, "dials in flight for --hold")
	flag.Parse()
	if _, err := os.Stat(filepath.Join(o.NodeDir, "node_modules")); err != nil {
		fmt.Fprintf(os.Stderr, "rtbench: %s/node_modules missing: run npm ci --prefix %s\n", o.NodeDir, o.NodeDir)
		return exit.Usage
	}
	o.GoCommand = []string{*goBin, "serve"}
	if *baseline != "" {
		o.BaselineCommand = []string{*baseline, "serve"}
	}
	o.WorkDir = filepath.Join(*out, "work")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtbench:", err)
		return exit.Unreachable
	}
	md := res.Markdown()
	fmt.Print(md)
	b, _ := json.MarshalIndent(res, "", "  ")
	_ = os.WriteFile(filepath.Join(*out, "result.json"), b, 0o644)
	_ = os.WriteFile(filepath.Join(*out, "result.md"), []byte(md), 0o644)
	if !strings.HasSuffix(md, "\n") {
		fmt.Println()
	}
	return exit.Pass
}

// Command loadbench runs the load generator's benchmark (package loadgen/loadbench):
// our generator and Artillery side by side against the Node socket.io benchmark
// server, the added latency against a minimal echo server, and 5,000 connections
// from one process. It writes result.json and result.md under --out.
//
//	go build -o bin/rtconform ./cmd/rtconform
//	npm ci --prefix bench/node
//	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix loadgen/loadbench/node
//	go run ./cmd/loadbench --out reports/loadbench
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
	"syscall"

	"github.com/utalk/rtconform/loadgen/loadbench"
	"github.com/utalk/rtconform/spec"
)

func main() {
	os.Exit(run())
}

func run() int {
	exit := spec.Default().ExitCodes
	if len(os.Args) > 1 && (os.Args[1] == "echo" || os.Args[1] == "raw") {
		return helper(os.Args[1], os.Args[2:])
	}
	var o loadbench.Options
	var skip string
	flag.StringVar(&o.Rtconform, "rtconform", "bin/rtconform", "the rtconform binary (its load subcommand is our generator)")
	flag.StringVar(&o.OutDir, "out", "reports/loadbench", "directory for result.json, result.md and work/")
	flag.StringVar(&o.NodeServerDir, "node-server-dir", "bench/node", "directory of the Node benchmark server.js and its node_modules")
	flag.StringVar(&o.ArtilleryDir, "artillery-dir", "loadgen/loadbench/node", "directory of the pinned Artillery's node_modules")
	flag.IntVar(&o.Connections, "connections", 50, "acked comparison: connections (virtual users)")
	flag.DurationVar(&o.Think, "think", 0, "acked comparison: think time after each reply (default none)")
	flag.DurationVar(&o.PacedThink, "paced-think", 0, "paced comparison: think time after each reply (default 50ms)")
	flag.DurationVar(&o.Duration, "duration", 0, "acked comparison: steady duration (default 30s)")
	flag.IntVar(&o.Rounds, "rounds", 2, "acked comparison: rounds, alternating which client goes first")
	flag.Float64Var(&o.LatencyRate, "latency-rate", 1000, "latency check: msg/s")
	flag.DurationVar(&o.LatencyDuration, "latency-duration", 0, "latency check: duration (default 20s)")
	flag.IntVar(&o.ManyConnections, "many", 5000, "connection check: connections from one process")
	var oursEnv string
	flag.StringVar(&oursEnv, "ours-env", "", "comma-separated VAR=value added to our generator's environment (e.g. GOMAXPROCS=1)")
	flag.StringVar(&skip, "skip", "", "comma-separated parts to skip: acked, paced, latency, connections")
	flag.Parse()
	if oursEnv != "" {
		o.OursEnv = strings.Split(oursEnv, ",")
	}
	if skip != "" {
		o.Skip = strings.Split(skip, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := loadbench.Run(ctx, o)
	if err != nil && res == nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		return exit.Usage
	}
	md := res.Markdown()
	fmt.Print(md)
	b, _ := json.MarshalIndent(res, "", "  ")
	if werr := os.WriteFile(filepath.Join(o.OutDir, "result.json"), append(b, '\n'), 0o644); werr != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", werr)
	}
	_ = os.WriteFile(filepath.Join(o.OutDir, "result.md"), []byte(md), 0o644)
	if err != nil || len(res.Errors) > 0 {
		return exit.Unreachable
	}
	if !res.Met() {
		return exit.ThresholdsBreached
	}
	return exit.Pass
}

// helper runs the echo server or the raw client, the processes Run starts itself.
func helper(name string, args []string) int {
	exit := spec.Default().ExitCodes
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "echo: listen address (loopback)")
	cfg := fs.String("config", "", "raw: config file")
	out := fs.String("out", "", "raw: result file")
	if err := fs.Parse(args); err != nil {
		return exit.Usage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if name == "echo" {
		srv, err := loadbench.StartEcho(*addr, spec.Default())
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadbench echo:", err)
			return exit.Unreachable
		}
		fmt.Println("listening", srv.Addr())
		<-ctx.Done()
		_ = srv.Close()
		return exit.Pass
	}
	if err := loadbench.RawMain(ctx, *cfg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench raw:", err)
		return exit.Unreachable
	}
	return exit.Pass
}

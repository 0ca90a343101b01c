package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/report/loadreport"
	"github.com/utalk/rtconform/spec"
)

func init() {
	register("load", "run a load scenario against TARGET and write reports/load/<run-id>/", runLoad)
}

// loadFlags are the flags of rtconform load.
type loadFlags struct {
	scenario, target, control, shard, out, runID, contract string
	cpuProfile                                             string
	duration                                               time.Duration
	debugSamples                                           bool
}

func runLoad(ctx context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	var f loadFlags
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&f.scenario, "scenario", "", "scenario file (required), e.g. scenarios/smoke.yaml")
	fs.StringVar(&f.target, "target", "", "target base URL (default $TARGET, then the scenario's target.url; none: the reference server in-process)")
	fs.StringVar(&f.control, "control", "", "control surface URL (default $CONTROL_URL, then the target)")
	fs.StringVar(&f.shard, "shard", "1/1", "this process's shard i/n (1-based), users split by conversation")
	fs.StringVar(&f.out, "out", "", "run directory (default reports/load/<run-id>)")
	fs.StringVar(&f.runID, "run-id", "", "run id (default $RUN_ID, then <scenario>-<time>)")
	fs.StringVar(&f.contract, "contract", "", "contract document (default $CONTRACT, then the scenario's, then the embedded one)")
	fs.BoolVar(&f.debugSamples, "debug-samples", false, "also write every raw latency to samples.json (tests)")
	fs.DurationVar(&f.duration, "duration", 0, "scale the scenario's phases (and timed events) to total this, e.g. 1m for a quick soak check")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the generator to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exit.Pass
		}
		return exit.Usage
	}
	if f.scenario == "" {
		fmt.Fprintln(env.Stderr, "rtconform load: --scenario is required")
		return exit.Usage
	}
	cfg, err := f.config(env)
	if err != nil {
		fmt.Fprintln(env.Stderr, "rtconform load:", err)
		return exit.Usage
	}
	exit = cfg.Contract.ExitCodes
	if cfg.Target == "" {
		stop, err := startReference(ctx, env, &cfg)
		if err != nil {
			fmt.Fprintln(env.Stderr, "rtconform load:", err)
			return exit.Unreachable
		}
		defer stop()
	}
	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			fmt.Fprintln(env.Stderr, "rtconform load:", err)
			return exit.Usage
		}
		defer stop()
	}
	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(env.Stderr, "rtconform load:", err)
		if errors.Is(err, loadgen.ErrUnreachable) {
			return exit.Unreachable
		}
		if errors.Is(err, loadgen.ErrConfig) || errors.Is(err, scenario.ErrInvalid) || errors.Is(err, scenario.ErrRateLimit) {
			return exit.Usage
		}
		return exit.Unreachable
	}
	return reportRun(env, res.Dir, exit)
}

func (f loadFlags) config(env environment) (loadgen.Config, error) {
	if f.duration < 0 {
		return loadgen.Config{}, fmt.Errorf("--duration %s is negative", f.duration)
	}
	sc, err := scenario.Load(f.scenario)
	if err != nil {
		return loadgen.Config{}, err
	}
	var notes []string
	if f.duration > 0 {
		planned := sc.TotalDuration()
		factor, err := sc.ScaleTo(f.duration)
		if err != nil {
			return loadgen.Config{}, err
		}
		notes = append(notes, fmt.Sprintf("scenario scaled with --duration %s: phases of %s x %.4g (rates unchanged)", f.duration, planned, factor))
	}
	cpath := first(f.contract, env.Getenv("CONTRACT"), sc.Target.Contract)
	c, err := spec.LoadOrDefault(cpath)
	if err != nil {
		return loadgen.Config{}, err
	}
	// No target: the reference server is started in-process (startReference), and the
	// tokens are minted with its secret.
	target := first(f.target, env.Getenv("TARGET"), sc.Target.URL)
	shard, err := parseShard(f.shard)
	if err != nil {
		return loadgen.Config{}, err
	}
	if target == "" && shard.Count > 1 {
		return loadgen.Config{}, errors.New("--shard needs a target that every shard shares: pass --target URL or set TARGET")
	}
	var src token.Source
	if target != "" {
		if src, err = token.FromEnv(env.Getenv); err != nil {
			return loadgen.Config{}, fmt.Errorf("tokens: %w (set JWT_SECRET to the target's secret, or TOKEN_CMD)", err)
		}
	}
	runID := first(f.runID, env.Getenv("RUN_ID"), sc.Name+"-"+time.Now().UTC().Format("20060102T150405Z"))
	out := f.out
	if out == "" {
		out = filepath.Join("reports", "load", runID)
		if shard.Count > 1 {
			out = filepath.Join(out, fmt.Sprintf("shard-%d-of-%d", shard.Index+1, shard.Count))
		}
	}
	cfg := loadgen.Config{Scenario: sc, ScenarioFile: f.scenario, Contract: c, Target: target,
		ControlURL: first(f.control, env.Getenv("CONTROL_URL")), Tokens: src, Shard: shard,
		OutDir: out, RunID: runID, KeepSamples: f.debugSamples, Notes: notes}
	if file, ok := env.Stderr.(*os.File); ok && isatty.IsTerminal(file.Fd()) {
		cfg.Progress = env.Stderr
	}
	return cfg, nil
}

// startCPUProfile starts a pprof CPU profile written to path; the returned function
// stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// parseShard reads "i/n" (1-based) into a 0-based results.Shard.
func parseShard(s string) (results.Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return results.Shard{}, fmt.Errorf("--shard %q: want i/n with 1 <= i <= n, e.g. 2/3", s)
	}
	return results.Shard{Index: i - 1, Count: n}, nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// reportRun renders a run directory's reports, prints the verdict, and returns the
// exit status: thresholds breached or pass.
func reportRun(env environment, dir string, exit spec.ExitCodes) int {
	run, err := results.Read(dir)
	if err != nil {
		fmt.Fprintln(env.Stderr, "rtconform:", err)
		return exit.Usage
	}
	sum, err := loadreport.Summarize(run)
	if err != nil {
		fmt.Fprintln(env.Stderr, "rtconform:", err)
		return exit.Usage
	}
	if err := loadreport.Write(dir, run, sum); err != nil {
		fmt.Fprintln(env.Stderr, "rtconform:", err)
		return exit.Usage
	}
	c := sum.Counts
	fmt.Fprintf(env.Stdout, "%s: %d users, %d requests, %d replies, %d errors, %d lost, acked %.1f msg/s, error rate %.3f%%, pending at end %d\n",
		dir, sum.Users, c.Requests, c.Replies, c.Errors, c.Lost, sum.MsgPerSec, sum.ErrorRate*100, sum.Pending)
	for _, l := range sum.Latencies {
		if l.Count > 0 {
			fmt.Fprintf(env.Stdout, "  %-15s n=%-7d p50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms\n", l.Metric, l.Count, l.P50, l.P95, l.P99, l.Max)
		}
	}
	if sum.Capacity != nil {
		fmt.Fprintf(env.Stdout, "  capacity: highest sustained rate %.1f ops/s\n", sum.Capacity.HighestSustained)
	}
	breached := 0
	for _, r := range sum.Thresholds {
		switch {
		case !r.Pass && !r.Informational:
			breached++
			fmt.Fprintln(env.Stderr, "threshold breached:", r.Message)
		case !r.Pass:
			fmt.Fprintln(env.Stdout, "  informational:", r.Message)
		}
	}
	fmt.Fprintf(env.Stdout, "  report: %s\n", filepath.Join(dir, loadreport.ReportHTML))
	if breached > 0 {
		return exit.ThresholdsBreached
	}
	return exit.Pass
}

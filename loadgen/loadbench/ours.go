package loadbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
)

// oursRun is one run of our generator: `rtconform load` in its own process.
type oursRun struct {
	proc *process
	run  *results.Run
	dir  string
}

// runOurs writes the scenario, runs `rtconform load` against target with the
// secret, waits at most limit, and reads its results back.
func runOurs(ctx context.Context, o *Options, target, secret, scenarioYAML, dir, tag string, limit time.Duration) (*oursRun, error) {
	scPath := filepath.Join(dir, tag+"-scenario.yaml")
	if err := os.WriteFile(scPath, []byte(scenarioYAML), 0o644); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, tag+"-results")
	_ = os.RemoveAll(out)
	bin, err := filepath.Abs(o.Rtconform)
	if err != nil {
		return nil, err
	}
	argv := []string{bin, "load", "--scenario", scPath, "--target", target, "--out", out, "--run-id", tag}
	env := append([]string{"JWT_SECRET=" + secret, "TARGET=", "TOKEN_CMD="}, o.OursEnv...)
	p, err := startProcess("rtconform load ("+tag+")", argv, env,
		"", filepath.Join(dir, tag+"-rtconform.log"))
	if err != nil {
		return nil, err
	}
	// Exit 0 (pass) and the thresholds-breached code both leave a complete run.
	werr := p.wait(ctx, limit)
	run, rerr := results.Read(out)
	if rerr != nil {
		if werr != nil {
			return nil, werr
		}
		return nil, rerr
	}
	if run.Final.Interrupted {
		return nil, fmt.Errorf("%s: run interrupted (exit %d, log %s)", tag, p.exitCode(), p.log.Name())
	}
	return &oursRun{proc: p, run: run, dir: out}, nil
}

// total decodes the run's totals.
func (r *oursRun) total() (*metrics.Snapshot, error) { return r.run.Final.Total.Decode() }

// periods turns the run's one-second intervals of the named phase into periods on
// the wall clock. The run started at EndedAt - Duration (both taken together at the
// end of the run), and each interval's T is its end since that start.
func (r *oursRun) periods(phase string) []period {
	start := r.run.Final.EndedAt.Add(-r.run.Final.Duration)
	var out []period
	for _, iv := range r.run.Intervals {
		if iv.Phase != phase || iv.Seconds <= 0 {
			continue
		}
		end := start.Add(time.Duration(iv.T * float64(time.Second)))
		out = append(out, period{start: end.Add(-time.Duration(iv.Seconds * float64(time.Second))), end: end,
			acked: iv.Data.Counts.MessagesAcked})
	}
	return out
}

// clientFailures are what our generator counts as failed on its side: connects
// that failed, replies lost (no answer within the reply timeout), emits that could
// not be written, requests still pending at the end, and answers that were errors.
func clientFailures(s *metrics.Snapshot, run *results.Run) Failures {
	c := s.Counts
	f := Failures{ConnectFailed: c.ConnectFailed, Timeouts: c.Lost, Errors: c.Errors,
		PendingAtEnd: run.Final.PendingAtEnd}
	for code, n := range c.ErrorsByCode {
		if strings.HasPrefix(code, "CLIENT_") || code == "CONNECT_FAILED" {
			f.ClientSide += n
		}
	}
	return f
}

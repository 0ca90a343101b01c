package loadgen

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/loadgen/threshold"
)

// Generator names this load generator in settings files.
const Generator = "rtconform loadgen (sioconn)"

func (e *engine) settings(rates []scenario.SocketRate, set threshold.Set) results.Settings {
	return results.Settings{
		RunID: e.cfg.RunID, Scenario: e.sc, ScenarioFile: e.cfg.ScenarioFile,
		Target: e.cfg.Target, Namespace: e.sc.Target.Namespace,
		Contract: results.ContractInfo{Title: e.c.Title, Version: e.c.Version, Source: e.c.Source, Hash: e.c.Hash},
		Limits:   results.Limits{Raised: e.sc.LimitsRaised, PerSocket: rates},
		Shard:    e.cfg.Shard, Users: len(e.users), StartedAt: time.Now().UTC(),
		Planned: e.sc.Connect.Within.D() + e.sc.TotalDuration(), Thresholds: set, Generator: Generator,
		TargetStarted: e.cfg.TargetStarted,
	}
}

// intervals writes one record a second until ctx ends, then a last partial one.
func (e *engine) intervals(ctx context.Context, w *results.Writer, start time.Time, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last, i := start, 0
	spare := metrics.NewSnapshot() // the interval snapshots are recycled: no garbage each second
	write := func(now time.Time) {
		snap := e.rec.Swap(spare)
		iv, err := results.NewInterval(i, now.Sub(start).Seconds(), now.Sub(last).Seconds(),
			e.phase.Load().(string), e.rate.Load().(float64), e.rec.Connections(), snap)
		spare = snap
		if err == nil {
			iv.TargetRSS = e.rssNow.Load()
			_ = w.Interval(iv)
			e.progress(now.Sub(start), iv)
		}
		last, i = now, i+1
	}
	for {
		select {
		case now := <-t.C:
			write(now)
		case <-ctx.Done():
			write(time.Now())
			e.progressEnd()
			return
		}
	}
}

func (e *engine) finish(w *results.Writer, settings results.Settings, set threshold.Set, start time.Time,
	pending, fanPending int64, interrupted bool, notes []string) (*Result, error) {
	total := e.rec.Total()
	enc, err := total.Encode()
	if err != nil {
		return nil, err
	}
	if n := e.skipped.Load(); n > 0 {
		notes = append(notes, fmt.Sprintf("%d operations skipped: their user was not connected", n))
	}
	judged, err := e.judged(w.Dir(), total)
	if err != nil {
		return nil, err
	}
	rs := set.Evaluate(threshold.Input{Snapshot: judged, Pending: pending})
	rs = append(rs, e.memoryVerdict()...)
	f := results.Final{EndedAt: time.Now().UTC(), Duration: time.Since(start), Total: *enc,
		PendingAtEnd: pending, FanoutPendingAtEnd: fanPending, Thresholds: rs,
		Interrupted: interrupted, Notes: notes}
	if err := w.Final(f); err != nil {
		return nil, err
	}
	if e.cfg.KeepSamples {
		if err := w.Samples(e.rec.Samples()); err != nil {
			return nil, err
		}
	}
	return &Result{Dir: w.Dir(), Settings: settings, Final: f, Thresholds: rs, Breached: threshold.Breached(rs)}, nil
}

// judged is what thresholds judge: the whole run, or the merged intervals of the
// scenario's judge_phases (D12: the steady phase is judged).
func (e *engine) judged(dir string, total *metrics.Snapshot) (*metrics.Snapshot, error) {
	if len(e.sc.JudgePhases) == 0 {
		return total, nil
	}
	run, err := results.Read(dir)
	if err != nil {
		return nil, err
	}
	return results.MergePhases(run.Intervals, e.sc.JudgePhases)
}

// memoryVerdict checks memory.max_growth: the target's RSS at the end of the load
// against RSS at its start. A garbage-collected server's RSS is a sawtooth, so each
// end is the lowest reading of its quarter of the load phases (the live memory after
// a collection), not one reading; with fewer than 8 readings, the readings after
// connecting and at the end.
func (e *engine) memoryVerdict() []threshold.Result {
	g := e.sc.Memory.MaxGrowth
	first, last := e.rssFirst.Load(), e.rssNow.Load()
	e.rssMu.Lock()
	samples := append([]rssSample(nil), e.rssSamples...)
	e.rssMu.Unlock()
	how := "after connecting and at the end"
	if f, l, ok := quarterMinimums(samples, time.Unix(0, e.loadStart.Load())); ok {
		first, last, how = f, l, "lowest of the first and of the last quarter of the load"
	}
	if g <= 0 || first <= 0 || last <= 0 {
		return nil
	}
	growth := float64(last-first) / float64(first)
	r := threshold.Result{Metric: "target_rss_growth", Expr: fmt.Sprintf("rate<%g", g), Observed: growth, Limit: g, Pass: growth < g}
	r.Message = fmt.Sprintf("target_rss_growth %.1f%% (%d -> %d bytes, %s), limit %.1f%%", growth*100, first, last, how, g*100)
	return []threshold.Result{r}
}

// quarterMinimums returns the lowest reading of the first and of the last quarter
// of the readings taken after start; false with fewer than 8 of them.
func quarterMinimums(samples []rssSample, start time.Time) (int64, int64, bool) {
	var load []int64
	for _, s := range samples {
		if !s.at.Before(start) {
			load = append(load, s.bytes)
		}
	}
	if len(load) < 8 {
		return 0, 0, false
	}
	q := len(load) / 4
	return slices.Min(load[:q]), slices.Min(load[len(load)-q:]), true
}

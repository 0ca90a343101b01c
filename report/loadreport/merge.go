package loadreport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
)

// ErrMismatch is returned when runs to merge were not made under one contract.
var ErrMismatch = errors.New("runs do not belong together")

// Merge combines shard runs: counts add up, histograms merge exactly, intervals merge
// by index (second of the run), and the durations take the longest.
func Merge(runs []*results.Run) (*results.Run, error) {
	if len(runs) == 0 {
		return nil, errors.New("merge: no runs")
	}
	out := &results.Run{Settings: runs[0].Settings}
	out.Settings.Shard = results.Shard{Index: 0, Count: 0}
	out.Settings.Users = 0
	total := metrics.NewSnapshot()
	byIndex := map[int]*merging{}
	maxIdx := -1
	for _, r := range runs {
		if r.Settings.Contract.Hash != runs[0].Settings.Contract.Hash {
			return nil, fmt.Errorf("%w: %s has contract %s, %s has %s", ErrMismatch, r.Dir,
				r.Settings.Contract.Hash, runs[0].Dir, runs[0].Settings.Contract.Hash)
		}
		out.Settings.Shard.Count++
		out.Settings.Users += r.Settings.Users
		s, err := r.Final.Total.Decode()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Dir, err)
		}
		if err := total.Merge(s); err != nil {
			return nil, err
		}
		out.Final.PendingAtEnd += r.Final.PendingAtEnd
		out.Final.FanoutPendingAtEnd += r.Final.FanoutPendingAtEnd
		out.Final.Duration = max(out.Final.Duration, r.Final.Duration)
		if r.Final.EndedAt.After(out.Final.EndedAt) {
			out.Final.EndedAt = r.Final.EndedAt
		}
		out.Final.Interrupted = out.Final.Interrupted || r.Final.Interrupted
		for _, n := range r.Final.Notes {
			out.Final.Notes = append(out.Final.Notes, filepath.Base(r.Dir)+": "+n)
		}
		for _, iv := range r.Intervals {
			if err := mergeInterval(byIndex, iv); err != nil {
				return nil, err
			}
			maxIdx = max(maxIdx, iv.Index)
		}
		if out.Samples == nil && r.Samples != nil {
			out.Samples = map[string][]int64{}
		}
		for k, v := range r.Samples {
			out.Samples[k] = append(out.Samples[k], v...)
		}
	}
	// Concurrent connections across shards: the busiest second's sum.
	total.Counts.MaxConnections = 0
	for _, m := range byIndex {
		total.Counts.MaxConnections = max(total.Counts.MaxConnections, m.snap.Counts.MaxConnections)
	}
	enc, err := total.Encode()
	if err != nil {
		return nil, err
	}
	out.Final.Total = *enc
	for i := 0; i <= maxIdx; i++ {
		m := byIndex[i]
		if m == nil {
			continue
		}
		iv, err := results.NewInterval(i, m.t, m.seconds, m.phase, m.rate, m.conns, m.snap)
		if err != nil {
			return nil, err
		}
		iv.TargetRSS = m.rss
		out.Intervals = append(out.Intervals, iv)
	}
	return out, nil
}

type merging struct {
	t, seconds, rate float64
	phase            string
	conns, rss       int64
	snap             *metrics.Snapshot
}

func mergeInterval(by map[int]*merging, iv results.Interval) error {
	s, err := iv.Data.Decode()
	if err != nil {
		return err
	}
	m := by[iv.Index]
	if m == nil {
		m = &merging{phase: iv.Phase, snap: metrics.NewSnapshot()}
		by[iv.Index] = m
	}
	m.t, m.seconds = max(m.t, iv.T), max(m.seconds, iv.Seconds)
	m.rate += iv.TargetRate
	m.conns += iv.Connections
	m.rss = max(m.rss, iv.TargetRSS)
	// MaxConnections of an interval across shards is the sum of theirs.
	s.Counts.MaxConnections += m.snap.Counts.MaxConnections
	m.snap.Counts.MaxConnections = 0
	return m.snap.Merge(s)
}

// Save writes a (merged) run as a run directory, so every tool reads it back.
func Save(dir string, run *results.Run) error {
	w, err := results.Create(dir, run.Settings)
	if err != nil {
		return err
	}
	for _, iv := range run.Intervals {
		if err := w.Interval(iv); err != nil {
			return err
		}
	}
	if run.Samples != nil {
		if err := w.Samples(run.Samples); err != nil {
			return err
		}
	}
	if err := w.Final(run.Final); err != nil {
		return err
	}
	run.Dir = dir
	return os.WriteFile(filepath.Join(dir, "MERGED"), []byte(fmt.Sprintf("%d shards\n", run.Settings.Shard.Count)), 0o644)
}

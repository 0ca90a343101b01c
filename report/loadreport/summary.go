package loadreport

import (
	"fmt"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/threshold"
)

// Latency is one histogram's figures, in milliseconds.
type Latency struct {
	Metric string  `json:"metric"`
	Count  int64   `json:"count"`
	Min    float64 `json:"minMs"`
	Mean   float64 `json:"meanMs"`
	P50    float64 `json:"p50Ms"`
	P90    float64 `json:"p90Ms"`
	P95    float64 `json:"p95Ms"`
	P99    float64 `json:"p99Ms"`
	P999   float64 `json:"p999Ms"`
	Max    float64 `json:"maxMs"`
}

// Summary is summary.json.
type Summary struct {
	RunID    string `json:"runId"`
	Scenario string `json:"scenario"`
	Target   string `json:"target"`
	// TargetStarted is set when the target was started in-process for the run.
	TargetStarted string             `json:"targetStarted,omitempty"`
	Contract      string             `json:"contractHash"`
	Shards        int                `json:"shards"`
	Users         int                `json:"users"`
	Duration      float64            `json:"durationSeconds"`
	Counts        metrics.Counts     `json:"counts"`
	ErrorRate     float64            `json:"errorRate"`
	MsgPerSec     float64            `json:"ackedMsgPerSec"`
	Latencies     []Latency          `json:"latencies"`
	Pending       int64              `json:"pendingAtEnd"`
	FanPending    int64              `json:"fanoutPendingAtEnd"`
	Thresholds    []threshold.Result `json:"thresholds"`
	Passed        bool               `json:"passed"`
	Limits        results.Limits     `json:"limits"`
	Capacity      *Capacity          `json:"capacity,omitempty"`
	Interrupted   bool               `json:"interrupted,omitempty"`
	Notes         []string           `json:"notes,omitempty"`
	JudgedPhases  []string           `json:"judgedPhases,omitempty"`
}

// Capacity is the outcome of a stepped scenario.
type Capacity struct {
	// HighestSustained is the highest step rate (ops/s, all shards) whose thresholds
	// held; 0 when the first step already failed.
	HighestSustained float64 `json:"highestSustainedRate"`
	Steps            []Step  `json:"steps"`
}

// Step is one capacity step's verdict.
type Step struct {
	Phase    string   `json:"phase"`
	Rate     float64  `json:"rate"`
	Acked    float64  `json:"ackedMsgPerSec"`
	P95      float64  `json:"replyP95Ms"`
	Passed   bool     `json:"passed"`
	Breaches []string `json:"breaches,omitempty"`
}

// Summarize computes the summary from the run's files, re-evaluating thresholds.
func Summarize(run *results.Run) (*Summary, error) {
	total, err := run.Final.Total.Decode()
	if err != nil {
		return nil, err
	}
	st := run.Settings
	s := &Summary{RunID: st.RunID, Target: st.Target, TargetStarted: st.TargetStarted, Contract: st.Contract.Hash,
		Shards: max(1, st.Shard.Count), Users: st.Users, Duration: run.Final.Duration.Seconds(),
		Counts: total.Counts, ErrorRate: total.Counts.ErrorRate(), Pending: run.Final.PendingAtEnd,
		FanPending: run.Final.FanoutPendingAtEnd, Limits: st.Limits, Interrupted: run.Final.Interrupted,
		Notes: run.Final.Notes}
	if st.Scenario != nil {
		s.Scenario = st.Scenario.Name
		s.JudgedPhases = st.Scenario.JudgePhases
	}
	if s.Duration == 0 && len(run.Intervals) > 0 {
		s.Duration = run.Intervals[len(run.Intervals)-1].T
	}
	if s.Duration > 0 {
		s.MsgPerSec = float64(total.Counts.MessagesAcked) / s.Duration
	}
	for _, n := range metrics.HistogramNames {
		s.Latencies = append(s.Latencies, latency(n, total))
	}
	set, err := st.Thresholds.Reparse()
	if err != nil {
		return nil, err
	}
	judged := total
	if len(s.JudgedPhases) > 0 {
		if judged, err = results.MergePhases(run.Intervals, s.JudgedPhases); err != nil {
			return nil, err
		}
	}
	s.Thresholds = set.Evaluate(threshold.Input{Snapshot: judged, Pending: run.Final.PendingAtEnd})
	for _, r := range run.Final.Thresholds {
		if r.Metric == "target_rss_growth" {
			s.Thresholds = append(s.Thresholds, r)
		}
	}
	s.Passed = len(threshold.Breached(s.Thresholds)) == 0
	if st.Scenario != nil && st.Scenario.Capacity != nil {
		if s.Capacity, err = capacity(run, set); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func latency(name string, s *metrics.Snapshot) Latency {
	h := s.Hist(name)
	ms := func(v int64) float64 { return float64(v) / 1000 }
	l := Latency{Metric: name, Count: h.TotalCount()}
	if l.Count == 0 {
		return l
	}
	l.Min, l.Max, l.Mean = ms(h.Min()), ms(h.Max()), h.Mean()/1000
	l.P50, l.P90, l.P95 = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(90)), ms(h.ValueAtQuantile(95))
	l.P99, l.P999 = ms(h.ValueAtQuantile(99)), ms(h.ValueAtQuantile(99.9))
	return l
}

// capacity judges each step phase on its own intervals. The highest sustained rate is
// the last step of the unbroken run of passing steps from the first.
func capacity(run *results.Run, set threshold.Set) (*Capacity, error) {
	c := &Capacity{}
	broken := false
	for _, p := range run.Settings.Scenario.Phases {
		snap, err := results.MergePhases(run.Intervals, []string{p.Name})
		if err != nil {
			return nil, err
		}
		secs := 0.0
		for _, iv := range run.Intervals {
			if iv.Phase == p.Name {
				secs += iv.Seconds
			}
		}
		st := Step{Phase: p.Name, Rate: p.Rate, P95: latency(metrics.ReplyLatency, snap).P95}
		if secs > 0 {
			st.Acked = float64(snap.Counts.MessagesAcked) / secs
		}
		br := threshold.Breached(set.Evaluate(threshold.Input{Snapshot: snap}))
		for _, b := range br {
			st.Breaches = append(st.Breaches, b.Message)
		}
		st.Passed = len(br) == 0 && secs > 0
		if st.Passed && !broken {
			c.HighestSustained = p.Rate
		} else {
			broken = true
		}
		c.Steps = append(c.Steps, st)
	}
	return c, nil
}

func fmtMs(v float64) string {
	return time.Duration(v * float64(time.Millisecond)).Round(10 * time.Microsecond).String()
}

func pct(v float64) string { return fmt.Sprintf("%.3f%%", v*100) }

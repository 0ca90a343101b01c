package threshold

import (
	"fmt"
	"math"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
)

// Input is what thresholds are judged on.
type Input struct {
	Snapshot *metrics.Snapshot
	// Pending is the number of requests still unanswered when the run ended.
	Pending int64
}

// Result is the verdict of one expression.
type Result struct {
	Metric        string  `json:"metric"`
	Expr          string  `json:"expr"`
	Observed      float64 `json:"observed"`
	Limit         float64 `json:"limit"`
	Pass          bool    `json:"pass"`
	Informational bool    `json:"informational,omitempty"`
	// NoData is true when a latency metric has no samples: the expression passes
	// vacuously, and the report says so.
	NoData  bool   `json:"noData,omitempty"`
	Message string `json:"message"`
}

// Evaluate judges every expression of the set.
func (s Set) Evaluate(in Input) []Result {
	var out []Result
	for _, t := range s {
		for _, e := range t.parsed {
			obs, noData := observe(t.Metric, e, in)
			r := Result{Metric: t.Metric, Expr: e.Text, Observed: obs, Limit: e.Limit,
				Pass: noData || e.holds(obs), Informational: t.Informational, NoData: noData}
			r.Message = message(t.Metric, e, r)
			out = append(out, r)
		}
	}
	return out
}

// Breached returns the failed, non-informational results.
func Breached(rs []Result) []Result {
	var out []Result
	for _, r := range rs {
		if !r.Pass && !r.Informational {
			out = append(out, r)
		}
	}
	return out
}

func observe(metric string, e Expr, in Input) (float64, bool) {
	s, c := in.Snapshot, &in.Snapshot.Counts
	switch Metrics[metric] {
	case Latency:
		h := s.Hist(metric)
		if e.Agg == "count" {
			return float64(h.TotalCount()), false
		}
		if h.TotalCount() == 0 {
			return 0, true
		}
		switch e.Agg {
		case "p":
			return float64(h.ValueAtQuantile(e.Q)), false
		case "max":
			return float64(h.Max()), false
		case "min":
			return float64(h.Min()), false
		default:
			return h.Mean(), false
		}
	case Rate:
		if metric == "fanout_loss_rate" {
			return c.FanoutLossRate(), false
		}
		return c.ErrorRate(), false
	}
	switch metric {
	case "connections":
		return float64(c.MaxConnections), false
	case "lost":
		return float64(c.Lost), false
	case "duplicates":
		return float64(c.Duplicates), false
	case "out_of_order":
		return float64(c.OutOfOrder), false
	case "reconnects":
		return float64(c.Reconnects), false
	default:
		return float64(in.Pending), false
	}
}

func message(metric string, e Expr, r Result) string {
	agg := e.Agg
	if agg == "p" {
		agg = fmt.Sprintf("p(%g)", e.Q)
	}
	if r.NoData {
		return fmt.Sprintf("%s %s: no samples (%s not judged)", metric, agg, e.Text)
	}
	obs, lim := format(metric, e, r.Observed), format(metric, e, r.Limit)
	if r.Pass {
		return fmt.Sprintf("%s %s=%s %s %s: ok", metric, agg, obs, e.Op, lim)
	}
	rel := "="
	if r.Observed > r.Limit {
		rel = ">"
	} else if r.Observed < r.Limit {
		rel = "<"
	}
	by := format(metric, e, math.Abs(r.Observed-r.Limit))
	return fmt.Sprintf("%s %s=%s %s %s by %s", metric, agg, obs, rel, lim, by)
}

func format(metric string, e Expr, v float64) string {
	switch {
	case Metrics[metric] == Latency && e.Agg != "count":
		return time.Duration(v * float64(time.Microsecond)).Round(10 * time.Microsecond).String()
	case Metrics[metric] == Rate:
		return fmt.Sprintf("%.4g", v)
	default:
		return fmt.Sprintf("%g", v)
	}
}

package loadgen

import (
	"time"

	"github.com/utalk/rtconform/loadgen/scenario"
)

// schedule maps run time (from the start of the first phase) to the phase and the
// open rate, interpolated linearly from the phase's From to its Rate.
type schedule struct {
	phases []scenario.Phase
	starts []time.Duration
	scale  float64 // this shard's share of the rate
	total  time.Duration
}

func newSchedule(ps []scenario.Phase, scale float64) *schedule {
	s := &schedule{phases: ps, scale: scale}
	for _, p := range ps {
		s.starts = append(s.starts, s.total)
		s.total += p.Duration.D()
	}
	return s
}

// at returns the phase index and the rate at t; index -1 past the end.
func (s *schedule) at(t time.Duration) (int, float64) {
	for i := len(s.phases) - 1; i >= 0; i-- {
		if t >= s.starts[i] {
			if t >= s.total {
				return -1, 0
			}
			p := s.phases[i]
			from := p.Rate
			if p.From != nil {
				from = *p.From
			} else if i > 0 {
				from = s.phases[i-1].Rate
			}
			f := float64(t-s.starts[i]) / float64(p.Duration.D())
			return i, (from + (p.Rate-from)*f) * s.scale
		}
	}
	return 0, 0
}

// next returns the intended time of the operation after one at t, or false at the
// end. The gap is found by integrating the rate (one operation per unit of area), so
// a ramp from 0 starts slowly instead of waiting 1/rate at its first tiny rate.
func (s *schedule) next(t time.Duration) (time.Duration, bool) {
	const step = time.Millisecond
	need := 1.0 // operations still to come before the next one is due
	for t < s.total {
		_, r := s.at(t)
		if r > 0 {
			if dt := time.Duration(need / r * float64(time.Second)); dt <= step {
				return t + dt, true
			}
			need -= r * step.Seconds()
		}
		t += step
	}
	return 0, false
}

// picker chooses actions in exact proportion to their weights (smooth weighted
// round-robin, as nginx does): deterministic, with no random clumping.
type picker struct {
	names   []string
	weights []float64
	current []float64
	total   float64
}

func newPicker(mix map[string]float64) *picker {
	p := &picker{}
	for _, n := range sortedKeys(mix) {
		if w := mix[n]; w > 0 {
			p.names, p.weights = append(p.names, n), append(p.weights, w)
			p.total += w
		}
	}
	p.current = make([]float64, len(p.names))
	return p
}

func (p *picker) next() string {
	best := 0
	for i := range p.names {
		p.current[i] += p.weights[i]
		if p.current[i] > p.current[best] {
			best = i
		}
	}
	p.current[best] -= p.total
	return p.names[best]
}

package metrics

import (
	"sync"
	"sync/atomic"
	"time"
)

// Recorder records into the run's totals and the current interval at once. It is safe
// for concurrent use.
type Recorder struct {
	mu       sync.Mutex
	total    *Snapshot
	interval *Snapshot
	samples  map[string][]int64 // raw values, only when keepSamples

	conns atomic.Int64
}

// NewRecorder returns an empty recorder. keepSamples also keeps every raw value, for
// tests that check merged percentiles against the union of raw samples.
func NewRecorder(keepSamples bool) *Recorder {
	r := &Recorder{total: NewSnapshot(), interval: NewSnapshot()}
	if keepSamples {
		r.samples = map[string][]int64{}
	}
	return r
}

// Observe records one latency.
func (r *Recorder) Observe(metric string, d time.Duration) {
	v := Micros(d)
	r.mu.Lock()
	_ = r.total.Hist(metric).RecordValue(v)
	if h, ok := r.interval.Hists[metric]; ok {
		_ = h.RecordValue(v)
	}
	if r.samples != nil {
		r.samples[metric] = append(r.samples[metric], v)
	}
	r.mu.Unlock()
}

// Count applies f to the totals and to the interval.
func (r *Recorder) Count(f func(c *Counts)) {
	r.mu.Lock()
	f(&r.total.Counts)
	f(&r.interval.Counts)
	r.mu.Unlock()
}

// ErrorCode counts one error answer with its code.
func (r *Recorder) ErrorCode(code string) {
	r.Count(func(c *Counts) {
		c.Errors++
		if c.ErrorsByCode == nil {
			c.ErrorsByCode = map[string]int64{}
		}
		c.ErrorsByCode[code]++
	})
}

// FailedConnect counts a failed connect with its code (not an answer error).
func (r *Recorder) FailedConnect(code string) {
	r.Count(func(c *Counts) {
		c.ConnectFailed++
		if c.ErrorsByCode == nil {
			c.ErrorsByCode = map[string]int64{}
		}
		c.ErrorsByCode[code]++
	})
}

// Request counts one request of a role.
func (r *Recorder) Request(role string) {
	r.Count(func(c *Counts) {
		c.Requests++
		if c.RequestsByRole == nil {
			c.RequestsByRole = map[string]int64{}
		}
		c.RequestsByRole[role]++
	})
}

// ConnUp and ConnDown track the open connections.
func (r *Recorder) ConnUp() {
	n := r.conns.Add(1)
	r.Count(func(c *Counts) { c.MaxConnections = max(c.MaxConnections, n) })
}

// ConnDown counts a closed connection.
func (r *Recorder) ConnDown() { r.conns.Add(-1) }

// Connections is the number of open connections now.
func (r *Recorder) Connections() int64 { return r.conns.Load() }

// Roll returns the interval since the last Roll and starts a new one. The new interval's
// MaxConnections starts at the current connection count.
func (r *Recorder) Roll() *Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	iv := r.interval
	r.interval = NewSnapshot()
	r.interval.Counts.MaxConnections = r.conns.Load()
	return iv
}

// Swap is Roll without allocating: next (a snapshot returned by an earlier Roll or
// Swap, done with) is reset and becomes the new interval; the finished interval is
// returned.
func (r *Recorder) Swap(next *Snapshot) *Snapshot {
	next.Reset()
	for _, n := range HistogramNames {
		if _, ok := next.Hists[n]; !ok {
			next.Hists[n] = NewHistogram()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	iv := r.interval
	r.interval = next
	r.interval.Counts.MaxConnections = r.conns.Load()
	return iv
}

// Total returns a copy of the run's totals.
func (r *Recorder) Total() *Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := NewSnapshot()
	_ = s.Merge(r.total)
	return s
}

// Samples returns the raw values kept for metric (nil unless keepSamples).
func (r *Recorder) Samples() map[string][]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]int64, len(r.samples))
	for k, v := range r.samples {
		out[k] = append([]int64(nil), v...)
	}
	return out
}

package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestEncodeMergeEqualsUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var all []int64
	merged := NewSnapshot()
	for shard := range 3 {
		r := NewRecorder(true)
		for range 1000 * (shard + 1) {
			r.Observe(ReplyLatency, time.Duration(rng.ExpFloat64()*float64(20*time.Millisecond)))
			r.Request("send-message")
		}
		enc, err := r.Total().Encode()
		if err != nil {
			t.Fatal(err)
		}
		s, err := enc.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if err := merged.Merge(s); err != nil {
			t.Fatal(err)
		}
		all = append(all, r.Samples()[ReplyLatency]...)
	}
	if got, want := merged.Counts.Requests, int64(6000); got != want {
		t.Fatalf("requests %d, want %d", got, want)
	}
	if got := merged.Counts.RequestsByRole["send-message"]; got != 6000 {
		t.Fatalf("by role %d, want 6000", got)
	}
	slices.Sort(all)
	h := merged.Hist(ReplyLatency)
	for _, q := range []float64{50, 95, 99, 99.9} {
		exact := all[int(float64(len(all))*q/100+0.5)-1]
		got := h.ValueAtQuantile(q)
		if !h.ValuesAreEquivalent(got, exact) && absDiff(got, exact) > exact/1000+1 {
			t.Errorf("p(%v): merged %d, union %d", q, got, exact)
		}
	}
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestRollSplitsIntervals(t *testing.T) {
	r := NewRecorder(false)
	r.Observe(FanoutLatency, time.Millisecond)
	r.ErrorCode("RATE_LIMIT_EXCEEDED")
	iv := r.Roll()
	r.Observe(FanoutLatency, time.Millisecond)
	if got := iv.Hist(FanoutLatency).TotalCount(); got != 1 {
		t.Fatalf("interval count %d, want 1", got)
	}
	if got := r.Total().Hist(FanoutLatency).TotalCount(); got != 2 {
		t.Fatalf("total count %d, want 2", got)
	}
	if got := iv.Counts.ErrorsByCode["RATE_LIMIT_EXCEEDED"]; got != 1 {
		t.Fatalf("errors by code %d, want 1", got)
	}
}

func TestEmptyEncodingAndSwap(t *testing.T) {
	r := NewRecorder(false)
	r.Observe(ReplyLatency, 3*time.Millisecond)
	r.Count(func(c *Counts) { c.Replies++ })
	spare := NewSnapshot()
	iv := r.Swap(spare)
	if iv.Counts.Replies != 1 || iv.Hist(ReplyLatency).TotalCount() != 1 {
		t.Fatalf("swapped interval %+v", iv.Counts)
	}
	r.Observe(ReplyLatency, time.Millisecond)
	enc, err := iv.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := enc.Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range HistogramNames {
		want := int64(0)
		if n == ReplyLatency {
			want = 1
		}
		h := back.Hist(n)
		if h.TotalCount() != want || !sameGeometry(h) {
			t.Errorf("%s: %d values, geometry %d..%d/%d; want %d and the package's", n, h.TotalCount(),
				h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures(), want)
		}
	}
	next := r.Swap(iv) // iv is recycled: reset, then the new interval
	if next != spare || next.Hist(ReplyLatency).TotalCount() != 1 || iv.Counts.Replies != 0 {
		t.Errorf("second swap: got %p (spare %p) with %d values; recycled replies %d", next, spare,
			next.Hist(ReplyLatency).TotalCount(), iv.Counts.Replies)
	}
}

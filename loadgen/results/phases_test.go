package results

import (
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
)

func TestMergePhasesKeepsOnlyTheNamedPhases(t *testing.T) {
	var ivs []Interval
	for _, p := range []struct {
		phase string
		acked int64
		lat   time.Duration
	}{{"ramp-up", 100, time.Second}, {"steady", 3, 2 * time.Millisecond}, {"steady", 4, 4 * time.Millisecond}, {"spike", 50, time.Second}} {
		enc, err := snapshot(t, p.acked, p.lat).Encode()
		if err != nil {
			t.Fatal(err)
		}
		ivs = append(ivs, Interval{Phase: p.phase, Data: *enc})
	}
	got, err := MergePhases(ivs, []string{"steady"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts.MessagesAcked != 7 {
		t.Errorf("acked %d, want 7 (the two steady intervals)", got.Counts.MessagesAcked)
	}
	h := got.Hist(metrics.ReplyLatency)
	if h.TotalCount() != 2 || h.Max() >= metrics.Micros(time.Second) {
		t.Errorf("reply histogram: %d samples, max %dµs; want the 2 steady samples only", h.TotalCount(), h.Max())
	}
}

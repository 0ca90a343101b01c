package loadgen

import (
	"testing"
	"time"
)

func TestQuarterMinimums(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var s []rssSample
	// A sawtooth around a flat line, and one reading before the load started.
	s = append(s, rssSample{at: t0.Add(-time.Second), bytes: 1})
	for i, v := range []int64{100, 130, 100, 140, 101, 135, 100, 150, 102, 140, 100, 160} {
		s = append(s, rssSample{at: t0.Add(time.Duration(i) * time.Second), bytes: v})
	}
	first, last, ok := quarterMinimums(s, t0)
	if !ok || first != 100 || last != 100 {
		t.Errorf("got %d, %d, %v; want the sawtooth's floor 100 at both ends", first, last, ok)
	}
	if _, _, ok := quarterMinimums(s[:5], t0); ok {
		t.Error("4 readings judged")
	}
}

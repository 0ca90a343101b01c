package loadgen

import (
	"math"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/scenario"
)

// count walks the schedule as the open model does and counts the operations per phase.
func count(s *schedule) map[int]int {
	out := map[int]int{}
	var t time.Duration
	for {
		next, ok := s.next(t)
		if !ok {
			return out
		}
		t = next
		i, _ := s.at(t)
		if i < 0 {
			return out
		}
		out[i]++
	}
}

func TestScheduleFollowsTheRate(t *testing.T) {
	zero := 0.0
	d := func(s string) scenario.Duration {
		v, _ := time.ParseDuration(s)
		return scenario.Duration(v)
	}
	phases := []scenario.Phase{
		{Name: "ramp-up", Duration: d("10s"), From: &zero, Rate: 10}, // 50 operations
		{Name: "steady", Duration: d("30s"), Rate: 10},               // 300
		{Name: "spike", Duration: d("10s"), Rate: 20},                // 10 -> 20: 150
		{Name: "ramp-down", Duration: d("10s"), Rate: 0},             // 20 -> 0: 100
	}
	tests := []struct {
		name  string
		scale float64
		want  []float64
	}{
		{"whole", 1, []float64{50, 300, 150, 100}},
		{"a third (a shard)", 1.0 / 3, []float64{50.0 / 3, 100, 50, 100.0 / 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := count(newSchedule(phases, tt.scale))
			for i, want := range tt.want {
				if math.Abs(float64(got[i])-want) > 1.5 {
					t.Errorf("phase %s: %d operations, want %.1f", phases[i].Name, got[i], want)
				}
			}
		})
	}
}

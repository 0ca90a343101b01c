package scenario

import (
	"fmt"
	"math"
	"time"
)

// ScaleTo shortens or stretches the scenario so that its phases total d: every phase
// and every timed event is scaled by the same factor, rates and users unchanged. It
// is for quick checks of long scenarios (`rtconform load --duration 1m` on soak);
// the run's notes say so. It returns the factor.
func (s *Scenario) ScaleTo(d time.Duration) (float64, error) {
	total := s.TotalDuration()
	if d <= 0 || total <= 0 {
		return 0, fmt.Errorf("%w: cannot scale %s of phases to %s", ErrInvalid, total, d)
	}
	f := float64(d) / float64(total)
	scale := func(x Duration) Duration { return Duration(math.Round(float64(x) * f)) }
	for i := range s.Phases {
		s.Phases[i].Duration = scale(s.Phases[i].Duration)
		if s.Phases[i].Duration <= 0 {
			return 0, fmt.Errorf("%w: phase %s would last 0 at %s", ErrInvalid, s.Phases[i].Name, d)
		}
	}
	for i := range s.Events {
		s.Events[i].At = scale(s.Events[i].At)
	}
	return f, nil
}

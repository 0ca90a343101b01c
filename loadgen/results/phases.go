package results

import "github.com/utalk/rtconform/loadgen/metrics"

// MergePhases merges, exactly, the histograms and counts of the intervals that belong
// to the named phases: what a run is judged on when a scenario judges only some phases.
func MergePhases(ivs []Interval, phases []string) (*metrics.Snapshot, error) {
	want := map[string]bool{}
	for _, p := range phases {
		want[p] = true
	}
	out := metrics.NewSnapshot()
	for _, iv := range ivs {
		if !want[iv.Phase] {
			continue
		}
		s, err := iv.Data.Decode()
		if err != nil {
			return nil, err
		}
		if err := out.Merge(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

package threshold

import (
	"fmt"
	"sort"

	"github.com/utalk/rtconform/spec"
)

// Threshold is the expressions of one metric.
type Threshold struct {
	Metric        string   `json:"metric"`
	Exprs         []string `json:"exprs"`
	Informational bool     `json:"informational,omitempty"`
	// Source is "contract" or "scenario".
	Source string `json:"source"`
	parsed []Expr
}

// Set is the thresholds of a run, sorted by metric.
type Set []Threshold

// FromContract builds the run's thresholds: the contract's defaults, with each metric
// the overrides name replaced by the overrides' expressions (a scenario may tighten,
// loosen or add; it cannot make an informational contract threshold fail a run).
func FromContract(defaults []spec.Threshold, overrides map[string][]string) (Set, error) {
	by := map[string]*Threshold{}
	for _, d := range defaults {
		t := by[d.Metric]
		if t == nil {
			t = &Threshold{Metric: d.Metric, Source: "contract", Informational: d.Informational}
			by[d.Metric] = t
		}
		t.Exprs = append(t.Exprs, d.Expr)
	}
	for m, exprs := range overrides {
		info := by[m] != nil && by[m].Informational
		by[m] = &Threshold{Metric: m, Exprs: exprs, Source: "scenario", Informational: info}
	}
	var out Set
	for _, t := range by {
		for _, x := range t.Exprs {
			e, err := Parse(t.Metric, x)
			if err != nil {
				return nil, fmt.Errorf("%s threshold: %w", t.Source, err)
			}
			t.parsed = append(t.parsed, e)
		}
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Metric < out[j].Metric })
	return out, nil
}

// Reparse parses the expressions again (after a Set was read back from JSON).
func (s Set) Reparse() (Set, error) {
	out := make(Set, len(s))
	for i, t := range s {
		t.parsed = nil
		for _, x := range t.Exprs {
			e, err := Parse(t.Metric, x)
			if err != nil {
				return nil, err
			}
			t.parsed = append(t.parsed, e)
		}
		out[i] = t
	}
	return out, nil
}

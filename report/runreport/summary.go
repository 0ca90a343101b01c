package runreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/utalk/rtconform/report/loadreport"
	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

// Sub-directories of the main job's report.
const (
	ConformanceDir = "conformance"
	LoadDir        = "load"
	SummaryJSON    = "summary.json"
	JUnitXML       = "junit.xml"
	IndexHTML      = "index.html"
)

// Verdict is the main job's overall verdict.
type Verdict string

// The overall verdicts, in order of precedence.
const (
	Pass               Verdict = "pass"
	ConformanceFailed  Verdict = "conformance-failed"
	ThresholdsBreached Verdict = "thresholds-breached"
	Unreachable        Verdict = "unreachable"
	Usage              Verdict = "usage"
)

// Summary is summary.json of the main job.
type Summary struct {
	Verdict  Verdict   `json:"verdict"`
	ExitCode int       `json:"exitCode"`
	Created  time.Time `json:"created"`
	Target   string    `json:"target"`
	Contract string    `json:"contractHash"`
	// Lines are the short verdict printed on the terminal.
	Lines       []string            `json:"lines"`
	Conformance *verdict.Results    `json:"conformance,omitempty"`
	Load        *loadreport.Summary `json:"load,omitempty"`
	Missing     []verdict.Clause    `json:"missingClauses,omitempty"`
	Breaches    []string            `json:"breaches,omitempty"`
	Problems    []string            `json:"problems,omitempty"`
	// LoadSkipped says why the load step did not run, when it did not.
	LoadSkipped string `json:"loadSkipped,omitempty"`
	exit        spec.ExitCodes
}

// Build reads dir/conformance/report.json and dir/load/summary.json (either may be
// absent when its step did not run or could not start) and computes the verdict.
func Build(dir string, exit spec.ExitCodes) (*Summary, error) {
	s := &Summary{Created: time.Now().UTC(), exit: exit}
	c, err := verdict.ReadFile(filepath.Join(dir, ConformanceDir, verdict.JSONFile))
	switch {
	case err == nil:
		s.Conformance = c
		s.Target, s.Contract = c.Stamp.Target, c.Stamp.ContractHash
	case errors.Is(err, fs.ErrNotExist):
		s.Problems = append(s.Problems, "the conformance suite wrote no report.json")
	default:
		return nil, err
	}
	l, err := readLoad(filepath.Join(dir, LoadDir, loadreport.SummaryJSON))
	switch {
	case err == nil:
		s.Load = l
		if s.Target == "" {
			s.Target, s.Contract = l.Target, l.Contract
		}
	case errors.Is(err, fs.ErrNotExist):
		s.Problems = append(s.Problems, "the load run wrote no summary.json")
	default:
		return nil, err
	}
	s.judge()
	return s, nil
}

func readLoad(path string) (*loadreport.Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l loadreport.Summary
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &l, nil
}

// judge sets the verdict, the exit code and the short lines. A conformance failure
// takes precedence over a threshold breach; a step that could not run makes the run
// unreachable unless the other step already failed.
func (s *Summary) judge() {
	s.Verdict = Pass
	if c := s.Conformance; c != nil {
		for _, cl := range c.Clauses {
			if cl.Verdict == verdict.Missing {
				s.Missing = append(s.Missing, cl)
			}
		}
		line := fmt.Sprintf("conformance: %s (%s)", c.Outcome, c.Summary)
		s.Lines = append(s.Lines, line)
		if c.Message != "" {
			s.Lines = append(s.Lines, "  why: "+c.Message)
		}
		switch c.Outcome {
		case verdict.OutcomeFail:
			s.Verdict = ConformanceFailed
		case verdict.OutcomeUnreachable:
			s.Verdict = Unreachable
		case verdict.OutcomeUsage:
			s.Verdict = Usage
		}
	}
	if l := s.Load; l != nil {
		for _, t := range l.Thresholds {
			if !t.Pass && !t.Informational {
				s.Breaches = append(s.Breaches, t.Message)
			}
		}
		verdictWord := "pass"
		if len(s.Breaches) > 0 {
			verdictWord = "thresholds breached"
			if s.Verdict == Pass {
				s.Verdict = ThresholdsBreached
			}
		}
		s.Lines = append(s.Lines, fmt.Sprintf("load %s: %s: %d users, %.1f acked msg/s, error rate %.2f%%",
			l.Scenario, verdictWord, l.Users, l.MsgPerSec, l.ErrorRate*100))
		for _, lat := range l.Latencies {
			if lat.Count > 0 && (lat.Metric == "reply_latency" || lat.Metric == "fanout_latency") {
				s.Lines = append(s.Lines, fmt.Sprintf("  %s p95 %.1f ms, p99 %.1f ms (n=%d)", lat.Metric, lat.P95, lat.P99, lat.Count))
			}
		}
	}
	if s.LoadSkipped != "" {
		s.Lines = append(s.Lines, "load: not run ("+s.LoadSkipped+")")
	}
	if len(s.Problems) > 0 && s.Verdict == Pass {
		s.Verdict = Unreachable
	}
	if n := len(s.Missing); n > 0 && s.Verdict != Unreachable {
		s.Lines = append(s.Lines, fmt.Sprintf("%d clauses Missing (not checked against this target):", n))
		for _, g := range s.MissingByReason() {
			s.Lines = append(s.Lines, fmt.Sprintf("  %d: %s", len(g.Clauses), g.Reason))
		}
	}
	s.ExitCode = map[Verdict]int{Pass: s.exit.Pass, ConformanceFailed: s.exit.ConformanceFailed,
		ThresholdsBreached: s.exit.ThresholdsBreached, Unreachable: s.exit.Unreachable, Usage: s.exit.Usage}[s.Verdict]
}

// MissingGroup is the Missing clauses that share one reason.
type MissingGroup struct {
	Reason  string
	Clauses []string
}

// MissingByReason groups the Missing clauses by reason, largest group first.
func (s *Summary) MissingByReason() []MissingGroup {
	idx := map[string]int{}
	var out []MissingGroup
	for _, c := range s.Missing {
		r := c.Reason
		if r == "" {
			r = "no reason given"
		}
		i, ok := idx[r]
		if !ok {
			i = len(out)
			idx[r] = i
			out = append(out, MissingGroup{Reason: r})
		}
		out[i].Clauses = append(out[i].Clauses, c.ID)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Clauses) > len(out[j].Clauses) })
	return out
}

// SkipLoad records that the load step did not run, and why, and judges again.
func (s *Summary) SkipLoad(why string) {
	s.Load = nil
	var keep []string
	for _, p := range s.Problems {
		if !strings.Contains(p, "load run") {
			keep = append(keep, p)
		}
	}
	s.Problems, s.Lines, s.Missing, s.Breaches = keep, nil, nil, nil
	s.LoadSkipped = why
	s.judge()
}

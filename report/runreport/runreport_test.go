package runreport_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/utalk/rtconform/loadgen/threshold"
	"github.com/utalk/rtconform/report/loadreport"
	"github.com/utalk/rtconform/report/runreport"
	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

func write(t *testing.T, dir string, c *verdict.Results, l *loadreport.Summary) {
	t.Helper()
	if c != nil {
		if err := os.MkdirAll(filepath.Join(dir, runreport.ConformanceDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := c.WriteFile(filepath.Join(dir, runreport.ConformanceDir, verdict.JSONFile)); err != nil {
			t.Fatal(err)
		}
	}
	if l != nil {
		if err := os.MkdirAll(filepath.Join(dir, runreport.LoadDir), 0o755); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(l)
		if err := os.WriteFile(filepath.Join(dir, runreport.LoadDir, loadreport.SummaryJSON), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func conformance(outcome verdict.Outcome, verdicts ...verdict.Verdict) *verdict.Results {
	r := &verdict.Results{Outcome: outcome}
	for i, v := range verdicts {
		r.Clauses = append(r.Clauses, verdict.Clause{ID: "c" + string(rune('a'+i)), Verdict: v, Reason: "needs the control surface"})
	}
	r.Count()
	return r
}

func load(breach bool) *loadreport.Summary {
	res := threshold.Result{Metric: "reply_latency", Expr: "p(95)<200ms", Pass: !breach, Message: "reply_latency p(95)=312ms > 200ms by 112ms"}
	return &loadreport.Summary{Scenario: "seed-baseline", Thresholds: []threshold.Result{res}}
}

func TestVerdictPrecedence(t *testing.T) {
	exit := spec.Default().ExitCodes
	tests := []struct {
		name     string
		c        *verdict.Results
		l        *loadreport.Summary
		want     runreport.Verdict
		wantCode int
	}{
		{"pass", conformance(verdict.OutcomePass, verdict.Pass, verdict.Missing), load(false), runreport.Pass, exit.Pass},
		{"breach", conformance(verdict.OutcomePass, verdict.Pass), load(true), runreport.ThresholdsBreached, exit.ThresholdsBreached},
		{"conformance wins over breach", conformance(verdict.OutcomeFail, verdict.Fail), load(true), runreport.ConformanceFailed, exit.ConformanceFailed},
		{"no load results", conformance(verdict.OutcomePass, verdict.Pass), nil, runreport.Unreachable, exit.Unreachable},
		{"unreachable", conformance(verdict.OutcomeUnreachable, verdict.Missing), nil, runreport.Unreachable, exit.Unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.c, tt.l)
			s, err := runreport.Build(dir, exit)
			if err != nil {
				t.Fatal(err)
			}
			if s.Verdict != tt.want || s.ExitCode != tt.wantCode {
				t.Fatalf("verdict %s exit %d, want %s %d (lines %q)", s.Verdict, s.ExitCode, tt.want, tt.wantCode, s.Lines)
			}
			if err := runreport.Write(dir, s); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{runreport.IndexHTML, runreport.SummaryJSON, runreport.JUnitXML} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestSkipLoadAndIndex(t *testing.T) {
	exit := spec.Default().ExitCodes
	dir := t.TempDir()
	c := conformance(verdict.OutcomeUnreachable, verdict.Missing)
	c.Message = "dial tcp 127.0.0.1:1: connection refused"
	write(t, dir, c, nil)
	s, err := runreport.Build(dir, exit)
	if err != nil {
		t.Fatal(err)
	}
	s.SkipLoad("the target is unreachable")
	if s.Verdict != runreport.Unreachable || len(s.Problems) != 0 {
		t.Fatalf("verdict %s problems %q", s.Verdict, s.Problems)
	}
	if err := runreport.Write(dir, s); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, runreport.IndexHTML))
	for _, want := range []string{"connection refused", "Load: not run (the target is unreachable)"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(string(page), "load/report.html") || strings.Contains(string(page), "Missing clauses, by reason") {
		t.Error("index.html links a load report that was not written, or lists Missing reasons of an unreachable target")
	}
}

func TestJUnitHasClausesAndThresholds(t *testing.T) {
	exit := spec.Default().ExitCodes
	dir := t.TempDir()
	write(t, dir, conformance(verdict.OutcomeFail, verdict.Pass, verdict.Fail, verdict.Missing), load(true))
	s, _ := runreport.Build(dir, exit)
	if err := runreport.Write(dir, s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, runreport.JUnitXML))
	x := string(b)
	for _, want := range []string{`tests="4"`, `failures="2"`, `skipped="1"`, "reply_latency p(95)&lt;200ms", "needs the control surface"} {
		if !strings.Contains(x, want) {
			t.Errorf("junit.xml lacks %s:\n%s", want, x)
		}
	}
}

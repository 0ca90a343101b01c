package verdict

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Verdict is the outcome of one contract clause.
type Verdict string

// The verdicts of a clause.
const (
	Pass    Verdict = "pass"
	Fail    Verdict = "fail"
	Missing Verdict = "missing"
	Waived  Verdict = "waived"
)

// Outcome is the outcome of the whole run; the conform command maps it to an exit code.
type Outcome string

// The outcomes of a run.
const (
	OutcomePass        Outcome = "pass"
	OutcomeFail        Outcome = "fail"
	OutcomeUsage       Outcome = "usage"
	OutcomeUnreachable Outcome = "unreachable"
)

// Results is the content of report.json.
type Results struct {
	Stamp   Stamp   `json:"stamp"`
	Outcome Outcome `json:"outcome"`
	// Message says why the run failed, was misconfigured or could not reach the target.
	Message string   `json:"message,omitempty"`
	Summary Summary  `json:"summary"`
	Clauses []Clause `json:"clauses"`
	// Problems are run-level failures that belong to no clause (an expired waiver, a
	// waiver for an unknown clause, a failing spec without a clause label).
	Problems []string `json:"problems,omitempty"`
}

// Stamp identifies a run: what was tested, with what, when.
type Stamp struct {
	RunID        string            `json:"runId"`
	Started      time.Time         `json:"started"`
	Finished     time.Time         `json:"finished"`
	Target       string            `json:"target"`
	Contract     string            `json:"contract"`
	ContractHash string            `json:"contractHash"`
	SuiteVersion string            `json:"suiteVersion"`
	Settings     map[string]string `json:"settings"`
}

// Summary counts clauses by verdict.
type Summary struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Missing int `json:"missing"`
	Waived  int `json:"waived"`
}

// String prints the counts on one line.
func (s Summary) String() string {
	return fmt.Sprintf("%d pass, %d fail, %d missing, %d waived", s.Pass, s.Fail, s.Missing, s.Waived)
}

// Total is the number of clauses counted.
func (s Summary) Total() int { return s.Pass + s.Fail + s.Missing + s.Waived }

// Clause is the verdict of one contract clause and the specs behind it.
type Clause struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Labels    []string `json:"labels,omitempty"`
	Generated bool     `json:"generated,omitempty"`
	Verdict   Verdict  `json:"verdict"`
	// Reason says why a clause failed, is missing or is waived.
	Reason string `json:"reason,omitempty"`
	Specs  []Spec `json:"specs,omitempty"`
}

// Spec is one spec that checked a clause.
type Spec struct {
	Name     string        `json:"name"`
	State    string        `json:"state"`
	Location string        `json:"location,omitempty"`
	Duration time.Duration `json:"durationNs"`
	Failure  string        `json:"failure,omitempty"`
	// Transcript is what the spec sent and what came back.
	Transcript []Line `json:"transcript,omitempty"`
}

// Line is one entry of a transcript.
type Line struct {
	// At is the time since the spec started.
	At time.Duration `json:"atNs"`
	// Dir is "sent", "recv", "ack", "http" or "note".
	Dir    string          `json:"dir"`
	Actor  string          `json:"actor,omitempty"`
	Event  string          `json:"event,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
	Remark string          `json:"remark,omitempty"`
}

// Count recomputes the summary from the clauses.
func (r *Results) Count() {
	r.Summary = Summary{}
	for _, c := range r.Clauses {
		switch c.Verdict {
		case Pass:
			r.Summary.Pass++
		case Fail:
			r.Summary.Fail++
		case Missing:
			r.Summary.Missing++
		case Waived:
			r.Summary.Waived++
		}
	}
}

// WriteFile writes r as indented JSON.
func (r *Results) WriteFile(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadFile reads a report.json.
func ReadFile(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read results %s: %w", path, err)
	}
	return &r, nil
}

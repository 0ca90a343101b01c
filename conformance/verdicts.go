package conformance

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

// ClauseLabelPrefix starts every clause label: Label(ClauseLabel("dedup.same-reply")).
const ClauseLabelPrefix = "clause:"

// MissingPrefix starts the Skip message of a spec that cannot run: Skip(MissingPrefix+reason).
const MissingPrefix = "missing: "

// Set-up failures are reported through the BeforeSuite failure with these prefixes;
// BuildResults turns them into the usage and unreachable outcomes.
const (
	UsagePrefix       = "usage: "
	UnreachablePrefix = "unreachable: "
)

// ClauseLabel is the Ginkgo label of a clause id.
func ClauseLabel(id string) string { return ClauseLabelPrefix + id }

// SuiteVersion is stamped on every report; bump it when specs change meaning.
const SuiteVersion = "0.2.0"

// Judgement is everything BuildResults needs besides the Ginkgo report.
type Judgement struct {
	Contract *spec.Contract
	Config   Config
	Target   string
	Waivers  []Waiver
	Started  time.Time
	Now      time.Time
}

// BuildResults turns the suite's Ginkgo report into a verdict for every clause of the
// contract.
func BuildResults(rep types.Report, j Judgement) *verdict.Results {
	res := &verdict.Results{Stamp: verdict.Stamp{
		RunID: j.Config.RunID, Started: j.Started, Finished: j.Now, Target: j.Target,
		Contract: j.Contract.Source, ContractHash: j.Contract.Hash, SuiteVersion: SuiteVersion,
		Settings: j.Config.Settings(),
	}}
	if res.Stamp.RunID == "" {
		res.Stamp.RunID = j.Started.UTC().Format("20060102T150405Z") + "-" + runNonce
	}
	byClause := map[string][]verdict.Spec{}
	payloads := PayloadStats{}
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			if sr.State.Is(types.SpecStateFailureStates) {
				res.Problems = append(res.Problems, setupProblem(res, sr))
			}
			continue
		}
		s := specResult(sr)
		if st := entryJSON(sr, EntryPayloads); st != "" {
			var ps PayloadStats
			if json.Unmarshal([]byte(st), &ps) == nil {
				payloads.merge(ps)
			}
		}
		ids := clauseIDs(sr.Labels())
		if len(ids) == 0 && s.State == "failed" {
			res.Problems = append(res.Problems, fmt.Sprintf("spec %q failed and names no clause: %s", s.Name, firstLine(s.Failure)))
		}
		for _, id := range ids {
			byClause[id] = append(byClause[id], s)
		}
	}
	known := map[string]bool{}
	for _, cl := range j.Contract.Clauses() {
		known[cl.ID] = true
		c := verdict.Clause{ID: cl.ID, Title: cl.Title, Labels: cl.Labels, Generated: cl.Generated, Specs: byClause[cl.ID]}
		if strings.HasPrefix(cl.ID, "payload.") && len(c.Specs) == 0 {
			judgePayload(&c, payloads[string(cl.Event)])
		} else {
			judge(&c)
		}
		res.Clauses = append(res.Clauses, c)
	}
	for id := range byClause {
		if !known[id] {
			res.Problems = append(res.Problems, fmt.Sprintf("specs name clause %q, which the contract %s does not have", id, j.Contract.Source))
		}
	}
	if u := payloads[unknownEventKey]; u != nil {
		for _, v := range u.Violations {
			res.Problems = append(res.Problems, "unknown server event: "+v)
		}
	}
	applyWaivers(res, j.Waivers, j.Now)
	sort.Strings(res.Problems)
	res.Count()
	decideOutcome(res, j.Config.Strict)
	return res
}

func setupProblem(res *verdict.Results, sr types.SpecReport) string {
	msg := sr.Failure.Message
	switch {
	case strings.HasPrefix(msg, UsagePrefix):
		res.Outcome, res.Message = verdict.OutcomeUsage, strings.TrimPrefix(msg, UsagePrefix)
	case strings.HasPrefix(msg, UnreachablePrefix):
		res.Outcome, res.Message = verdict.OutcomeUnreachable, strings.TrimPrefix(msg, UnreachablePrefix)
	}
	return fmt.Sprintf("%s failed: %s", sr.LeafNodeType, firstLine(msg))
}

func specResult(sr types.SpecReport) verdict.Spec {
	s := verdict.Spec{Name: sr.FullText(), Location: sr.LeafNodeLocation.String(), Duration: sr.RunTime}
	switch {
	case sr.State == types.SpecStatePassed:
		s.State = "passed"
		if sr.NumAttempts > 1 {
			s.Failure = fmt.Sprintf("flaky: passed on attempt %d", sr.NumAttempts)
		}
	case sr.State == types.SpecStateSkipped:
		s.State = "skipped"
		s.Failure = sr.Failure.Message
		if s.Failure == "" {
			s.Failure = "not selected (label filter or focus)"
		}
	case sr.State == types.SpecStatePending:
		s.State, s.Failure = "skipped", "pending"
	case sr.State.Is(types.SpecStateFailureStates):
		s.State = "failed"
		s.Failure = sr.Failure.Message
		if sr.Failure.Location.FileName != "" {
			s.Failure += "\n(at " + sr.Failure.Location.String() + ")"
		}
	default:
		s.State = sr.State.String()
	}
	if t := entryJSON(sr, EntryTranscript); t != "" {
		_ = json.Unmarshal([]byte(t), &s.Transcript)
	}
	return s
}

func entryJSON(sr types.SpecReport, name string) string {
	for _, e := range sr.ReportEntries {
		if e.Name != name {
			continue
		}
		if e.Value.AsJSON != "" {
			return e.Value.AsJSON
		}
		// In-process (serial) runs keep the raw value; parallel ones the JSON.
		if b, err := json.Marshal(e.Value.GetRawValue()); err == nil {
			return string(b)
		}
	}
	return ""
}

func clauseIDs(labels []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range labels {
		if id, ok := strings.CutPrefix(l, ClauseLabelPrefix); ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// judge: any failed spec fails the clause; else any passed spec passes it; else it is
// missing, with the first reason given.
func judge(c *verdict.Clause) {
	if len(c.Specs) == 0 {
		c.Verdict, c.Reason = verdict.Missing, "no spec"
		return
	}
	var pass bool
	var missing string
	for _, s := range c.Specs {
		switch s.State {
		case "failed":
			if c.Verdict != verdict.Fail {
				c.Verdict, c.Reason = verdict.Fail, firstLine(s.Failure)
			}
		case "passed":
			pass = true
		default:
			if missing == "" {
				missing = strings.TrimPrefix(firstLine(s.Failure), MissingPrefix)
			}
		}
	}
	switch {
	case c.Verdict == verdict.Fail:
	case pass:
		c.Verdict = verdict.Pass
	default:
		c.Verdict, c.Reason = verdict.Missing, missing
	}
}

func judgePayload(c *verdict.Clause, st *PayloadStat) {
	switch {
	case st == nil || st.Seen == 0:
		c.Verdict, c.Reason = verdict.Missing, "the target never sent this event during the run"
	case len(st.Violations) > 0:
		c.Verdict = verdict.Fail
		c.Reason = fmt.Sprintf("%s of %d payloads seen violate the contract (first %d listed)", countOr(st), st.Seen, len(st.Violations))
		c.Specs = []verdict.Spec{{Name: "payloads recorded across the run", State: "failed", Failure: strings.Join(st.Violations, "\n")}}
	default:
		c.Verdict, c.Reason = verdict.Pass, fmt.Sprintf("%d payloads seen, all valid", st.Seen)
	}
}

func countOr(st *PayloadStat) string {
	if len(st.Violations) >= maxViolations {
		return fmt.Sprintf("at least %d", len(st.Violations))
	}
	return fmt.Sprint(len(st.Violations))
}

func applyWaivers(res *verdict.Results, ws []Waiver, now time.Time) {
	for _, w := range ws {
		if w.Expired(now) {
			res.Problems = append(res.Problems, fmt.Sprintf("waiver for %s expired on %s (%s): fix the clause or renew the waiver", w.Clause, w.Expires, w.Reason))
			continue
		}
		for i := range res.Clauses {
			c := &res.Clauses[i]
			if c.ID == w.Clause && c.Verdict == verdict.Fail {
				c.Verdict = verdict.Waived
				c.Reason = fmt.Sprintf("waived until %s: %s (failure: %s)", w.Expires, w.Reason, c.Reason)
			}
		}
	}
}

func decideOutcome(res *verdict.Results, strict bool) {
	if res.Outcome != "" {
		return
	}
	var why []string
	if res.Summary.Fail > 0 {
		why = append(why, fmt.Sprintf("%d clause(s) fail", res.Summary.Fail))
	}
	if strict && res.Summary.Missing > 0 {
		why = append(why, fmt.Sprintf("STRICT=1 and %d clause(s) missing", res.Summary.Missing))
	}
	if len(res.Problems) > 0 {
		why = append(why, fmt.Sprintf("%d run problem(s)", len(res.Problems)))
	}
	if len(why) == 0 {
		res.Outcome = verdict.OutcomePass
		return
	}
	res.Outcome, res.Message = verdict.OutcomeFail, strings.Join(why, "; ")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

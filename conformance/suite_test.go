package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

func TestConformance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "UTalk conformance")
}

var (
	started = time.Now()
	// contract is loaded once: the spec tree, the target and the verdicts must share its
	// events (the suite compares them by identity).
	contract, contractErr = treeContract()
	target                *Target
	// noTarget says why there is no target (no reference linked in, no TARGET).
	noTarget string
	rec      *Record
)

var _ = BeforeSuite(func(ctx SpecContext) {
	SetProcess(GinkgoParallelProcess())
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		Fail(UsagePrefix + err.Error())
	}
	if contractErr != nil {
		Fail(UsagePrefix + contractErr.Error())
	}
	if _, err := LoadWaivers(cfg.WaiversFile, knownClause); err != nil {
		Fail(UsagePrefix + err.Error())
	}
	target, err = OpenTarget(ctx, cfg, contract)
	switch {
	case errors.Is(err, ErrNoBuiltin):
		noTarget = err.Error()
		return
	case errors.Is(err, ErrConfig):
		Fail(UsagePrefix + err.Error())
	case err != nil:
		Fail(UnreachablePrefix + err.Error())
	}
	DeferCleanup(func(ctx SpecContext) { Expect(target.Stop(ctx)).To(Succeed()) })
	var wait time.Duration
	if target.RedisFault != nil {
		wait = ReachWait // the target needs the suite's Redis proxy to start
	}
	if err := target.WaitReachable(ctx, wait); err != nil {
		Fail(UnreachablePrefix + err.Error())
	}
	if target.RedisFault != nil {
		if err := target.WaitRedisOK(ctx, ReachWait); err != nil {
			Fail(UnreachablePrefix + err.Error())
		}
	}
}, NodeTimeout(3*time.Minute))

var _ = BeforeEach(func() { rec = NewRecord() })

var _ = AfterEach(func() {
	AddReportEntry(EntryTranscript, rec.Lines(), ReportEntryVisibilityFailureOrVerbose)
	AddReportEntry(EntryPayloads, rec.Stats(), ReportEntryVisibilityNever)
})

var _ = ReportAfterSuite("conformance verdicts", func(rep Report) {
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		cfg.ReportDir = DefaultReportDir
	}
	ws, _ := LoadWaivers(cfg.WaiversFile, knownClause)
	name := cfg.Target
	switch {
	case target != nil:
		name = target.Name
	case noTarget != "":
		name = "(none: " + noTarget + ")"
	}
	res := BuildResults(rep, Judgement{Contract: contract, Config: cfg, Target: name, Waivers: ws, Started: started, Now: time.Now()})
	if err := verdict.WriteAll(cfg.ReportDir, res); err != nil {
		fmt.Fprintf(GinkgoWriter, "write reports: %v\n", err)
	}
	AddReportEntry("verdicts", fmt.Sprintf("%s: %s (reports in %s)", res.Outcome, res.Summary, cfg.ReportDir))
	if res.Outcome == verdict.OutcomeFail && res.Summary.Fail == 0 {
		// Failing clauses already failed their specs; a run-level problem (an expired
		// waiver, STRICT with missing clauses) must fail go test too.
		Fail("conformance: " + res.Message + "\n" + fmt.Sprint(res.Problems))
	}
})

// treeContract is the contract the spec tree is generated from: CONTRACT when it loads,
// else the embedded one and the load error (BeforeSuite reports it as a usage error).
func treeContract() (*spec.Contract, error) {
	c, err := spec.LoadOrDefault(os.Getenv(EnvContract))
	if err != nil {
		return spec.Default(), err
	}
	return c, nil
}

func knownClause(id string) bool { _, ok := contract.Clause(id); return ok }

// NewWorld gives the running spec its own tenant, workspace and record, or skips it as
// missing when there is no target.
func NewWorld() *World {
	if target == nil {
		Skip(MissingPrefix + noTarget)
	}
	w := NewWorldFor(target, rec)
	DeferCleanup(w.Close)
	return w
}

// clause labels a spec with a clause id and the clause's area labels from the contract.
func clause(ids ...string) Labels {
	var ls []string
	for _, id := range ids {
		ls = append(ls, ClauseLabel(id))
		if cl, ok := contract.Clause(id); ok {
			ls = append(ls, cl.Labels...)
		}
	}
	return Label(ls...)
}

// ev returns the event of role r, skipping the spec when the contract has none.
func ev(r spec.Role) *spec.Event {
	e := contract.ByRole(r)
	if e == nil {
		Skip(MissingPrefix + "the contract has no event of role " + string(r))
	}
	return e
}

// require skips the spec as missing when the target cannot meet a requirement.
func require(reqs ...string) {
	for _, r := range reqs {
		if why := target.Missing(r); why != "" {
			Skip(MissingPrefix + r + ": " + why)
		}
	}
}

// connect dials and fails the spec on a refusal.
func connect(ctx context.Context, w *World, u User, ns string, opts ...DialOption) *Client {
	GinkgoHelper()
	c, err := w.Dial(ctx, u, ns, opts...)
	Expect(err).NotTo(HaveOccurred(), "connect %s (%s) to %s", u.ID, u.Role, ns)
	return c
}

// request sends e and fails the spec when no answer arrives.
func request(ctx context.Context, c *Client, e *spec.Event, p map[string]any) Answer {
	GinkgoHelper()
	a, err := c.Request(ctx, e, p)
	Expect(err).NotTo(HaveOccurred())
	return a
}

// accepted sends e and fails the spec unless the reply (not an error) comes back.
func accepted(ctx context.Context, c *Client, e *spec.Event, p map[string]any) Answer {
	GinkgoHelper()
	a := request(ctx, c, e, p)
	Expect(a.IsError).To(BeFalse(), "%s was refused: %s", e.Name, a)
	return a
}

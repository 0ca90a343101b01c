package selftest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

// aimed lists, for every negative control of the reference, the clauses whose specs
// must reject it. Only those specs run against the mutated server.
var aimed = []struct {
	mutation reference.Mutation
	clauses  []string
}{
	{reference.MutationNoDedup, []string{"dedup.same-reply", "dedup.single-delivery"}},
	{reference.MutationDedupPerSocket, []string{"dedup.after-reconnect", "dedup.cross-instance"}},
	{reference.MutationNoRateLimit, []string{"ratelimit.per-event"}},
	{reference.MutationWrongErrorCode, []string{"filter.validation", spec.ErrorsClause(spec.SendMessage)}},
	{reference.MutationTenantLeak, []string{"authz.isolation", "authz.cross-tenant"}},
	{reference.MutationLoseAfterRedisRecovery, []string{"adapter.redis-stopped", "adapter.redis-paused"}},
	{reference.MutationUncorrelatedReplies, []string{"order.correlation", spec.ReplyClause(spec.SendMessage)}},
	{reference.MutationNoSeqOrder, []string{"order.per-conversation", "order.burst"}},
	{reference.MutationAcceptExpired, []string{"auth.expired"}},
	{reference.MutationSyncDropsLast, []string{"reconnect.client-drop", "reconnect.from-nothing"}},
}

// runTimeout bounds one run of the suite binary.
const runTimeout = 3 * time.Minute

var (
	buildOnce sync.Once
	suiteBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// suite builds the conformance suite with -tags negativecontrols, once per process.
func suite(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the self-test builds and runs the suite several times")
	}
	root := moduleRoot(t)
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "conformance-selftest-"); buildErr != nil {
			return
		}
		suiteBin = filepath.Join(buildDir, "conformance.nc.test")
		cmd := exec.Command("go", "test", "-c", "-tags", "negativecontrols", "-o", suiteBin, "./conformance")
		cmd.Dir = root
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go test -c -tags negativecontrols ./conformance: %v\n%s", err, out.String())
			return
		}
		t.Logf("built the suite with -tags negativecontrols in %v", time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return suiteBin
}

// run runs the suite binary with the label filter (empty: every spec) and extra
// environment, against the built-in target, and returns its verdicts.
func run(t *testing.T, labels string, env ...string) *verdict.Results {
	t.Helper()
	bin := suite(t)
	root := moduleRoot(t)
	reports := t.TempDir()
	args := []string{"-test.timeout=0", "-ginkgo.no-color"}
	if labels != "" {
		args = append(args, "-ginkgo.label-filter="+labels)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(root, "conformance")
	cmd.Env = append(cleanEnv(), append([]string{conformance.EnvReportDir + "=" + reports}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	runErr := cmd.Run()
	res, err := verdict.ReadFile(filepath.Join(reports, verdict.JSONFile))
	if err != nil {
		t.Fatalf("the suite wrote no verdicts (%v; exit: %v)\n%s", err, runErr, tail(out.String(), 4000))
	}
	t.Logf("%s in %v: %s, %s", strings.Join(env, " "), time.Since(start).Round(time.Millisecond), res.Outcome, res.Summary)
	if res.Outcome == verdict.OutcomeUsage || res.Outcome == verdict.OutcomeUnreachable {
		t.Fatalf("the suite could not run: %s: %s\n%s", res.Outcome, res.Message, tail(out.String(), 4000))
	}
	return res
}

// cleanEnv is the environment without the settings that would point the suite at
// another target or contract.
func cleanEnv() []string {
	drop := []string{conformance.EnvTarget, conformance.EnvControlURL, conformance.EnvControlToken,
		conformance.EnvContract, conformance.EnvStrict, conformance.EnvWaivers, conformance.EnvReportDir,
		conformance.EnvInstances, conformance.EnvRedisProxyListen, conformance.EnvRedisUpstream,
		conformance.EnvMutations, "JWT_SECRET", "TOKEN_CMD"}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) {
			out = append(out, kv)
		}
	}
	return out
}

func filter(clauses []string) string {
	var parts []string
	for _, c := range clauses {
		parts = append(parts, conformance.ClauseLabel(c))
	}
	return strings.Join(parts, " || ")
}

func verdictOf(res *verdict.Results, id string) (verdict.Clause, bool) {
	for _, c := range res.Clauses {
		if c.ID == id {
			return c, true
		}
	}
	return verdict.Clause{}, false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// TestNegativeControlsCoverEveryMutation keeps the table in step with the reference.
func TestNegativeControlsCoverEveryMutation(t *testing.T) {
	c := spec.Default()
	for _, m := range reference.Mutations() {
		i := slices.IndexFunc(aimed, func(a struct {
			mutation reference.Mutation
			clauses  []string
		}) bool {
			return a.mutation == m
		})
		if i < 0 {
			t.Errorf("mutation %s has no specs aimed at it", m)
			continue
		}
		for _, id := range aimed[i].clauses {
			if _, ok := c.Clause(id); !ok {
				t.Errorf("mutation %s: clause %s is not in the contract", m, id)
			}
		}
	}
}

// TestNegativeControls runs the specs aimed at each mutation against the reference
// with that mutation, and fails unless they reject it; the same specs must pass
// against the unmutated reference.
func TestNegativeControls(t *testing.T) {
	t.Parallel()
	var all []string
	for _, a := range aimed {
		all = append(all, a.clauses...)
	}
	t.Run("unmutated", func(t *testing.T) {
		t.Parallel()
		res := run(t, filter(all))
		if res.Outcome != verdict.OutcomePass {
			t.Errorf("the aimed specs fail against the unmutated reference: %s", res.Message)
		}
		for _, id := range all {
			if c, _ := verdictOf(res, id); c.Verdict != verdict.Pass {
				t.Logf("unmutated: %s is %s: %s", id, c.Verdict, c.Reason)
			}
		}
	})
	for _, a := range aimed {
		t.Run(string(a.mutation), func(t *testing.T) {
			t.Parallel()
			res := run(t, filter(a.clauses), conformance.EnvMutations+"="+string(a.mutation))
			if !strings.Contains(res.Stamp.Target, string(a.mutation)) {
				t.Fatalf("the run's target %q does not say it ran mutation %s", res.Stamp.Target, a.mutation)
			}
			failed := 0
			for _, id := range a.clauses {
				c, ok := verdictOf(res, id)
				switch {
				case !ok:
					t.Errorf("clause %s is not in the verdicts", id)
				case c.Verdict == verdict.Fail:
					failed++
					t.Logf("rejected by %s: %s", id, c.Reason)
				case c.Verdict == verdict.Missing:
					t.Logf("%s could not run here: %s", id, c.Reason)
				default:
					t.Errorf("mutation %s was not rejected: clause %s is %s", a.mutation, id, c.Verdict)
				}
			}
			if failed == 0 {
				t.Errorf("mutation %s was rejected by none of %v", a.mutation, a.clauses)
			}
			if res.Outcome != verdict.OutcomeFail {
				t.Errorf("mutation %s: the run's outcome is %s, want fail", a.mutation, res.Outcome)
			}
		})
	}
}

// TestVariantContract starts the reference and the suite on the variant contract with
// hyphenated event names: the whole suite must pass.
func TestVariantContract(t *testing.T) {
	t.Parallel()
	variant := filepath.Join(moduleRoot(t), "spec", "testdata", "variant-hyphenated.asyncapi.yaml")
	c, err := spec.Load(variant)
	if err != nil {
		t.Fatal(err)
	}
	if c.ByRole(spec.SendMessage).Name == spec.Default().ByRole(spec.SendMessage).Name {
		t.Fatalf("the variant contract names %s like the default one", spec.SendMessage)
	}
	res := run(t, "", conformance.EnvContract+"="+variant)
	if res.Stamp.ContractHash != c.Hash {
		t.Errorf("the run's contract hash %s is not the variant's %s", res.Stamp.ContractHash, c.Hash)
	}
	if res.Outcome != verdict.OutcomePass {
		for _, cl := range res.Clauses {
			if cl.Verdict == verdict.Fail {
				t.Errorf("variant contract: %s fails: %s", cl.ID, firstLine(cl.Reason))
			}
		}
		t.Fatalf("the suite fails on the variant contract: %s", res.Message)
	}
	if res.Summary.Pass == 0 {
		t.Fatal("nothing passed on the variant contract")
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

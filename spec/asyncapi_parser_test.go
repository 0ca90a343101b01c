package spec_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The AsyncAPI document is checked with the official JavaScript parser
// (@asyncapi/parser, pinned in tools/package.json): no Go parser implements
// the AsyncAPI 3 ruleset. The test runs from this package's directory.
const (
	asyncAPIDocument  = "utalk-rt.asyncapi.yaml"
	asyncAPIValidator = "tools/validate-asyncapi.mjs"
	asyncAPINodeDeps  = "tools/node_modules/@asyncapi/parser"
)

// inCI reports whether the test runs in CI, where a missing prerequisite is
// a broken setup (.ci/run installs it) rather than a reason to skip.
func inCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// requireOrSkip skips the test locally and fails it in CI.
func requireOrSkip(t *testing.T, reason string) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true and %s", reason)
	}
	t.Skip(reason)
}

func TestAsyncAPIDocumentParses(t *testing.T) {
	if _, err := os.Stat(asyncAPIDocument); err != nil {
		requireOrSkip(t, "spec/"+asyncAPIDocument+" is missing: "+err.Error())
	}
	node, err := exec.LookPath("node")
	if err != nil {
		requireOrSkip(t, "node is not on PATH (install Node.js to validate the AsyncAPI document)")
	}
	if _, err := os.Stat(asyncAPINodeDeps); err != nil {
		requireOrSkip(t, "spec/"+asyncAPINodeDeps+" is missing: run `npm ci --prefix spec/tools` (or `make asyncapi`)")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.FromSlash(asyncAPIValidator), asyncAPIDocument)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		t.Logf("validator output:\n%s", out)
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 1:
		t.Fatalf("spec/%s has error diagnostics:\n%s", asyncAPIDocument, out)
	default:
		t.Fatalf("run %s: %v\n%s", asyncAPIValidator, err, out)
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/spec"
)

// TestLoadStartsReferenceWithoutTarget runs load with no --target, TARGET,
// target.url nor JWT_SECRET: the reference server starts in-process with a random
// secret, the run passes, and its settings and summary say what was started.
func TestLoadStartsReferenceWithoutTarget(t *testing.T) {
	tmp := t.TempDir()
	sc := filepath.Join(tmp, "tiny.yaml")
	if err := os.WriteFile(sc, []byte(tinyScenario+lenientThresholds), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "run")
	var out, errb bytes.Buffer
	env := environment{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	exit := spec.Default().ExitCodes
	if got := dispatch(context.Background(), env, []string{"load", "--scenario", sc, "--out", dir}); got != exit.Pass {
		t.Fatalf("exit %d, want %d; stderr %s; stdout %s", got, exit.Pass, errb.String(), out.String())
	}
	if !strings.Contains(errb.String(), "started the reference server") {
		t.Errorf("stderr %q does not say the reference server was started", errb.String())
	}
	run, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Settings.TargetStarted; !strings.Contains(got, "reference server") || !strings.Contains(got, "random secret") {
		t.Errorf("settings targetStarted %q, want the in-process reference with a random secret", got)
	}
	if !strings.HasPrefix(run.Settings.Target, "http://127.0.0.1:") {
		t.Errorf("target %q, want a loopback URL", run.Settings.Target)
	}
	md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "target started in-process") {
		t.Errorf("summary.md does not say the target was started in-process:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "reference.log")); err != nil {
		t.Errorf("no reference.log: %v", err)
	}
}

func TestLoadShardsNeedATarget(t *testing.T) {
	tmp := t.TempDir()
	sc := filepath.Join(tmp, "tiny.yaml")
	if err := os.WriteFile(sc, []byte(tinyScenario+lenientThresholds), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := environment{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	got := dispatch(context.Background(), env, []string{"load", "--scenario", sc, "--shard", "1/2", "--out", filepath.Join(tmp, "r")})
	if want := spec.Default().ExitCodes.Usage; got != want || !strings.Contains(errb.String(), "--shard needs a target") {
		t.Errorf("exit %d (want %d), stderr %q", got, want, errb.String())
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/report/runreport"
	"github.com/utalk/rtconform/spec"
)

// TestMainJobExitCodes runs the built binary (make would turn every failure into 2) for
// the three outcomes of the main job: pass, a conformance failure and a threshold
// breach, and checks the report files each time.
func TestMainJobExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs the suite three times; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "rtconform")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exit := spec.Default().ExitCodes

	// A target that speaks another contract (hyphenated event names): the suite,
	// holding the embedded contract, must find it non-conforming.
	variant, err := spec.Load(filepath.Join("..", "..", "spec", "testdata", "variant-hyphenated.asyncapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "run-test-secret"
	srv, err := reference.New(reference.Config{Addr: "127.0.0.1:0", JWTSecret: secret, Contract: variant})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})

	tests := []struct {
		name     string
		scenario string
		env      []string
		want     int
		verdict  runreport.Verdict
	}{
		{"pass", "testdata/run-pass.yaml", nil, exit.Pass, runreport.Pass},
		{"conformance failure", "testdata/run-pass.yaml",
			[]string{"TARGET=http://" + addr, "JWT_SECRET=" + secret}, exit.ConformanceFailed, runreport.ConformanceFailed},
		{"threshold breach", "testdata/run-breach.yaml", nil, exit.ThresholdsBreached, runreport.ThresholdsBreached},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "latest")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "run", "--out", out, "--scenario", tc.scenario, "--labels", "auth")
			cmd.Env = append(cleanEnv(), tc.env...)
			stdout, err := cmd.Output()
			got := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				got = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr tail:\n%s", got, tc.want, stdout, tail(ee))
			}
			if !strings.Contains(string(stdout), "== verdict: "+string(tc.verdict)) {
				t.Errorf("stdout lacks the verdict %q:\n%s", tc.verdict, stdout)
			}
			for _, f := range []string{runreport.IndexHTML, runreport.SummaryJSON, runreport.JUnitXML,
				"conformance/report.html", "conformance/report.json", "load/report.html", "load/summary.json"} {
				if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
					t.Errorf("report file %s: %v", f, err)
				}
			}
			var s runreport.Summary
			b, _ := os.ReadFile(filepath.Join(out, runreport.SummaryJSON))
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			if s.Verdict != tc.verdict || s.ExitCode != tc.want {
				t.Errorf("summary.json verdict %s exit %d, want %s %d", s.Verdict, s.ExitCode, tc.verdict, tc.want)
			}
		})
	}
}

// cleanEnv is the environment without the variables that would change the target.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TARGET", "JWT_SECRET", "TOKEN_CMD", "CONTROL_URL", "CONTRACT", "STRICT", "WAIVERS", "REPORT_DIR":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func tail(ee *exec.ExitError) string {
	if ee == nil {
		return ""
	}
	s := string(ee.Stderr)
	if len(s) > 3000 {
		s = s[len(s)-3000:]
	}
	return s
}

// TestClearReportKeepsOtherFiles: --out may name a directory with other files (a
// checkout, say); only the previous run's own entries are replaced.
func TestClearReportKeepsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{".git/HEAD", "important.txt", "conformance/report.json", "load/summary.json", "index.html"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := clearReport(dir); err != nil {
		t.Fatal(err)
	}
	for p, keep := range map[string]bool{".git/HEAD": true, "important.txt": true, "conformance": false, "load": false, "index.html": false} {
		_, err := os.Stat(filepath.Join(dir, p))
		if (err == nil) != keep {
			t.Errorf("%s: exists=%v, want %v", p, err == nil, keep)
		}
	}
}

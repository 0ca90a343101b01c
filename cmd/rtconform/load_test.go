package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/spec"
)

const tinyScenario = `name: tiny
tenant: {id: t_cli, workspace: w1}
users: {conversations: 2, agents_per_conversation: 2}
model: {kind: open}
phases:
  - {name: steady, duration: 1s, rate: 4}
mix: {send-message: 1}
`

// lenientThresholds keep latency out of the verdict of tests that check plumbing: a
// loaded CI machine under -race can take hundreds of milliseconds per reply, and timed
// assertions are the load generator's job, not a unit test's.
const lenientThresholds = "thresholds:\n  reply_latency: p(95)<60s\n  fanout_latency: p(95)<60s\n"

func TestLoadExitCodes(t *testing.T) {
	const secret = "cli-test-secret"
	srv, err := reference.New(reference.Config{Addr: "127.0.0.1:0", JWTSecret: secret})
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
	exit := spec.Default().ExitCodes
	tmp := t.TempDir()
	write := func(name, extra string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(tinyScenario+extra), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(out, errb *bytes.Buffer) environment {
		return environment{Stdout: out, Stderr: errb, Getenv: func(k string) string {
			if k == "JWT_SECRET" {
				return secret
			}
			return ""
		}}
	}
	tests := []struct {
		name, extra, rate string
		want              int
		wantErr           string
	}{
		{"pass", lenientThresholds, "4", exit.Pass, ""},
		{"impossible threshold", "thresholds:\n  reply_latency: p(95)<1us\n", "4", exit.ThresholdsBreached, "threshold breached: reply_latency p(95)="},
		{"unknown key", "bogus: 1\n", "4", exit.Usage, "unknown key bogus"},
		// 40 msg/s over 4 sockets is 600 per socket per minute: over message:send's 60.
		{"over the rate limit", "", "40", exit.Usage, "rate limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := write(tt.name+".yaml", tt.extra)
			b, _ := os.ReadFile(f)
			_ = os.WriteFile(f, []byte(strings.Replace(string(b), "rate: 4", "rate: "+tt.rate, 1)), 0o644)
			var out, errb bytes.Buffer
			dir := filepath.Join(tmp, "run-"+strings.ReplaceAll(tt.name, " ", "-"))
			args := []string{"load", "--scenario", f, "--target", "http://" + addr, "--out", dir}
			got := dispatch(context.Background(), env(&out, &errb), args)
			if got != tt.want || !strings.Contains(errb.String(), tt.wantErr) {
				t.Fatalf("exit %d, want %d; stderr %q must contain %q; stdout %s", got, tt.want, errb.String(), tt.wantErr, out.String())
			}
			if tt.want == exit.Pass || tt.want == exit.ThresholdsBreached {
				for _, f := range []string{"summary.json", "summary.md", "report.html", "intervals.jsonl", "final.json", "settings.json"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Errorf("missing %s", f)
					}
				}
				// report DIR re-renders from the files alone, with the same verdict.
				if got := dispatch(context.Background(), env(&out, &errb), []string{"report", dir}); got != tt.want {
					t.Errorf("report exit %d, want %d", got, tt.want)
				}
			}
		})
	}
	var out, errb bytes.Buffer
	merged := filepath.Join(tmp, "merged")
	got := dispatch(context.Background(), env(&out, &errb), []string{"report", "merge", filepath.Join(tmp, "run-pass"), filepath.Join(tmp, "run-impossible-threshold"), "--out", merged})
	if got != exit.Pass {
		t.Fatalf("merge exit %d: %s", got, errb.String())
	}
}

// TestUsageErrors: bad flags are usage errors (2) with a message naming them,
// before anything connects; --help asks for the usage and is not an error.
func TestUsageErrors(t *testing.T) {
	exit := spec.Default().ExitCodes
	getenv := func(k string) string {
		if k == "JWT_SECRET" {
			return "s"
		}
		return ""
	}
	for _, tt := range []struct {
		args    []string
		want    int
		wantOut string
	}{
		{[]string{"load", "--scenario", "../../scenarios/smoke.yaml", "--target", "http://127.0.0.1:1", "--duration", "-5s"}, exit.Usage, "--duration -5s is negative"},
		{[]string{"report", "--help"}, exit.Pass, "usage: rtconform report DIR"},
		{[]string{"report"}, exit.Usage, "usage: rtconform report DIR"},
	} {
		var out, errb bytes.Buffer
		got := dispatch(context.Background(), environment{Stdout: &out, Stderr: &errb, Getenv: getenv}, tt.args)
		if got != tt.want || !strings.Contains(out.String()+errb.String(), tt.wantOut) {
			t.Errorf("%v: exit %d, want %d; output %q, want it to contain %q", tt.args, got, tt.want, out.String()+errb.String(), tt.wantOut)
		}
	}
}

package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

func TestProcReadsThisProcess(t *testing.T) {
	pid := os.Getpid()
	// Burn a little CPU so the reading is above one clock tick.
	start := time.Now()
	for x := 0; time.Since(start) < 50*time.Millisecond; x++ {
		_ = x * x
	}
	cpu, err := cpuTime(pid)
	if err != nil || cpu <= 0 {
		t.Fatalf("cpuTime = %v, %v; want > 0", cpu, err)
	}
	r, err := rss(pid)
	if err != nil || r < 1<<20 {
		t.Fatalf("rss = %d, %v; want at least 1 MiB for a Go test binary", r, err)
	}
}

func TestNodeConfigSpeaksTheContract(t *testing.T) {
	c := spec.Default()
	path := filepath.Join(t.TempDir(), "node.json")
	if err := WriteNodeConfig(path, c, 4321, "s", "/app"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var got NodeConfig
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Events["send"] != c.ByRole(spec.SendMessage).Name || got.Events["newMessage"] != c.ByRole(spec.MessageNew).Name {
		t.Errorf("events %v do not come from the contract", got.Events)
	}
	if strings.Contains(string(b), "#/components/schemas/") {
		t.Error("schema refs were not rewritten to #/definitions/ for ajv")
	}
	if got.Port != 4321 || got.Retain != c.Limits.MaxMessagesPerRoom {
		t.Errorf("port %d retain %d", got.Port, got.Retain)
	}
}

func TestMarkdownRatios(t *testing.T) {
	r := &Result{
		Go:   Measure{Acked: 2000, AckedCPU: 400 * time.Millisecond, Deliveries: 1000, FanoutCPU: 100 * time.Millisecond, RSSPerConnection: 2048},
		Node: Measure{Acked: 1000, AckedCPU: 100 * time.Millisecond, Deliveries: 1000, FanoutCPU: 200 * time.Millisecond, RSSPerConnection: 1024},
	}
	md := r.Markdown()
	for _, want := range []string{"| server CPU per 1,000 acked messages | 200.00 ms | 100.00 ms | 2.00 |",
		"| server CPU per 1,000 fan-out deliveries | 100.00 ms | 200.00 ms | 0.50 |", "Rate limits OFF"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestMarkdownBaselineRoundsHold(t *testing.T) {
	g := Measure{Acked: 1000, AckedCPU: 100 * time.Millisecond, Deliveries: 1000, FanoutCPU: 50 * time.Millisecond, RSSPerConnection: 1024}
	n := Measure{Acked: 1000, AckedCPU: 200 * time.Millisecond, Deliveries: 1000, FanoutCPU: 100 * time.Millisecond, RSSPerConnection: 2048}
	b := Measure{Acked: 1000, AckedCPU: 400 * time.Millisecond, Deliveries: 1000, FanoutCPU: 100 * time.Millisecond, RSSPerConnection: 2048}
	r := &Result{Go: g.add(g), Node: n.add(n), Baseline: &b, Rounds: [][]Measure{{g, n, b}, {g, n, b}},
		Options: Options{Rounds: 2, Parallel: 100, HoldFor: time.Second},
		Hold:    []Hold{{Server: "go", Wanted: 10, Connected: 9, Failed: 1, FirstErr: "boom", RSS: 3 << 20, RSSBase: 2 << 20}}}
	md := r.Markdown()
	for _, want := range []string{
		"| server CPU per 1,000 acked messages | 100.00 ms | 200.00 ms | 0.50 | 400.00 ms | 2.00 | 0.25 |",
		"- round 2: 0.50, 0.50, 0.50; vs baseline 0.25, 0.50, 0.50",
		"| go | 10 | 9 | 1 |", "113.78 KiB |", "go: first connect error: boom",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestRaiseFileLimit(t *testing.T) {
	if got := raiseFileLimit(256); got < 256 {
		t.Fatalf("raiseFileLimit(256) = %d", got)
	}
}

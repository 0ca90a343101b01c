package loadreport

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/threshold"
	"github.com/utalk/rtconform/spec"
)

// fakeRun writes a run directory with n intervals of synthetic samples.
func fakeRun(t *testing.T, dir string, seed uint64, n int, slow time.Duration) *results.Run {
	t.Helper()
	set, err := threshold.FromContract(spec.Default().Thresholds, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := results.Create(dir, results.Settings{RunID: "r", Contract: results.ContractInfo{Hash: "h"},
		Shard: results.Shard{Count: 3}, Users: 10, Thresholds: set})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	rec := metrics.NewRecorder(true)
	for i := range n {
		for range 200 {
			rec.Observe(metrics.ReplyLatency, slow+time.Duration(rng.ExpFloat64()*float64(5*time.Millisecond)))
			rec.Request("send-message")
			rec.Count(func(c *metrics.Counts) { c.Replies++; c.MessagesAcked++ })
		}
		rec.ErrorCode("RATE_LIMIT_EXCEEDED")
		iv, err := results.NewInterval(i, float64(i+1), 1, "steady", 200, 10, rec.Roll())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Interval(iv); err != nil {
			t.Fatal(err)
		}
	}
	enc, _ := rec.Total().Encode()
	if err := w.Samples(rec.Samples()); err != nil {
		t.Fatal(err)
	}
	if err := w.Final(results.Final{Duration: time.Duration(n) * time.Second, Total: *enc}); err != nil {
		t.Fatal(err)
	}
	r, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMergeExact(t *testing.T) {
	tmp := t.TempDir()
	var runs []*results.Run
	var union []int64
	var acked int64
	for i := range 3 {
		r := fakeRun(t, filepath.Join(tmp, string(rune('a'+i))), uint64(i), 3+i, time.Duration(i)*10*time.Millisecond)
		runs = append(runs, r)
		union = append(union, r.Samples[metrics.ReplyLatency]...)
		acked += r.Final.Total.Counts.MessagesAcked
	}
	m, err := Merge(runs)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Final.Total.Counts.MessagesAcked; got != acked {
		t.Fatalf("merged acked %d, want the sum %d", got, acked)
	}
	if got := m.Final.Total.Counts.ErrorsByCode["RATE_LIMIT_EXCEEDED"]; got != 3+4+5 {
		t.Fatalf("merged errors %d, want 12", got)
	}
	s, _ := m.Final.Total.Decode()
	h := s.Hist(metrics.ReplyLatency)
	slices.Sort(union)
	for _, q := range []float64{50, 90, 99, 99.9} {
		exact := union[int(float64(len(union))*q/100+0.5)-1]
		got := h.ValueAtQuantile(q)
		if !h.ValuesAreEquivalent(got, exact) {
			t.Errorf("p(%v): merged %d, union %d: not within the histogram's precision", q, got, exact)
		}
	}
	dir := filepath.Join(tmp, "merged")
	if err := Save(dir, m); err != nil {
		t.Fatal(err)
	}
	back, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Summarize(back)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Shards != 3 || sum.Counts.MessagesAcked != acked || len(back.Intervals) != 5 {
		t.Fatalf("summary shards %d acked %d intervals %d", sum.Shards, sum.Counts.MessagesAcked, len(back.Intervals))
	}
	if err := Write(dir, back, sum); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ReportHTML))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(b), "<svg"); got != 4 {
		t.Fatalf("report.html has %d plots, want 4", got)
	}
	md, _ := os.ReadFile(filepath.Join(dir, SummaryMD))
	if !strings.Contains(string(md), "RATE_LIMIT_EXCEEDED | 12") {
		t.Fatalf("summary.md lacks the errors by code:\n%s", md)
	}
}

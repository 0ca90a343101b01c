package results

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
)

func snapshot(t *testing.T, acked int64, latencies ...time.Duration) *metrics.Snapshot {
	t.Helper()
	s := metrics.NewSnapshot()
	s.Counts.MessagesAcked = acked
	s.Counts.ErrorsByCode = map[string]int64{"RATE_LIMIT_EXCEEDED": 1}
	for _, d := range latencies {
		if err := s.Hist(metrics.ReplyLatency).RecordValue(metrics.Micros(d)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestWriteThenRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	w, err := Create(dir, Settings{RunID: "r1", Target: "http://127.0.0.1:1", Users: 3, Shard: Shard{Index: 1, Count: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for i, acked := range []int64{5, 7} {
		iv, err := NewInterval(i, float64(i+1), 1, "steady", 10, 3, snapshot(t, acked, 2*time.Millisecond, 4*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Interval(iv); err != nil {
			t.Fatal(err)
		}
	}
	total, err := snapshot(t, 12, 2*time.Millisecond, 4*time.Millisecond, 2*time.Millisecond, 4*time.Millisecond).Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Final(Final{Duration: 2 * time.Second, Total: *total, PendingAtEnd: 1, Notes: []string{"n"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Samples(map[string][]int64{metrics.ReplyLatency: {2000, 4000}}); err != nil {
		t.Fatal(err)
	}
	if err := w.UpdateSettings(Settings{RunID: "r1", Target: "http://127.0.0.1:1", Users: 4, Shard: Shard{Index: 1, Count: 2}}); err != nil {
		t.Fatal(err)
	}

	run, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Settings.RunID != "r1" || run.Settings.Users != 4 || run.Settings.Shard != (Shard{Index: 1, Count: 2}) {
		t.Errorf("settings %+v, want the updated ones", run.Settings)
	}
	if len(run.Intervals) != 2 || run.Intervals[1].Data.Counts.MessagesAcked != 7 || run.Intervals[0].MsgPerSec != 5 {
		t.Fatalf("intervals %+v", run.Intervals)
	}
	iv, err := run.Intervals[0].Data.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if h := iv.Hist(metrics.ReplyLatency); h.TotalCount() != 2 || !h.ValuesAreEquivalent(h.Max(), 4000) {
		t.Errorf("interval histogram: %d values, max %d; want 2 and 4000 µs", h.TotalCount(), h.Max())
	}
	if run.Final.Interrupted || run.Final.PendingAtEnd != 1 || run.Final.Total.Counts.MessagesAcked != 12 || len(run.Final.Notes) != 1 {
		t.Errorf("final %+v", run.Final)
	}
	fin, err := run.Final.Total.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if fin.Hist(metrics.ReplyLatency).TotalCount() != 4 || fin.Counts.ErrorsByCode["RATE_LIMIT_EXCEEDED"] != 1 {
		t.Errorf("final totals %+v", fin.Counts)
	}
	if got := run.Samples[metrics.ReplyLatency]; len(got) != 2 || got[1] != 4000 {
		t.Errorf("samples %v", got)
	}
}

func TestReadInterruptedRun(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, Settings{RunID: "cut"})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := NewInterval(0, 1, 1, "steady", 1, 1, snapshot(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Interval(iv); err != nil {
		t.Fatal(err)
	}
	// No Final: the process died. The flushed interval is still there.
	run, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Final.Interrupted || len(run.Intervals) != 1 {
		t.Errorf("interrupted %v with %d intervals, want true and 1", run.Final.Interrupted, len(run.Intervals))
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
		is    error
	}{
		{"no settings", map[string]string{}, "not a load run directory", ErrNotRun},
		{"bad settings", map[string]string{SettingsFile: "{", IntervalsFile: ""}, SettingsFile, nil},
		{"bad interval line", map[string]string{SettingsFile: "{}", IntervalsFile: "{}\n{oops\n"}, "intervals.jsonl line 2", nil},
		{"bad final", map[string]string{SettingsFile: "{}", IntervalsFile: "", FinalFile: "["}, FinalFile, nil},
		{"bad samples", map[string]string{SettingsFile: "{}", IntervalsFile: "", FinalFile: "{}", SamplesFile: "x"}, SamplesFile, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Read(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

package loadgen

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/internal/fakeserver"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/spec"
)

const small = `name: small
tenant: {id: t1, workspace: w1}
users: {conversations: 4, agents_per_conversation: 3}
model: {kind: open}
reply_timeout: 2s
drain: 2s
phases:
  - {name: steady, duration: 2s, rate: 10}
mix: {send-message: 8, typing-start: 1, sync-state: 1, read-conversation: 1}
`

func runSmall(t *testing.T, yaml string, srv *fakeserver.Server) *Result {
	t.Helper()
	sc, err := scenario.Parse("small.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	res, err := Run(context.Background(), Config{Scenario: sc, Contract: spec.Default(), Target: srv.URL,
		Tokens: token.NewSecret([]byte("k")), OutDir: dir, RunID: "t1", KeepSamples: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func startFake(t *testing.T) *fakeserver.Server {
	t.Helper()
	srv, err := fakeserver.Start(spec.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func TestRunCountsAndFanout(t *testing.T) {
	res := runSmall(t, small, startFake(t))
	s, err := res.Final.Total.Decode()
	if err != nil {
		t.Fatal(err)
	}
	c := s.Counts
	if c.MessagesSent == 0 || c.MessagesAcked != c.MessagesSent {
		t.Errorf("sent %d acked %d, want all acked", c.MessagesSent, c.MessagesAcked)
	}
	if c.FanoutExpected != 2*c.MessagesSent || c.FanoutDelivered != c.FanoutExpected {
		t.Errorf("fan-out expected %d delivered %d, want 2 per message (%d)", c.FanoutExpected, c.FanoutDelivered, c.MessagesSent)
	}
	if c.Lost+c.Errors+c.Duplicates+c.OutOfOrder+c.ConnectFailed != 0 || res.Final.PendingAtEnd != 0 {
		t.Errorf("counts %+v pending %d, want no loss, error, duplicate or disorder", c, res.Final.PendingAtEnd)
	}
	if c.ConnectAttempts != 12 || c.MaxConnections != 12 {
		t.Errorf("connects %d max %d, want 12", c.ConnectAttempts, c.MaxConnections)
	}
	if got := s.Hist("fanout_latency").TotalCount(); got != c.FanoutDelivered {
		t.Errorf("fan-out samples %d, want %d", got, c.FanoutDelivered)
	}
	if c.RequestsByRole["typing-start"] == 0 || c.RequestsByRole["read-conversation"] == 0 || s.Hist("sync_latency").TotalCount() == 0 {
		t.Errorf("by role %v, want typing and sync done", c.RequestsByRole)
	}
	if len(res.Breached) != 0 {
		t.Errorf("breached %+v", res.Breached)
	}
	run, err := results.Read(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, iv := range run.Intervals {
		sum += iv.Data.Counts.MessagesAcked
	}
	if sum != c.MessagesAcked {
		t.Errorf("intervals sum %d acked, total %d", sum, c.MessagesAcked)
	}
	if run.Settings.Contract.Hash != spec.Default().Hash || len(run.Settings.Limits.Health) == 0 {
		t.Errorf("settings %+v lack the contract hash or the target's health", run.Settings.Contract)
	}
}

func TestRunErrorsAndLost(t *testing.T) {
	srv := startFake(t)
	srv.RejectEvery, srv.DropReplyEvery = 4, 7
	y := strings.Replace(small, "mix: {send-message: 8, typing-start: 1, sync-state: 1, read-conversation: 1}", "mix: {send-message: 1}", 1)
	y = strings.Replace(y, "reply_timeout: 2s", "reply_timeout: 500ms", 1)
	res := runSmall(t, y, srv)
	s, _ := res.Final.Total.Decode()
	c := s.Counts
	sends := c.MessagesSent
	// The fake server numbers sends 1..n: every 7th is dropped, then every 4th rejected.
	var wantLost, wantRejected int64
	for n := int64(1); n <= sends; n++ {
		if n%7 == 0 {
			wantLost++
		} else if n%4 == 0 {
			wantRejected++
		}
	}
	if c.Lost != wantLost || c.ErrorsByCode["RATE_LIMIT_EXCEEDED"] != wantRejected {
		t.Errorf("lost %d rejected %d of %d sends, want %d and %d", c.Lost, c.ErrorsByCode["RATE_LIMIT_EXCEEDED"], sends, wantLost, wantRejected)
	}
	if c.MessagesAcked != sends-wantLost-wantRejected {
		t.Errorf("acked %d, want %d", c.MessagesAcked, sends-wantLost-wantRejected)
	}
	if len(res.Breached) == 0 || res.Breached[0].Metric != "error_rate" {
		t.Errorf("breached %+v, want error_rate", res.Breached)
	}
}

func TestRunReconnectStorm(t *testing.T) {
	srv := startFake(t)
	y := strings.Replace(small, "phases:", "events: [{at: 500ms, action: drop}]\nreconnect: {jitter: 300ms}\nphases:", 1)
	res := runSmall(t, y, srv)
	s, _ := res.Final.Total.Decode()
	c := s.Counts
	if srv.Drops.Load() != 1 || c.Disconnects != 12 || c.Reconnects != 12 {
		t.Errorf("drops %d disconnects %d reconnects %d, want 1, 12, 12", srv.Drops.Load(), c.Disconnects, c.Reconnects)
	}
	if got := c.RequestsByRole["sync-state"]; got < 12 {
		t.Errorf("sync-state requests %d, want a re-sync per reconnect", got)
	}
	if c.Duplicates != 0 || c.OutOfOrder != 0 {
		t.Errorf("duplicates %d out of order %d", c.Duplicates, c.OutOfOrder)
	}
}

// TestMain doubles as a shard process for TestShardsMerge: the test binary runs
// itself with LOADGEN_SHARD_CHILD set.
func TestMain(m *testing.M) {
	if os.Getenv("LOADGEN_SHARD_CHILD") != "" {
		os.Exit(shardChild())
	}
	os.Exit(m.Run())
}

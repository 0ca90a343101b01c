package loadbench

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/bench"
	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

func TestParseStat(t *testing.T) {
	// comm with a space and a paren; utime 150, stime 50, cutime 20, cstime 30 ticks.
	line := "4242 (node (worker)) S 17 4242 4242 0 -1 4194560 1 0 0 0 150 50 20 30 20 0 11 0 1 2 3"
	got, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if want := (procStat{pid: 4242, ppid: 17, cpu: 250 * clockTick, sys: 80 * clockTick}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := parseStat([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
}

func TestTreeCPUOfThisProcess(t *testing.T) {
	got, _, err := treeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self, err := readStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if got < self.cpu {
		t.Errorf("tree %v is less than the process alone %v", got, self.cpu)
	}
	m, err := readMemory(os.Getpid())
	if err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("memory %+v, %v: want RSS > 0 and VmHWM >= RSS", m, err)
	}
}

func TestSteadyWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []period
	for i := range 5 {
		ps = append(ps, period{start: t0.Add(time.Duration(i) * time.Second), end: t0.Add(time.Duration(i+1) * time.Second), acked: int64(100 * (i + 1))})
	}
	// 10 ms of CPU per wall-clock second, linear.
	cpuAt := func(at time.Time) time.Duration { return at.Sub(t0) / 100 }
	w := steadyWindow(ps, cpuAt, nil)
	if w.Periods != 3 || w.Acked != 200+300+400 || w.CPU != 30*time.Millisecond {
		t.Fatalf("window %+v, want the 3 middle periods, 900 acked, 30ms", w)
	}
	if w.AckedPerCPUSecond != 30000 || w.AckedPerSecond != 300 || w.CPUPer1000 != 33333333 {
		t.Errorf("rates %+v", w)
	}
	if got := steadyWindow(ps[:2], cpuAt, nil); got.Periods != 0 {
		t.Errorf("two periods gave %+v, want no window", got)
	}
}

func TestInterpolate(t *testing.T) {
	t0 := time.Now()
	s := []cpuSample{{at: t0}, {at: t0.Add(time.Second), cpu: 100 * time.Millisecond}, {at: t0.Add(2 * time.Second), cpu: 100 * time.Millisecond}}
	tests := []struct {
		at   time.Time
		want time.Duration
	}{
		{t0.Add(-time.Second), 0}, {t0.Add(500 * time.Millisecond), 50 * time.Millisecond},
		{t0.Add(1500 * time.Millisecond), 100 * time.Millisecond}, {t0.Add(time.Hour), 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := interpolate(s, tt.at, func(s cpuSample) time.Duration { return s.cpu }); got != tt.want {
			t.Errorf("at %v: got %v, want %v", tt.at.Sub(t0), got, tt.want)
		}
	}
}

func TestArtilleryScript(t *testing.T) {
	o := &Options{Contract: spec.Default()}
	b, err := artilleryScript(o, o.Contract, "http://127.0.0.1:1", 50, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Config    map[string]any `yaml:"config"`
		Scenarios []struct {
			Engine   string         `yaml:"engine"`
			Socketio map[string]any `yaml:"socketio"`
			Flow     []struct {
				Loop      []map[string]any `yaml:"loop"`
				WhileTrue string           `yaml:"whileTrue"`
			} `yaml:"flow"`
		} `yaml:"scenarios"`
	}
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	sc := s.Scenarios[0]
	step := sc.Flow[0].Loop[0]
	emit, _ := step["emit"].(map[string]any)
	send := o.Contract.ByRole(spec.SendMessage)
	switch {
	case sc.Engine != "socketio":
		t.Errorf("engine %q", sc.Engine)
	case step["namespace"] != o.namespace():
		t.Errorf("namespace beside emit %v, want %s", step["namespace"], o.namespace())
	case emit["namespace"] != nil:
		t.Error("namespace inside emit: Artillery ignores it there")
	case emit["channel"] != send.Name || step["acknowledge"] == nil:
		t.Errorf("emit %v, want %s with an acknowledge", emit, send.Name)
	case sc.Flow[0].WhileTrue != "beforeDeadline" || sc.Flow[0].Loop[1]["think"] != "50ms":
		t.Errorf("flow %+v, want a loop until the deadline with a 50ms think", sc.Flow[0])
	case s.Config["socketio"] != nil || sc.Socketio["auth"] == nil:
		t.Errorf("socketio options must sit in the scenario (templated per user): config %v scenario %v", s.Config["socketio"], sc.Socketio)
	case s.Config["timeout"] != 10:
		t.Errorf("timeout %v, want the contract's 10 s", s.Config["timeout"])
	}
	if b, _ := artilleryScript(o, o.Contract, "http://127.0.0.1:1", 50, 0); strings.Contains(string(b), "think") {
		t.Errorf("no think step expected without think time:\n%s", b)
	}
}

func TestArtilleryPeriods(t *testing.T) {
	const report = `{"aggregate": {"counters": {"vusers.failed": 2, "errors.Authentication failed": 2, "errors.ETIMEDOUT": 1},
	  "summaries": {"socketio.response_time": {"count": 30, "p99": 4.5}}},
	 "intermediate": [
	  {"period": 1700000000000, "summaries": {"socketio.response_time": {"count": 10}}},
	  {"period": "1700000010000", "summaries": {"socketio.response_time": {"count": 20}}}]}`
	var r artilleryRun
	if err := json.Unmarshal([]byte(report), &r.report); err != nil {
		t.Fatal(err)
	}
	ps := r.periods()
	if len(ps) != 2 || ps[1].acked != 20 || !ps[1].start.Equal(time.UnixMilli(1700000010000)) || ps[1].end.Sub(ps[1].start) != 10*time.Second {
		t.Errorf("periods %+v", ps)
	}
	if f := r.failures(); f.FailedUsers != 2 || f.Errors != 3 || f.Timeouts != 1 {
		t.Errorf("failures %+v, want 2 failed users, 3 errors, 1 timeout", f)
	}
}

// TestEchoServer drives the echo server with the load generator's own client: the
// namespace CONNECT, the join reply, the send reply with its messageId and a seq,
// and an acknowledgement.
func TestEchoServer(t *testing.T) {
	c := spec.Default()
	srv, err := StartEcho("127.0.0.1:0", c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	send, join := c.ByRole(spec.SendMessage), c.ByRole(spec.JoinConversation)
	got := make(chan []byte, 4)
	conn, err := sioconn.Dial(context.Background(), sioconn.Options{URL: "http://" + srv.Addr(), Namespace: send.Namespaces[0],
		Auth: map[string]any{"token": "x"}, ConnectTimeout: 5 * time.Second,
		OnEvent: func(name string, args []json.RawMessage) {
			b, _ := json.Marshal(append([]any{name}, rawArgs(args)...))
			got <- b
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Emit(join.Name, map[string]any{"conversationId": "conv_a"}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !strings.Contains(string(b), join.Reply.Name) || !strings.Contains(string(b), `"conversationId":"conv_a"`) {
		t.Errorf("join answered %s", b)
	}
	if err := conn.Emit(send.Name, map[string]any{"messageId": "m1", "conversationId": "conv_a", "text": "hola"}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !strings.Contains(string(b), send.Reply.Name) || !strings.Contains(string(b), `"messageId":"m1"`) || !strings.Contains(string(b), `"seq":1`) {
		t.Errorf("send answered %s", b)
	}
	ack, err := conn.EmitWithAck(context.Background(), send.Name, map[string]any{"messageId": "m2", "conversationId": "conv_a"})
	if err != nil || !strings.Contains(string(ack), `"event":"`+send.Reply.Name+`"`) || !strings.Contains(string(ack), `"messageId":"m2"`) {
		t.Errorf("ack %s, %v", ack, err)
	}
}

func rawArgs(args []json.RawMessage) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = json.RawMessage(append([]byte(nil), a...))
	}
	return out
}

// TestRawClientAgainstEcho runs the raw client briefly in-process: every message
// sent is answered and counted, with no failure.
func TestRawClientAgainstEcho(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of traffic")
	}
	c := spec.Default()
	srv, err := StartEcho("127.0.0.1:0", c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	send := c.ByRole(spec.SendMessage)
	res, err := RunRaw(context.Background(), RawConfig{URL: "http://" + srv.Addr(), Namespace: send.Namespaces[0],
		AuthField: "token", Tokens: []string{"a", "b"}, SendEvent: send.Name, ReplyEvent: send.Reply.Name,
		Rate: 100, Duration: time.Second, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var steady int64
	for _, p := range res.Steady {
		steady += p.Acked
	}
	if res.Acked == 0 || !res.Failures.Zero() || steady == 0 || res.Latency == "" {
		t.Errorf("result %+v: want replies, steady periods, a histogram and no failure", res)
	}
}

func TestNodeConfig(t *testing.T) {
	c := spec.Default()
	path := filepath.Join(t.TempDir(), "cfg.json")
	if err := bench.WriteNodeConfig(path, c, 1234, "s", "/app"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var cfg bench.NodeConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 1234 || cfg.Events["send"] != c.ByRole(spec.SendMessage).Name || cfg.Schema == nil {
		t.Errorf("config %+v", cfg)
	}
}

func TestOptionsRefuseMissingTools(t *testing.T) {
	_, err := Options{Rtconform: "/nonexistent/rtconform", ArtilleryDir: t.TempDir(), NodeServerDir: t.TempDir()}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), "rtconform binary") || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("got %v, want the missing binary and npm installs named", err)
	}
}

func TestPairSecondsAndMedian(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(vals ...time.Duration) string {
		h := metrics.NewHistogram()
		for _, v := range vals {
			_ = h.RecordValue(metrics.Micros(v))
		}
		s, err := encodeHist(h)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	interval := func(endSec float64, phase string, v time.Duration) results.Interval {
		s := metrics.NewSnapshot()
		_ = s.Hist(metrics.ReplyLatency).RecordValue(metrics.Micros(v))
		enc, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return results.Interval{T: endSec, Seconds: 1, Phase: phase, Data: *enc}
	}
	// Our run started 0.3 s before the raw client's first steady second.
	raw := []RawPeriod{{Start: start.Add(300 * time.Millisecond), Latency: mk(2 * time.Millisecond)},
		{Start: start.Add(1300 * time.Millisecond), Latency: mk(10 * time.Millisecond)},
		{Start: start.Add(9 * time.Second), Latency: mk(time.Millisecond)}} // no interval of ours near it
	ours := []results.Interval{interval(1, "steady", 3*time.Millisecond), interval(2, "steady", 9*time.Millisecond),
		interval(3, "drain", time.Second)}
	got, err := pairSeconds(raw, ours, start)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= b/100 } // HDR: 3 significant digits
	if len(got) != 2 || !near(got[0][0], 2) || !near(got[0][1], 3) || !near(got[1][0], 10) || !near(got[1][1], 9) {
		t.Fatalf("pairs %v, want [[2 3] [10 9]]", got)
	}
	if m := medianDiff(got); math.Abs(m) > 0.01 {
		t.Errorf("median of +1 and -1: %v, want 0", m)
	}
	if m := medianDiff([][2]float64{{1, 2}, {1, 5}, {1, 1.5}}); m != 1 {
		t.Errorf("median %v, want 1", m)
	}
}

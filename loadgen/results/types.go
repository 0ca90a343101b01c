package results

import (
	"encoding/json"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/loadgen/threshold"
)

// File names inside a run directory.
const (
	SettingsFile  = "settings.json"
	IntervalsFile = "intervals.jsonl"
	FinalFile     = "final.json"
	SamplesFile   = "samples.json"
)

// Settings repeat what produced the run, next to its results (as fortio does).
type Settings struct {
	RunID        string             `json:"runId"`
	Scenario     *scenario.Scenario `json:"scenario"`
	ScenarioFile string             `json:"scenarioFile"`
	Target       string             `json:"target"`
	Namespace    string             `json:"namespace"`
	Contract     ContractInfo       `json:"contract"`
	Limits       Limits             `json:"limits"`
	Shard        Shard              `json:"shard"`
	Users        int                `json:"users"`
	StartedAt    time.Time          `json:"startedAt"`
	Planned      time.Duration      `json:"plannedNs"`
	Thresholds   threshold.Set      `json:"thresholds"`
	Generator    string             `json:"generator"`
	// TargetStarted says what was started in-process to be the target when none was
	// given (for example the reference server); empty for an external target.
	TargetStarted string `json:"targetStarted,omitempty"`
}

// ContractInfo identifies the contract a run was made under.
type ContractInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	Source  string `json:"source"`
	Hash    string `json:"hash"`
}

// Limits are the rate limits of the run: as planned per socket, and as the target
// reports them.
type Limits struct {
	// Raised is the scenario's limits_raised.
	Raised bool `json:"raised"`
	// TargetRaised is the target's own limitsRaised, when its health says.
	TargetRaised *bool                 `json:"targetRaised,omitempty"`
	PerSocket    []scenario.SocketRate `json:"perSocket"`
	// Health is the target's GET /health/socket answer, raw; empty when unreachable.
	Health json.RawMessage `json:"health,omitempty"`
	// HealthError says why Health is empty.
	HealthError string `json:"healthError,omitempty"`
}

// Shard is i of n (0-based index).
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Interval is one line of intervals.jsonl.
type Interval struct {
	Index       int     `json:"i"`
	T           float64 `json:"t"` // seconds since the start, at the end of the interval
	Seconds     float64 `json:"seconds"`
	Phase       string  `json:"phase"`
	TargetRate  float64 `json:"targetRate"`
	Connections int64   `json:"connections"`
	// Derived for people reading the file (the histograms below are authoritative).
	MsgPerSec float64          `json:"msgPerSec"`
	ReplyP50  float64          `json:"replyP50Ms"`
	ReplyP95  float64          `json:"replyP95Ms"`
	ReplyP99  float64          `json:"replyP99Ms"`
	FanoutP95 float64          `json:"fanoutP95Ms"`
	Errors    map[string]int64 `json:"errors,omitempty"`
	// TargetRSS is the target's process_resident_memory_bytes, when sampled.
	TargetRSS int64           `json:"targetRssBytes,omitempty"`
	Data      metrics.Encoded `json:"data"`
}

// Final is final.json.
type Final struct {
	EndedAt  time.Time       `json:"endedAt"`
	Duration time.Duration   `json:"durationNs"`
	Total    metrics.Encoded `json:"total"`
	// PendingAtEnd counts requests still unanswered after the drain; they are also
	// counted Lost. Zero is the healthy end.
	PendingAtEnd int64 `json:"pendingAtEnd"`
	// FanoutPendingAtEnd counts deliveries still awaited after the drain.
	FanoutPendingAtEnd int64              `json:"fanoutPendingAtEnd"`
	Thresholds         []threshold.Result `json:"thresholds"`
	Interrupted        bool               `json:"interrupted,omitempty"`
	Notes              []string           `json:"notes,omitempty"`
}

// Run is a run directory read back.
type Run struct {
	Dir       string
	Settings  Settings
	Intervals []Interval
	Final     Final
	Samples   map[string][]int64
}

// NewInterval fills an interval record from a rolled snapshot.
func NewInterval(i int, t, seconds float64, phase string, rate float64, conns int64, s *metrics.Snapshot) (Interval, error) {
	enc, err := s.Encode()
	if err != nil {
		return Interval{}, err
	}
	ms := func(name string, q float64) float64 {
		return float64(s.Hist(name).ValueAtQuantile(q)) / 1000
	}
	iv := Interval{Index: i, T: t, Seconds: seconds, Phase: phase, TargetRate: rate, Connections: conns,
		ReplyP50: ms(metrics.ReplyLatency, 50), ReplyP95: ms(metrics.ReplyLatency, 95),
		ReplyP99: ms(metrics.ReplyLatency, 99), FanoutP95: ms(metrics.FanoutLatency, 95),
		Errors: enc.Counts.ErrorsByCode, Data: *enc}
	if seconds > 0 {
		iv.MsgPerSec = float64(s.Counts.MessagesAcked) / seconds
	}
	return iv, nil
}

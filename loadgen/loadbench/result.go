package loadbench

import (
	"time"
)

// Failures are what a client counted as failed on its side.
type Failures struct {
	// ConnectFailed are connects that failed; Timeouts are replies that did not come
	// within the reply timeout; Errors are error answers (and, for Artillery, every
	// errors.* counter); PendingAtEnd are requests unanswered when the run ended.
	ConnectFailed int64 `json:"connectFailed"`
	Timeouts      int64 `json:"timeouts"`
	Errors        int64 `json:"errors"`
	PendingAtEnd  int64 `json:"pendingAtEnd"`
	// ClientSide are failures of our generator's own making (CLIENT_* codes, connects
	// that failed with no answer from the server).
	ClientSide int64 `json:"clientSide"`
	// FailedUsers are Artillery's vusers.failed.
	FailedUsers int64 `json:"failedUsers,omitempty"`
}

// Zero reports whether nothing failed.
func (f Failures) Zero() bool {
	return f == Failures{}
}

// ClientMeasure is one client run of the acked comparison.
type ClientMeasure struct {
	Client string `json:"client"`
	Round  int    `json:"round"`
	// Window is the steady state; TotalCPU and TotalAcked are the whole process,
	// start-up, connects and shutdown included.
	Window     Window        `json:"window"`
	TotalCPU   time.Duration `json:"totalCpuNs"`
	TotalAcked int64         `json:"totalAcked"`
	// ReplyP99 is the client's own p99 reply latency over the whole run, ms.
	ReplyP99 float64  `json:"replyP99Ms"`
	Failures Failures `json:"failures"`
	Memory   Memory   `json:"memory"`
	Log      string   `json:"log"`
}

// Acked is the acked comparison: every round's runs and the ratio of acked
// messages per CPU-second, ours over Artillery's, from the steady windows summed
// over the rounds.
type Acked struct {
	// Workload names it: closed (no think time, as bench's acked workload) or paced.
	Workload  string          `json:"workload"`
	Think     time.Duration   `json:"thinkNs"`
	Ours      []ClientMeasure `json:"ours"`
	Artillery []ClientMeasure `json:"artillery"`
	// Raw is the raw websocket client against the same server (no think time only):
	// the floor any client pays for this traffic.
	Raw []ClientMeasure `json:"raw,omitempty"`
	// OursPerCPUSecond and ArtilleryPerCPUSecond sum acked and CPU over the rounds.
	OursPerCPUSecond      float64 `json:"oursAckedPerCpuSecond"`
	ArtilleryPerCPUSecond float64 `json:"artilleryAckedPerCpuSecond"`
	Ratio                 float64 `json:"ratio"`
	// RoundRatios are each round's ratio, to show the spread.
	RoundRatios []float64 `json:"roundRatios"`
	// TotalRatio is the same ratio over the whole processes (start-up included).
	TotalRatio float64 `json:"totalRatio"`
}

// Result is everything Run measured and the settings that produced it.
type Result struct {
	Started  time.Time `json:"started"`
	Options  Options   `json:"options"`
	Contract string    `json:"contractHash"`
	// Acked is the judged comparison (no think time); Paced the same with think
	// time, for information.
	Acked       *Acked       `json:"acked,omitempty"`
	Paced       *Acked       `json:"paced,omitempty"`
	Latency     *Latency     `json:"latency,omitempty"`
	Connections *Connections `json:"connections,omitempty"`
	Errors      []string     `json:"errors,omitempty"`
}

func perCPUSecond(acked int64, cpu time.Duration) float64 {
	if cpu <= 0 {
		return 0
	}
	return float64(acked) / cpu.Seconds()
}

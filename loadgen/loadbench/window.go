package loadbench

import (
	"sort"
	"time"
)

// period is a stretch of wall-clock time and the messages a client reports acked in
// it: our generator's one-second intervals, Artillery's ten-second intermediate
// reports.
type period struct {
	start, end time.Time
	acked      int64
}

// Window is a client's steady state: the periods it reported, less the first and
// last (connects, warm-up, the stragglers of the end), and the CPU time its process
// tree spent over exactly that stretch.
type Window struct {
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end"`
	Periods int           `json:"periods"`
	Acked   int64         `json:"ackedMessages"`
	CPU     time.Duration `json:"cpuNs"`
	// Sys is the kernel's part of CPU (system time: syscalls, loopback TCP).
	Sys time.Duration `json:"sysNs"`
	// AckedPerCPUSecond is Acked over CPU in seconds; AckedPerSecond over wall time.
	AckedPerCPUSecond float64 `json:"ackedPerCpuSecond"`
	AckedPerSecond    float64 `json:"ackedPerSecond"`
	// CPUPer1000 is CPU time per 1,000 acked messages.
	CPUPer1000 time.Duration `json:"cpuPer1000Ns"`
}

// steadyWindow keeps the periods between the first and the last and measures them
// with cpuAt, the client's CPU time at a wall-clock time. It returns a zero Window
// when fewer than three periods were reported.
func steadyWindow(ps []period, cpuAt, sysAt func(time.Time) time.Duration) Window {
	ps = append([]period(nil), ps...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].start.Before(ps[j].start) })
	if len(ps) < 3 {
		return Window{}
	}
	mid := ps[1 : len(ps)-1]
	w := Window{Start: mid[0].start, End: mid[len(mid)-1].end, Periods: len(mid)}
	for _, p := range mid {
		w.Acked += p.acked
	}
	w.CPU = cpuAt(w.End) - cpuAt(w.Start)
	if sysAt != nil {
		w.Sys = sysAt(w.End) - sysAt(w.Start)
	}
	w.fill()
	return w
}

func (w *Window) fill() {
	if w.CPU > 0 {
		w.AckedPerCPUSecond = float64(w.Acked) / w.CPU.Seconds()
	}
	if d := w.End.Sub(w.Start); d > 0 {
		w.AckedPerSecond = float64(w.Acked) / d.Seconds()
	}
	if w.Acked > 0 {
		w.CPUPer1000 = time.Duration(float64(w.CPU) * 1000 / float64(w.Acked))
	}
}

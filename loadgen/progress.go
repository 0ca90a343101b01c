package loadgen

import (
	"fmt"
	"time"

	"github.com/utalk/rtconform/loadgen/results"
)

// progress prints one line, overwritten each second, when a terminal is attached.
func (e *engine) progress(elapsed time.Duration, iv results.Interval) {
	w := e.cfg.Progress
	if w == nil {
		return
	}
	total := e.sc.Connect.Within.D() + e.sc.TotalDuration()
	c := e.rec.Total().Counts
	fmt.Fprintf(w, "\r\033[K%-8s %4.0fs/%-4.0fs  conns %-5d  msg/s %-7.1f  p95 %-8s  errors %d  lost %d",
		iv.Phase, elapsed.Seconds(), total.Seconds(), iv.Connections, iv.MsgPerSec,
		fmt.Sprintf("%.1fms", iv.ReplyP95), c.Errors+c.ConnectFailed, c.Lost)
}

func (e *engine) progressEnd() {
	if e.cfg.Progress != nil {
		fmt.Fprintln(e.cfg.Progress)
	}
}

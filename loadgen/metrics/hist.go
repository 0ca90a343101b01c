package metrics

import (
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram metrics, in microseconds.
const (
	ConnectTime   = "connect_time"
	ReplyLatency  = "reply_latency"
	FanoutLatency = "fanout_latency"
	SyncLatency   = "sync_latency"
)

// HistogramNames lists the histogram metrics in report order.
var HistogramNames = []string{ReplyLatency, FanoutLatency, SyncLatency, ConnectTime}

// Histogram geometry: 1 µs to 1 h, 3 significant digits (values within 0.1 %).
const (
	lowest      = 1
	highest     = int64(time.Hour / time.Microsecond)
	SigFigs     = 3
	encodingVer = hdr.V2CompressedEncodingCookieBase
)

// NewHistogram returns an empty histogram of the package's geometry.
func NewHistogram() *hdr.Histogram { return hdr.New(lowest, highest, SigFigs) }

// Micros converts d to the histogram's unit, clamped to its range.
func Micros(d time.Duration) int64 {
	v := d.Microseconds()
	if v < lowest {
		return lowest
	}
	return min(v, highest)
}

// Duration converts a histogram value back to a duration.
func Duration(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// Package metrics records a load run: HDR histograms of latencies (microseconds, 3
// significant digits) and counters, for the whole run and per interval.
//
// Histograms are merged exactly (bucket by bucket), never by averaging percentiles, so
// shards and intervals combine into the percentiles of the union of their samples.
//
//	r := metrics.NewRecorder(false)
//	r.Observe(metrics.ReplyLatency, 12*time.Millisecond)
//	r.Count(func(c *metrics.Counts) { c.Replies++ })
//	iv := r.Roll()             // the interval since the last Roll
//	enc, _ := iv.Encode()      // JSON-friendly, mergeable
//	s, _ := enc.Decode()
//	s.Merge(other)
package metrics

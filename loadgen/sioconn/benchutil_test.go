package sioconn_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runConns opens conns connections with open, then runs b.N round trips
// spread over them, one goroutine and one round trip in flight per
// connection. It reports round trips per second and the CPU time of this
// process per 1,000 round trips, which is the client's alone when the
// server runs in another process.
func runConns(b *testing.B, conns int, open func(b *testing.B) (op, closeFn func())) {
	ops := make([]func(), conns)
	closers := make([]func(), conns)
	for i := range ops {
		ops[i], closers[i] = open(b)
	}
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for _, op := range ops { // warm up every connection
		op()
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, t0 := cpuTime(), time.Now()
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				op()
			}
		}()
	}
	wg.Wait()
	cpu, wall := cpuTime()-cpu0, time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N)*1000, "cpu-ms/1k")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "msgs/s")
}

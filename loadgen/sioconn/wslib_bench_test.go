package sioconn_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cws "github.com/coder/websocket"
	gws "github.com/gorilla/websocket"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

// BenchmarkRawWebsocket is the transport baseline that chose the websocket
// library: one text frame out, the echo back, with the server in another
// process so that allocs/op and cpu-ms/1k are the client's alone.
func BenchmarkRawWebsocket(b *testing.B) {
	srv := startServerProc(b)
	wsURL := "ws" + strings.TrimPrefix(srv.url, "http") + sioserver.RawEchoPath
	msg := []byte(`42/app,12["echo",{"conversationId":"conv_+1234567890_+0987654321","body":"hello"}]`)

	for _, conns := range []int{1, 64} {
		b.Run(fmt.Sprintf("lib=gorilla/conns=%d", conns), func(b *testing.B) {
			runConns(b, conns, func(b *testing.B) (func(), func()) {
				c, _, err := gws.DefaultDialer.Dial(wsURL, nil)
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, 0, 512)
				return func() {
					if err := c.WriteMessage(gws.TextMessage, msg); err != nil {
						b.Error(err)
						return
					}
					_, r, err := c.NextReader()
					if err != nil {
						b.Error(err)
						return
					}
					buf = buf[:0]
					for {
						if len(buf) == cap(buf) {
							buf = append(buf, 0)[:len(buf)]
						}
						n, err := r.Read(buf[len(buf):cap(buf)])
						buf = buf[:len(buf)+n]
						if err != nil {
							break
						}
					}
				}, func() { _ = c.Close() }
			})
		})
		b.Run(fmt.Sprintf("lib=coder/conns=%d", conns), func(b *testing.B) {
			ctx := context.Background()
			runConns(b, conns, func(b *testing.B) (func(), func()) {
				c, _, err := cws.Dial(ctx, wsURL, nil)
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, 512)
				return func() {
					if err := c.Write(ctx, cws.MessageText, msg); err != nil {
						b.Error(err)
						return
					}
					_, r, err := c.Reader(ctx)
					if err != nil {
						b.Error(err)
						return
					}
					for {
						if _, err := r.Read(buf); err != nil {
							break
						}
					}
				}, func() { _ = c.CloseNow() }
			})
		})
	}
}

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

package reference

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

// BenchmarkAckedSend is the acked workload of the comparative benchmark, in
// process: 50 connections on /app, each sending message:send to its own
// conversation and waiting for the reply before the next. Profile the server
// with -cpuprofile (client and server share the process).
func BenchmarkAckedSend(b *testing.B) {
	h := start(b, func(c *Config) { c.NoRateLimits = true })
	const conns = 50
	var cs []*sioconn.Conn
	for i := 0; i < conns; i++ {
		tok := h.token(agent(fmt.Sprintf("bench%d", i)), time.Hour)
		c, err := sioconn.Dial(context.Background(), sioconn.Options{URL: h.url, Namespace: "/app",
			Auth: map[string]any{"token": tok}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.Close() })
		cs = append(cs, c)
	}
	name := h.name(spec.SendMessage)
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				p := sendPayload(fmt.Sprintf("m-%d", n), fmt.Sprintf("conv_bench%d", i), "hola")
				if _, err := c.EmitWithAck(context.Background(), name, p); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

package reference

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// BenchmarkFingerprint: the idempotency fingerprint of a typical message, built by
// hand against json.Marshal (the value both give is the same: FuzzFingerprint).
func BenchmarkFingerprint(b *testing.B) {
	text := "Hola, ¿cómo estás? 👋"
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf, _ := json.Marshal([]any{"conv_bench_acked1a2b_7", "text", &text, (*string)(nil), map[string]any(nil)})
			sum := sha256.Sum256(buf)
			_ = hex.EncodeToString(sum[:16])
		}
	})
	b.Run("fingerprint", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = fingerprint("conv_bench_acked1a2b_7", "text", &text, nil, nil)
		}
	})
}

package sioconn_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

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

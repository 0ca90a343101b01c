package sioconn_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	client "github.com/zishang520/socket.io/clients/socket/v3"
	server "github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

// benchMessage is a UTalk-style chat message.
type benchMessage struct {
	ConversationID string `json:"conversationId"`
	MessageID      string `json:"messageId"`
	Body           string `json:"body"`
}

var benchPayload = benchMessage{
	ConversationID: "conv_+1234567890_+0987654321",
	MessageID:      "SM0123456789abcdef0123456789abcdef",
	Body:           "hello from the load generator",
}

// BenchmarkAckRoundTrip compares, in one run, acked round trips (emit with
// ack, wait, repeat) through sioconn and through the official zishang520
// client, against the same zishang520 echo server.
//
//   - server=proc: the server runs in another process (internal/echoserver),
//     so allocs/op and cpu-ms/1k are the client's alone.
//   - server=inproc: the server runs in this process; allocs/op and
//     cpu-ms/1k then add the server's share, which is the same for both
//     clients.
//   - conns=1 is latency-bound: each round trip leaves the process idle, so
//     CPU per message includes the runtime's idle spinning and wakeups.
//     conns=64 keeps the process busy, which is how a load generator runs.
//
// ns/op is wall time per round trip over all connections; msgs/s is its
// inverse.
func BenchmarkAckRoundTrip(b *testing.B) {
	proc := startServerProc(b)
	inproc, err := sioserver.Start(sioserver.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer inproc.Close()
	servers := []struct{ name, url string }{{"proc", proc.url}, {"inproc", inproc.URL()}}
	clients := []struct {
		name string
		open func(b *testing.B, url string) (op, closeFn func())
	}{{"sioconn", openSioconn}, {"official", openOfficial}}
	for _, srv := range servers {
		for _, conns := range []int{1, 64} {
			for _, cl := range clients {
				b.Run(fmt.Sprintf("server=%s/conns=%d/client=%s", srv.name, conns, cl.name), func(b *testing.B) {
					officialRetries.Store(0)
					officialAckTimeouts.Store(0)
					runConns(b, conns, func(b *testing.B) (func(), func()) { return cl.open(b, srv.url) })
					if cl.name == "official" {
						b.ReportMetric(float64(officialRetries.Load()), "connect-retries")
						b.ReportMetric(float64(officialAckTimeouts.Load()), "ack-timeouts")
					}
				})
			}
		}
	}
}

func openSioconn(b *testing.B, url string) (func(), func()) {
	c, err := sioconn.Dial(context.Background(), sioconn.Options{
		URL: url, Namespace: sioserver.Namespace, Auth: map[string]any{"token": sioserver.TokenValid},
		ConnectTimeout: 10 * time.Second, ReadyEvent: sioserver.EventWelcome,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	return func() {
		if _, err := c.EmitWithAck(ctx, sioserver.EventEcho, &benchPayload); err != nil {
			b.Error(err)
		}
	}, func() { _ = c.Close() }
}

// officialConnectTries is how often openOfficial dials before giving up:
// about 1% of official-client connects never complete (the client sends
// CONNECT twice and the server force-closes it, or it waits out its
// timeout), which the benchmark counts as official-retries.
const officialConnectTries = 5

func openOfficial(b *testing.B, url string) (func(), func()) {
	for try := 1; ; try++ {
		sock, ok := dialOfficial(b, url)
		if ok {
			return officialRoundTrip(b, sock), func() { sock.Close() }
		}
		sock.Close()
		officialRetries.Add(1)
		if try == officialConnectTries {
			b.Fatalf("official client: no welcome event after %d tries", try)
		}
	}
}

var officialRetries, officialAckTimeouts atomic.Int64

// dialOfficial connects the official client and waits for the welcome
// event, which the server sends after it registered the socket.
func dialOfficial(b *testing.B, url string) (*client.Socket, bool) {
	opts := client.DefaultOptions()
	opts.SetTransports(types.NewSet(client.WebSocket))
	opts.SetForceNew(true)
	opts.SetReconnection(false)
	opts.SetTimeout(3 * time.Second)
	opts.SetAuth(map[string]any{"token": sioserver.TokenValid})
	sock, err := client.Connect(url+sioserver.Namespace, opts)
	if err != nil {
		b.Fatal(err)
	}
	ready := make(chan struct{})
	_ = sock.Once(sioserver.EventWelcome, func(...any) { close(ready) })
	select {
	case <-ready:
		return sock, true
	case <-time.After(3 * time.Second):
		return sock, false
	}
}

// officialRoundTrip returns one acked round trip through sock. The
// official client sometimes never sees an ack; after 10 s its timeout
// fires and the round trip is counted in ack-timeouts.
func officialRoundTrip(b *testing.B, sock *client.Socket) func() {
	acked := make(chan struct{}, 1)
	ack := func(_ []any, err error) {
		if err != nil {
			officialAckTimeouts.Add(1)
		}
		acked <- struct{}{}
	}
	return func() {
		sock.Timeout(10*time.Second).EmitWithAck(sioserver.EventEcho, &benchPayload)(server.Ack(ack))
		<-acked
	}
}

package sioconn_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

// Heartbeat settings for the tests. pingTimeout is longer than
// pingInterval on purpose: the zishang520 engine (v3.0.6, socket.go
// schedulePing) writes a ping before it arms the ping-timeout timer, so a
// pong that arrives first leaves a stale timer running, which kills the
// connection ("ping timeout" on the server) unless the next ping's reset
// comes first, that is unless pingTimeout > pingInterval.
const (
	testPingInterval = 100 * time.Millisecond
	testPingTimeout  = 250 * time.Millisecond
)

// The server closes a client that misses a pong for pingTimeout, so a
// connection that is still usable after several intervals has answered
// every ping; the busy emitter shows the answers do not wait for it.
func TestHeartbeatKeepsConnectionAlive(t *testing.T) {
	srv := startServer(t, sioserver.Config{PingInterval: testPingInterval, PingTimeout: testPingTimeout})
	c := dialApp(t, srv.URL(), nil)
	if hs := c.Handshake(); hs.PingInterval != testPingInterval || hs.PingTimeout != testPingTimeout {
		t.Fatalf("Handshake() = %+v, want pingInterval %v, pingTimeout %v", hs, testPingInterval, testPingTimeout)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // keep the write path busy meanwhile
		defer wg.Done()
		for !stop.Load() {
			if _, err := c.EmitWithAck(ctxTimeout(t, time.Second), sioserver.EventEcho, "busy"); err != nil {
				return
			}
		}
	}()
	time.Sleep(6 * testPingInterval)
	stop.Store(true)
	wg.Wait()
	if err := c.Err(); err != nil {
		t.Fatalf("connection closed during heartbeats: %v", err)
	}
	if _, err := c.EmitWithAck(ctxTimeout(t, time.Second), sioserver.EventEcho, 1); err != nil {
		t.Fatalf("EmitWithAck after %v of heartbeats: %v", 6*testPingInterval, err)
	}
}

func TestPingTimeoutDetected(t *testing.T) {
	srv := startServer(t, sioserver.Config{PingInterval: testPingInterval, PingTimeout: testPingTimeout})
	proxy := newPausableProxy(t, srv.Addr())
	c := dialApp(t, proxy.URL(), nil)
	time.Sleep(3 * testPingInterval) // heartbeats through the proxy work
	if err := c.Err(); err != nil {
		t.Fatalf("closed before the pause: %v", err)
	}
	proxy.Pause()
	paused := time.Now()
	waitDone(t, c, 2*time.Second)
	took := time.Since(paused)
	if got := c.CloseReason(); got != sioconn.ReasonPingTimeout {
		t.Fatalf("CloseReason() = %q, want %q (Err %v)", got, sioconn.ReasonPingTimeout, c.Err())
	}
	// The last ping came at most one interval before the pause; the timer
	// fires interval+timeout after it.
	if limit := testPingInterval + testPingTimeout + 150*time.Millisecond; took > limit {
		t.Errorf("ping timeout detected %v after the pause, want at most %v", took, limit)
	}
	t.Logf("ping timeout detected %v after the pause", took)
	proxy.Resume()
}

// TestCloseWithStuckWriter: a writer blocked on a server that stopped
// reading must not make Close hang.
func TestCloseWithStuckWriter(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	proxy := newPausableProxy(t, srv.Addr())
	c := dialApp(t, proxy.URL(), nil)
	proxy.Pause()
	big := strings.Repeat("x", 1<<20)
	writerDone := make(chan error, 1)
	go func() {
		for {
			if err := c.Emit("bulk", big); err != nil {
				writerDone <- err
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // long enough to fill the socket buffers
	start := time.Now()
	_ = c.Close()
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Close took %v with a stuck writer", took)
	}
	select {
	case err := <-writerDone:
		if !errors.Is(err, sioconn.ErrClosed) {
			t.Errorf("stuck Emit returned %v, want ErrClosed", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("stuck Emit did not return after Close")
	}
	proxy.Resume()
}

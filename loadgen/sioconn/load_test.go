package sioconn_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	client "github.com/zishang520/socket.io/clients/socket/v3"
	server "github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

// TestManyConnections opens many concurrent connections to one server
// running in its own process, and reports connect failures, connect time
// and the client's RSS. It runs only when asked, as it takes a while:
//
//	SIOCONN_LOAD_CONNS=1000,5000 go test -run ManyConnections -v ./loadgen/sioconn/
//
// SIOCONN_LOAD_PARALLEL caps dials in flight (default: all at once);
// SIOCONN_LOAD_CLIENT=official runs the official client instead;
// SIOCONN_LOAD_PING sets the server's heartbeat (see loadPing).
func TestManyConnections(t *testing.T) {
	spec := os.Getenv("SIOCONN_LOAD_CONNS")
	if spec == "" {
		t.Skip("set SIOCONN_LOAD_CONNS=1000,5000 to run")
	}
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("SIOCONN_LOAD_CONNS: bad count %q", f)
		}
		parallel := n
		if p, err := strconv.Atoi(os.Getenv("SIOCONN_LOAD_PARALLEL")); err == nil && p > 0 {
			parallel = p
		}
		kind := os.Getenv("SIOCONN_LOAD_CLIENT")
		if kind == "" {
			kind = "sioconn"
		}
		t.Run(fmt.Sprintf("client=%s/conns=%d/parallel=%d", kind, n, parallel), func(t *testing.T) {
			runManyConnections(t, kind, n, parallel)
		})
	}
}

// loadConn is what the load test needs from either client.
type loadConn interface {
	roundTrip(ctx context.Context) error
	alive() bool
	close()
}

// Heartbeats during the load test; SIOCONN_LOAD_PING=interval/timeout
// (e.g. 2s/1s) overrides them. The default timeout is longer than the
// interval, which hides the server's ping race (see testPingTimeout).
const (
	loadPingInterval = 2 * time.Second
	loadPingTimeout  = 5 * time.Second
)

func loadPing(t *testing.T) (interval, timeout time.Duration) {
	spec := os.Getenv("SIOCONN_LOAD_PING")
	if spec == "" {
		return loadPingInterval, loadPingTimeout
	}
	a, b, _ := strings.Cut(spec, "/")
	interval, err1 := time.ParseDuration(a)
	timeout, err2 := time.ParseDuration(b)
	if err1 != nil || err2 != nil {
		t.Fatalf("SIOCONN_LOAD_PING=%q: want interval/timeout, e.g. 2s/1s", spec)
	}
	return interval, timeout
}

func runManyConnections(t *testing.T, kind string, n, parallel int) {
	pingInterval, pingTimeout := loadPing(t)
	srv := startServerProc(t, "-ping-interval", pingInterval.String(), "-ping-timeout", pingTimeout.String())
	debug.FreeOSMemory()
	rss0, srvRSS0, g0 := selfRSSKB(), srv.rssKB(), runtime.NumGoroutine()
	heap0, stack0 := memInUse()

	conns := make([]loadConn, n)
	lat := make([]time.Duration, n)
	errs := make([]error, n)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			conns[i], errs[i] = dialLoad(kind, srv.url)
			lat[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	connectAll := time.Since(start)
	var failed []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, err.Error())
			conns[i] = nil
		}
	}
	rssPeak := selfRSSKB()
	debug.FreeOSMemory() // return the dial goroutines' stacks and garbage
	rss1, srvRSS1 := selfRSSKB(), srv.rssKB()
	heap1, stack1 := memInUse()
	goroutines := runtime.NumGoroutine() - g0
	slices.Sort(lat)

	// One acked round trip on every connection, all at once.
	var ackFail atomic.Int64
	ackStart := time.Now()
	for _, c := range conns {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if c.roundTrip(ctx) != nil {
				ackFail.Add(1)
			}
		}()
	}
	wg.Wait()
	ackAll := time.Since(ackStart)

	// Hold through three server pings: no connection may drop.
	time.Sleep(3*pingInterval + 500*time.Millisecond)
	dropped, why := 0, ""
	for _, c := range conns {
		if c != nil && !c.alive() {
			dropped++
			if s, ok := c.(sioLoad); ok && why == "" {
				why = fmt.Sprint(s.c.Err())
			}
		}
	}
	closeStart := time.Now()
	for _, c := range conns {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); c.close() }()
	}
	wg.Wait()
	closeAll := time.Since(closeStart)

	t.Logf("%s: %d connections, %d dials in flight at most, server pingInterval %v pingTimeout %v", kind, n, parallel, pingInterval, pingTimeout)
	t.Logf("connect: %d failed; all connected in %v; per connection p50 %v p99 %v max %v",
		len(failed), connectAll.Round(time.Millisecond), pct(lat, 50), pct(lat, 99), lat[len(lat)-1].Round(time.Millisecond))
	t.Logf("client RSS: %d kB before, %d kB peak while dialing, %d kB connected: %.1f kB per connection (heap %.1f kB, stacks %.1f kB); %.2f goroutines per connection",
		rss0, rssPeak, rss1, float64(rss1-rss0)/float64(n), float64(heap1-heap0)/1024/float64(n), float64(stack1-stack0)/1024/float64(n), float64(goroutines)/float64(n))
	t.Logf("server RSS (own process): %d kB before, %d kB connected: %.1f kB per connection",
		srvRSS0, srvRSS1, float64(srvRSS1-srvRSS0)/float64(n))
	t.Logf("one ack per connection: %d failed, all in %v; after %v of heartbeats %d dropped; closed all in %v",
		ackFail.Load(), ackAll.Round(time.Millisecond), 3*pingInterval, dropped, closeAll.Round(time.Millisecond))
	if len(failed) > 0 {
		t.Errorf("%d connects failed, e.g. %s", len(failed), failed[0])
	}
	if ackFail.Load() > 0 || dropped > 0 {
		t.Errorf("%d acks failed, %d connections dropped (first: %s)", ackFail.Load(), dropped, why)
	}
}

// memInUse returns the bytes of heap spans and goroutine stacks in use.
func memInUse() (heap, stack int64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse), int64(ms.StackInuse)
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[(len(sorted)-1)*p/100].Round(time.Millisecond)
}

func dialLoad(kind, url string) (loadConn, error) {
	if kind == "official" {
		return dialOfficialLoad(url)
	}
	c, err := sioconn.Dial(context.Background(), sioconn.Options{
		URL: url, Namespace: sioserver.Namespace, Auth: map[string]any{"token": sioserver.TokenValid},
		ConnectTimeout: 20 * time.Second, ReadyEvent: sioserver.EventWelcome,
	})
	if err != nil {
		return nil, err
	}
	return sioLoad{c}, nil
}

type sioLoad struct{ c *sioconn.Conn }

func (s sioLoad) roundTrip(ctx context.Context) error {
	_, err := s.c.EmitWithAck(ctx, sioserver.EventEcho, &benchPayload)
	return err
}
func (s sioLoad) alive() bool { return s.c.Err() == nil }
func (s sioLoad) close()      { _ = s.c.Close() }

type officialLoad struct {
	s    *client.Socket
	down atomic.Bool
}

func dialOfficialLoad(url string) (loadConn, error) {
	opts := client.DefaultOptions()
	opts.SetTransports(types.NewSet(client.WebSocket))
	opts.SetForceNew(true)
	opts.SetReconnection(false)
	opts.SetTimeout(20 * time.Second)
	opts.SetAuth(map[string]any{"token": sioserver.TokenValid})
	sock, err := client.Connect(url+sioserver.Namespace, opts)
	if err != nil {
		return nil, err
	}
	o := &officialLoad{s: sock}
	ready := make(chan struct{})
	_ = sock.Once(sioserver.EventWelcome, func(...any) { close(ready) })
	_ = sock.On("disconnect", func(...any) { o.down.Store(true) })
	select {
	case <-ready:
		return o, nil
	case <-time.After(20 * time.Second):
		sock.Close()
		return nil, fmt.Errorf("official client: no welcome within 20s")
	}
}

func (o *officialLoad) roundTrip(ctx context.Context) error {
	done := make(chan error, 1)
	o.s.EmitWithAck(sioserver.EventEcho, &benchPayload)(server.Ack(func(_ []any, err error) { done <- err }))
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (o *officialLoad) alive() bool { return !o.down.Load() && o.s.Connected() }
func (o *officialLoad) close()      { o.s.Close() }

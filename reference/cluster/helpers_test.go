package cluster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	client "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/cluster"
	"github.com/utalk/rtconform/spec"
)

const (
	room    = socket.Room("room-1")
	waitFor = 5 * time.Second
)

// testEvent and testNamespace come from the contract, never typed in.
var (
	testEvent     = spec.Default().ByRole(spec.MessageNew).Name
	testNamespace = spec.Default().ByRole(spec.MessageNew).Namespaces[0]
)

// lineCounter is a slog handler target that counts log lines.
type lineCounter struct {
	mu    sync.Mutex
	lines int
	buf   bytes.Buffer
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines += bytes.Count(p, []byte{'\n'})
	if l.buf.Len() < 1<<16 {
		l.buf.Write(p)
	}
	return len(p), nil
}

func (l *lineCounter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines
}

// instance is one Socket.IO server with its Cluster, on a free loopback port.
type instance struct {
	cl     *cluster.Cluster
	io     *socket.Server
	nsp    socket.Namespace
	url    string
	logs   *lineCounter
	health healthWatch
	// redisAddr is for diagnostics.
	redisAddr string
}

func connectCluster(t *testing.T, r *redistest.Redis, prefix, name string) (*cluster.Cluster, *lineCounter) {
	t.Helper()
	logs := &lineCounter{}
	cl, err := cluster.Connect(t.Context(), cluster.Options{
		Addr: r.Addr(), Prefix: prefix, Instance: name,
		Logger:    slog.New(slog.NewTextHandler(logs, nil)),
		OpTimeout: 150 * time.Millisecond, HealthInterval: 50 * time.Millisecond,
		DialBackoff: 200 * time.Millisecond, PresenceTTL: 2 * time.Second,
	})
	if err != nil {
		t.Fatalf("Connect %s: %v", name, err)
	}
	t.Cleanup(cl.Close)
	return cl, logs
}

func newInstance(t *testing.T, r *redistest.Redis, prefix, name string) *instance {
	t.Helper()
	cl, logs := connectCluster(t, r, prefix, name)
	in := &instance{cl: cl, logs: logs, health: watch(cl), redisAddr: r.Addr()}
	opts := socket.DefaultServerOptions()
	opts.SetAdapter(cl.AdapterConstructor())
	opts.SetTransports(types.NewSet(socket.WebSocket))
	in.io = socket.NewServer(nil, opts)
	in.nsp = in.io.Of(testNamespace, nil)
	var engineConns sync.Map
	_ = in.nsp.On("connection", func(args ...any) {
		s := args[0].(*socket.Socket)
		// The zishang520 Go client may send CONNECT twice on one engine
		// connection (Socket.Connect calls onopen for the "open" event and
		// again when it sees the manager open): only the first socket joins,
		// or its client would get each event twice.
		if _, dup := engineConns.LoadOrStore(s.Conn().Id(), true); dup {
			return
		}
		s.Join(room)
	})
	srv := httptest.NewServer(in.io.ServeHandler(nil))
	in.url = srv.URL
	t.Cleanup(func() {
		done := make(chan struct{})
		in.io.Close(func(error) { close(done) })
		select {
		case <-done:
		case <-time.After(waitFor):
		}
		srv.Close()
	})
	return in
}

// broadcast emits n to the room from this instance and returns how long
// the Emit call took.
func (in *instance) broadcast(t *testing.T, n int) time.Duration {
	t.Helper()
	start := time.Now()
	if err := in.nsp.To(room).Emit(testEvent, map[string]any{"n": n}); err != nil {
		t.Fatalf("emit: %v", err)
	}
	return time.Since(start)
}

// waitHealth waits until OnHealthChange reported status.
func (in *instance) waitHealth(t *testing.T, status string, within time.Duration) {
	t.Helper()
	in.health.wait(t, in.cl, status, within)
}

// receiver is a client socket that records every test event by its n.
type receiver struct {
	in      *instance
	sock    *client.Socket
	mu      sync.Mutex
	counts  map[int]int
	at      map[int]time.Time
	got     chan int
	dups    atomic.Int64
	dupList []int
}

// join connects a client socket to in; it joins the room in the server's
// connection handler.
//
// The zishang520 Go client fails about one connect in 30 here (engine open,
// then no namespace CONNECT: "timeout" after the Manager timeout), with or
// without a Redis adapter; join retries up to three times and logs it.
func (in *instance) join(t *testing.T) *receiver {
	t.Helper()
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var rc *receiver
		if rc, err = in.dial(); err == nil {
			t.Cleanup(func() { rc.sock.Disconnect() })
			return rc
		}
		t.Logf("connect attempt %d: %v", attempt, err)
	}
	t.Fatalf("client did not connect: %v", err)
	return nil
}

func (in *instance) dial() (*receiver, error) {
	opts := client.DefaultOptions()
	opts.SetTransports(types.NewSet(client.WebSocket))
	opts.SetReconnection(false)
	opts.SetAutoConnect(false)
	opts.SetTimeout(2 * time.Second)
	// Open the manager first and only then connect the namespace: when the
	// engine opens while Socket.Connect runs, the client sends CONNECT twice
	// (once for the "open" event, once because it sees the manager open) and
	// the server then drops the socket.
	m := client.NewManager(in.url, opts)
	opened := make(chan error, 1)
	m.Open(func(err error) { opened <- err })
	select {
	case err := <-opened:
		if err != nil {
			return nil, fmt.Errorf("engine open: %w", err)
		}
	case <-time.After(waitFor):
		return nil, errors.New("engine did not open")
	}
	sock := m.Socket(testNamespace, opts)
	rc := &receiver{in: in, sock: sock, counts: map[int]int{}, at: map[int]time.Time{}, got: make(chan int, 4096)}
	connected := make(chan struct{})
	failed := make(chan any, 1)
	var once sync.Once
	_ = sock.On("connect", func(...any) { once.Do(func() { close(connected) }) })
	_ = sock.On("connect_error", func(args ...any) {
		select {
		case failed <- args:
		default:
		}
	})
	_ = sock.On(types.EventName(testEvent), func(args ...any) {
		m, _ := args[0].(map[string]any)
		f, _ := m["n"].(float64)
		n := int(f)
		rc.mu.Lock()
		rc.counts[n]++
		if rc.counts[n] > 1 {
			rc.dups.Add(1)
			rc.dupList = append(rc.dupList, n)
		}
		rc.at[n] = time.Now()
		rc.mu.Unlock()
		rc.got <- n
	})
	sock.Connect()
	select {
	case <-connected:
		return rc, nil
	case e := <-failed:
		sock.Disconnect()
		return nil, fmt.Errorf("connect_error %v", e)
	case <-time.After(waitFor):
		sock.Disconnect()
		return nil, errors.New("no connect within the wait")
	}
}

// expect waits for event n and returns when it arrived.
func (rc *receiver) expect(t *testing.T, n int, within time.Duration) time.Time {
	t.Helper()
	deadline := time.After(within)
	for {
		rc.mu.Lock()
		at, ok := rc.at[n]
		rc.mu.Unlock()
		if ok {
			return at
		}
		select {
		case <-rc.got:
		case <-deadline:
			t.Fatalf("event %d not received within %v", n, within)
		}
	}
}

func (rc *receiver) has(n int) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.counts[n] > 0
}

// pair starts two instances sharing one Redis and one prefix, with one
// receiver on each.
func pair(t *testing.T, r *redistest.Redis) (a, b *instance, ra, rb *receiver) {
	t.Helper()
	prefix := redistest.Prefix(t.Name())
	a, b = newInstance(t, r, prefix, "a"), newInstance(t, r, prefix, "b")
	ra, rb = a.join(t), b.join(t)
	// The adapters subscribe asynchronously: wait until a broadcast crosses.
	crossed(t, a, rb, 1_000_000, 3*time.Second)
	crossed(t, b, ra, 2_000_000, 3*time.Second)
	return a, b, ra, rb
}

// crossed broadcasts probes (base, base+1, ...) from src every 50 ms until
// dst receives one, and returns how long that took.
func crossed(t *testing.T, src *instance, dst *receiver, base int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for n := base; ; n++ {
		src.broadcast(t, n)
		select {
		case <-tick.C:
		case <-dst.got:
		}
		for k := base; k <= n; k++ {
			if dst.has(k) {
				return time.Since(start)
			}
		}
		if time.Since(start) > within {
			_, status := src.cl.Health()
			rdb := redis.NewClient(&redis.Options{Addr: src.redisAddr})
			defer rdb.Close()
			numpat, _ := rdb.PubSubNumPat(context.Background()).Result()
			chans, _ := rdb.PubSubChannels(context.Background(), "*").Result()
			dst.in.broadcast(t, 999_999_999)
			<-time.After(300 * time.Millisecond)
			rooms := 0
			dst.in.nsp.Adapter().Rooms().Range(func(socket.Room, *types.Set[socket.SocketId]) bool { rooms++; return true })
			t.Fatalf("no broadcast crossed within %v (source %s: %+v; numpat %d channels %d; dst local delivery %v, dst sockets %d rooms %d, sock id %s connected %v)",
				within, status, src.cl.Stats(), numpat, len(chans), dst.has(999_999_999), dst.in.nsp.Sockets().Len(), rooms, dst.sock.Id(), dst.sock.Connected())
		}
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// healthWatch receives every status OnHealthChange reports.
type healthWatch chan string

func watch(cl *cluster.Cluster) healthWatch {
	w := make(healthWatch, 64)
	cl.OnHealthChange(func(_ bool, status string) {
		select {
		case w <- status:
		default:
		}
	})
	return w
}

// wait waits until the status reported is want.
func (w healthWatch) wait(t *testing.T, cl *cluster.Cluster, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-w:
			if s == want {
				return
			}
		case <-deadline:
			_, got := cl.Health()
			t.Fatalf("health did not become %q within %v (now %q)", want, within, got)
		}
	}
}

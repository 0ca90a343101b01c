package redistest_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/internal/redistest"
)

// backendsUnderTest returns the backends to test: the one REDISTEST_BACKEND
// forces, or both.
func backendsUnderTest(t *testing.T) []redistest.Backend {
	t.Helper()
	cfg, err := redistest.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Backend == redistest.BackendAuto {
		return []redistest.Backend{redistest.BackendContainer, redistest.BackendProcess}
	}
	return []redistest.Backend{cfg.Backend}
}

// forEachBackend runs fn in a subtest per backend, each with its own Redis.
// A backend that cannot run is skipped, or fails the test when CI=true:
// .ci/run installs both Docker and redis-server.
func forEachBackend(t *testing.T, fn func(t *testing.T, r *redistest.Redis)) {
	t.Helper()
	for _, b := range backendsUnderTest(t) {
		t.Run(string(b), func(t *testing.T) {
			cfg, err := redistest.ConfigFromEnv()
			if err != nil {
				t.Fatal(err)
			}
			cfg.Backend = b
			r, err := redistest.StartWith(t.Context(), cfg)
			if errors.Is(err, redistest.ErrUnavailable) {
				if ci := os.Getenv("CI"); ci == "true" || ci == "1" {
					t.Fatalf("CI=true and %v", err)
				}
				t.Skipf("Missing: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := r.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if got, want := r.Kind(), string(b); got != want {
				t.Fatalf("Kind() = %q, want %q", got, want)
			}
			fn(t, r)
		})
	}
}

// newClient returns a client that fails fast: no retries, short timeouts.
func newClient(t *testing.T, addr string, protocol int) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{
		Addr:                  addr,
		Protocol:              protocol,
		MaxRetries:            -1,
		DialTimeout:           time.Second,
		ReadTimeout:           2 * time.Second,
		WriteTimeout:          2 * time.Second,
		ContextTimeoutEnabled: true,
	})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// pingWithin sends one PING that must be answered within d.
func pingWithin(ctx context.Context, rdb *redis.Client, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return rdb.Ping(ctx).Err()
}

func TestStartAnswersPing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		if !strings.HasPrefix(r.Addr(), "127.0.0.1:") {
			t.Fatalf("Addr() = %q, want 127.0.0.1:port", r.Addr())
		}
		rdb := newClient(t, r.Addr(), 3)
		if err := pingWithin(t.Context(), rdb, 2*time.Second); err != nil {
			t.Fatalf("PING: %v", err)
		}
		if err := rdb.ConfigSet(t.Context(), "notify-keyspace-events", "").Err(); err != nil {
			t.Fatalf("CONFIG SET: %v", err)
		}
	})
}

func TestPauseHangsUnpauseResumes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := t.Context()
		rdb := newClient(t, r.Addr(), 3)
		if err := pingWithin(ctx, rdb, 2*time.Second); err != nil {
			t.Fatalf("PING before pause: %v", err)
		}
		if err := r.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Pause(ctx); err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		start := time.Now()
		err := pingWithin(ctx, rdb, 200*time.Millisecond)
		if err == nil {
			t.Fatal("PING while paused answered, want a timeout")
		}
		if !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
			t.Fatalf("PING while paused: %v, want a timeout", err)
		}
		if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
			t.Fatalf("PING while paused failed after %v, want a timeout near 200ms: %v", elapsed, err)
		}
		if err := r.Unpause(ctx); err != nil {
			t.Fatal(err)
		}
		if err := pingWithin(ctx, rdb, 2*time.Second); err != nil {
			t.Fatalf("PING after unpause: %v", err)
		}
	})
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func TestStopStartKeepsAddress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := t.Context()
		addr := r.Addr()
		rdb := newClient(t, addr, 3)
		if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := r.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := pingWithin(ctx, rdb, time.Second); err == nil {
			t.Fatal("PING after Stop answered")
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if got := r.Addr(); got != addr {
			t.Fatalf("Addr() after restart = %q, want %q", got, addr)
		}
		if err := pingWithin(ctx, rdb, 2*time.Second); err != nil {
			t.Fatalf("PING after Start: %v", err)
		}
		// Nothing is saved: the restarted server is empty.
		if got, err := rdb.Exists(ctx, "k").Result(); err != nil || got != 0 {
			t.Fatalf("EXISTS k after restart = %d, %v; want 0, nil", got, err)
		}
	})
}

func TestStopWhilePausedAndCloseWhilePaused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := t.Context()
		if err := r.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Stop(ctx); err != nil {
			t.Fatalf("Stop while paused: %v", err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		// The cleanup's Close runs on a paused server.
	})
}

func TestKillPubSubDisconnectsSubscribers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		for _, protocol := range []int{2, 3} {
			t.Run(map[int]string{2: "resp2", 3: "resp3"}[protocol], func(t *testing.T) {
				testKillPubSub(t, r, protocol)
			})
		}
	})
}

func testKillPubSub(t *testing.T, r *redistest.Redis, protocol int) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	channel := redistest.Prefix(t.Name()) + "events"
	pub := newClient(t, r.Addr(), 3)
	sub := newClient(t, r.Addr(), protocol).Subscribe(ctx, channel)
	defer sub.Close()

	if _, ok := receive(ctx, t, sub).(*redis.Subscription); !ok {
		t.Fatal("first message is not the subscription confirmation")
	}
	n, err := r.KillPubSub(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 {
		t.Fatalf("KillPubSub killed %d connections, want at least 1", n)
	}

	// The subscriber sees the connection drop, then go-redis reconnects
	// and subscribes again.
	var sawErr error
	for {
		msg, err := sub.ReceiveTimeout(ctx, 100*time.Millisecond)
		if ctx.Err() != nil {
			t.Fatalf("no error and resubscription after KillPubSub (error seen: %v)", sawErr)
		}
		if err != nil {
			if !isTimeout(err) {
				sawErr = err
			}
			continue
		}
		if s, ok := msg.(*redis.Subscription); ok && s.Kind == "subscribe" && sawErr != nil {
			break
		}
	}

	if err := pub.Publish(ctx, channel, "after").Err(); err != nil {
		t.Fatal(err)
	}
	msg, ok := receive(ctx, t, sub).(*redis.Message)
	if !ok || msg.Payload != "after" {
		t.Fatalf("after resubscribing got %#v, want message %q", msg, "after")
	}
}

// receive returns the next pub/sub message, waiting until ctx is done.
func receive(ctx context.Context, t *testing.T, sub *redis.PubSub) any {
	t.Helper()
	msg, err := sub.Receive(ctx)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return msg
}

func TestFlushPrefix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := t.Context()
		rdb := newClient(t, r.Addr(), 3)
		mine, other := redistest.Prefix("flush*[mine]"), redistest.Prefix("flush-other")
		for i := range 1200 {
			if err := rdb.Set(ctx, mine+string(rune('a'+i%26))+time.Duration(i).String(), i, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if err := rdb.Set(ctx, other+"keep", 1, 0).Err(); err != nil {
			t.Fatal(err)
		}
		got, err := r.FlushPrefix(ctx, mine)
		if err != nil {
			t.Fatal(err)
		}
		if got != 1200 {
			t.Fatalf("FlushPrefix deleted %d keys, want 1200", got)
		}
		if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 1 {
			t.Fatalf("DBSIZE after FlushPrefix = %d, %v; want 1, nil", n, err)
		}
		if _, err := r.FlushPrefix(ctx, ""); err == nil {
			t.Fatal("FlushPrefix with an empty prefix succeeded")
		}
	})
}

func TestNewClosesInCleanup(t *testing.T) {
	var addr string
	t.Run("inner", func(t *testing.T) {
		r := redistest.New(t)
		addr = r.Addr()
		if err := pingWithin(t.Context(), newClient(t, addr, 3), 2*time.Second); err != nil {
			t.Fatalf("PING: %v", err)
		}
	})
	if addr == "" {
		t.Skip("inner test was skipped")
	}
	// The inner test's cleanup closed the server: the port refuses.
	if err := pingWithin(t.Context(), newClient(t, addr, 3), time.Second); err == nil {
		t.Fatalf("PING %s after the test's cleanup answered", addr)
	}
}

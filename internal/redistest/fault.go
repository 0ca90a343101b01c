package redistest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Pause freezes the server (Docker pause, or SIGSTOP for a process):
// connections stay open and new ones are accepted by the kernel, but no
// command is answered until Unpause. This is how a hung Redis looks.
// Pausing a paused server does nothing.
func (r *Redis) Pause(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return errClosed
	case r.stopped:
		return fmt.Errorf("redistest: pause: redis is stopped")
	case r.paused:
		return nil
	}
	if err := r.b.pause(ctx); err != nil {
		return fmt.Errorf("redistest: pause %s: %w", r.b.kind(), err)
	}
	r.paused = true
	return nil
}

// Unpause resumes a paused server. Unpausing a running server does nothing.
func (r *Redis) Unpause(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errClosed
	}
	if !r.paused {
		return nil
	}
	if err := r.b.unpause(ctx); err != nil {
		return fmt.Errorf("redistest: unpause %s: %w", r.b.kind(), err)
	}
	r.paused = false
	return nil
}

// Stop shuts the server down (SIGTERM, then SIGKILL after a few seconds):
// connections are closed and new ones are refused. A paused server is
// unpaused first. All data is lost: nothing is saved. Stopping a stopped
// server does nothing.
func (r *Redis) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return errClosed
	case r.stopped:
		return nil
	}
	if r.paused {
		if err := r.b.unpause(ctx); err != nil {
			return fmt.Errorf("redistest: stop: unpause %s: %w", r.b.kind(), err)
		}
		r.paused = false
	}
	if err := r.b.stop(ctx); err != nil {
		return fmt.Errorf("redistest: stop %s: %w", r.b.kind(), err)
	}
	r.stopped = true
	return nil
}

// Start starts a stopped server again on the same address and returns
// once it answers PING. Starting a running server does nothing.
func (r *Redis) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return errClosed
	case !r.stopped:
		return nil
	}
	if err := r.b.start(ctx); err != nil {
		return fmt.Errorf("redistest: start %s: %w", r.b.kind(), err)
	}
	r.stopped = false
	if err := r.waitReady(ctx); err != nil {
		return fmt.Errorf("redistest: start %s on %s: %w", r.b.kind(), r.addr, err)
	}
	return nil
}

// KillPubSub closes every connection in pub/sub mode (CLIENT KILL TYPE
// pubsub), RESP2 and RESP3 alike, and returns how many it closed.
// Subscribers see an error; go-redis then reconnects and subscribes again.
func (r *Redis) KillPubSub(ctx context.Context) (int64, error) {
	rdb := r.client()
	defer rdb.Close()
	n, err := rdb.ClientKillByFilter(ctx, "TYPE", "pubsub").Result()
	if err != nil {
		return 0, fmt.Errorf("redistest: client kill type pubsub: %w", err)
	}
	return n, nil
}

// FlushPrefix deletes every key that starts with prefix and returns how
// many it deleted. Use it between tests that share one server.
func (r *Redis) FlushPrefix(ctx context.Context, prefix string) (int64, error) {
	if prefix == "" {
		return 0, fmt.Errorf("redistest: flush prefix: empty prefix")
	}
	rdb := r.client()
	defer rdb.Close()
	var deleted int64
	iter := rdb.Scan(ctx, 0, escapeGlob(prefix)+"*", 500).Iterator()
	batch := make([]string, 0, 500)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := rdb.Unlink(ctx, batch...).Result()
		deleted += n
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return deleted, fmt.Errorf("redistest: flush prefix %q: %w", prefix, err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return deleted, fmt.Errorf("redistest: flush prefix %q: %w", prefix, err)
	}
	if err := flush(); err != nil {
		return deleted, fmt.Errorf("redistest: flush prefix %q: %w", prefix, err)
	}
	return deleted, nil
}

// client returns a short-lived admin client that fails fast instead of
// retrying.
func (r *Redis) client() *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:                  r.addr,
		MaxRetries:            -1,
		DialTimeout:           2 * time.Second,
		ReadTimeout:           5 * time.Second,
		WriteTimeout:          5 * time.Second,
		ContextTimeoutEnabled: true,
		PoolSize:              1,
	})
}

// escapeGlob quotes the characters that SCAN MATCH treats as a pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\^`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

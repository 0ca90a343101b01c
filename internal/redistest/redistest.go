package redistest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// ErrUnavailable is returned, wrapped with the reason, when no Redis can be
// started: no Docker and no redis-server binary (or not the one the
// configured backend needs).
var ErrUnavailable = errors.New("redis unavailable")

var errClosed = errors.New("redistest: redis is closed")

// Timeouts used when the caller's context has no deadline.
const (
	defaultStartTimeout = 2 * time.Minute
	defaultReadyTimeout = 30 * time.Second
	closeTimeout        = 30 * time.Second
)

// backend is one way of running redis-server; Redis keeps the state
// (paused, stopped) and calls these only when a change is needed.
type backend interface {
	kind() Backend
	pause(ctx context.Context) error
	unpause(ctx context.Context) error
	stop(ctx context.Context) error
	// start starts a stopped server again on the same port and returns once
	// it was launched; Redis then waits for a PING.
	start(ctx context.Context) error
	// alive returns an error once the server has exited on its own.
	alive(ctx context.Context) error
	close(ctx context.Context) error
}

// Redis is a running Redis server on 127.0.0.1. Its methods are safe for
// concurrent use.
type Redis struct {
	addr string

	mu      sync.Mutex
	b       backend
	paused  bool
	stopped bool
	closed  bool
}

// Start starts a Redis configured from the environment (see ConfigFromEnv)
// and returns once it answers PING. Close it when done.
func Start(ctx context.Context) (*Redis, error) {
	cfg, err := ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	return StartWith(ctx, cfg)
}

// StartWith starts a Redis as cfg says and returns once it answers PING.
// ctx bounds the start only (two minutes when it has no deadline); the
// server runs until Close. The error matches ErrUnavailable when neither
// Docker nor redis-server can be used.
func StartWith(ctx context.Context, cfg Config) (*Redis, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultStartTimeout)
		defer cancel()
	}

	b, addr, err := startBackend(ctx, cfg)
	if err != nil {
		return nil, err
	}
	r := &Redis{addr: addr, b: b}
	if err := r.waitReady(ctx); err != nil {
		cerr := r.Close()
		return nil, errors.Join(fmt.Errorf("redistest: %s redis on %s not ready: %w", b.kind(), addr, err), cerr)
	}
	return r, nil
}

// startBackend picks the backend and starts it.
func startBackend(ctx context.Context, cfg Config) (backend, string, error) {
	switch cfg.Backend {
	case BackendContainer:
		probe := probeDocker(ctx, cfg.Image)
		if probe.err != nil {
			return nil, "", fmt.Errorf("%w: no Docker engine reachable (%v)", ErrUnavailable, probe.err)
		}
		return startContainer(ctx, cfg, probe)
	case BackendProcess:
		path, err := exec.LookPath(cfg.Server)
		if err != nil {
			return nil, "", fmt.Errorf("%w: no redis-server binary (%v)", ErrUnavailable, err)
		}
		return startProcess(ctx, path)
	}

	// auto: a container when Docker answers and the image is already here
	// (no pull), else the binary, else a container with a pull.
	probe := probeDocker(ctx, cfg.Image)
	if probe.err == nil && probe.imagePresent {
		return startContainer(ctx, cfg, probe)
	}
	path, lookErr := exec.LookPath(cfg.Server)
	if lookErr == nil {
		probe.close()
		return startProcess(ctx, path)
	}
	if probe.err == nil {
		return startContainer(ctx, cfg, probe)
	}
	return nil, "", fmt.Errorf("%w: no Docker engine reachable (%v) and no redis-server binary (%v)", ErrUnavailable, probe.err, lookErr)
}

// New starts a Redis for t as Start does and closes it in t.Cleanup. When
// no Redis can be had it skips t, or fails it when CI=true; any other
// error fails t.
func New(t testing.TB) *Redis {
	t.Helper()
	r, err := Start(t.Context())
	if errors.Is(err, ErrUnavailable) {
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
			t.Errorf("close redis: %v", err)
		}
	})
	return r
}

// Addr returns the server's address, 127.0.0.1:port. It does not change
// across Stop and Start.
func (r *Redis) Addr() string { return r.addr }

// Kind returns "container" or "process": how the server runs.
func (r *Redis) Kind() string { return string(r.b.kind()) }

// Close stops and removes the server. It is safe to call more than once.
func (r *Redis) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	var errs []error
	if r.paused {
		// A frozen server cannot handle the stop signal.
		errs = append(errs, r.b.unpause(ctx))
		r.paused = false
	}
	errs = append(errs, r.b.close(ctx))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("redistest: close %s: %w", r.b.kind(), err)
	}
	return nil
}

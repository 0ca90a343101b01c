package conformance

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisFault faults the Redis the target's instances share. The instances reach Redis
// through a FaultProxy of the suite: for the built-in target the suite starts a Redis,
// the proxy and the instances itself; for an external one the instances are
// configured with REDIS_PROXY_LISTEN as their Redis address and the suite forwards it
// to REDIS_UPSTREAM.
//
//   - Pause holds every byte between the servers and Redis (connections stay open,
//     nothing is answered: a hung Redis) until Recover delivers it;
//   - Stop closes the connections and refuses new ones (a Redis that went away; its data
//     survives, as a restarted Redis with persistence would keep it) until Start;
//   - KillPubSub closes the pub/sub connections on Redis itself (CLIENT KILL TYPE
//     pubsub);
//   - Latency delays every byte both ways until Recover.
type RedisFault struct {
	proxy    *FaultProxy
	upstream string
}

// NewRedisFault proxies listen to the Redis at upstream.
func NewRedisFault(listen, upstream string) (*RedisFault, error) {
	p, err := NewFaultProxy(listen, upstream)
	if err != nil {
		return nil, err
	}
	return &RedisFault{proxy: p, upstream: upstream}, nil
}

// Addr is where the servers must connect to reach Redis through the fault.
func (f *RedisFault) Addr() string { return f.proxy.Addr() }

// Pause makes Redis hang.
func (f *RedisFault) Pause() error { return f.proxy.Hold() }

// Latency adds d each way between the servers and Redis.
func (f *RedisFault) Latency(d time.Duration) error { return f.proxy.Latency(d) }

// Recover ends Pause and Latency: what was held is delivered.
func (f *RedisFault) Recover() error { return f.proxy.Clear() }

// Stop cuts the servers off Redis: connections closed, new ones refused.
func (f *RedisFault) Stop() { f.proxy.Stop() }

// Start lets the servers reach Redis again after Stop.
func (f *RedisFault) Start() error { return f.proxy.Start() }

// KillPubSub closes every pub/sub connection on Redis and returns how many.
func (f *RedisFault) KillPubSub(ctx context.Context) (int64, error) {
	rdb := redis.NewClient(&redis.Options{Addr: f.upstream, MaxRetries: -1, DialTimeout: 2 * time.Second,
		ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, PoolSize: 1})
	defer rdb.Close()
	n, err := rdb.ClientKillByFilter(ctx, "TYPE", "pubsub").Result()
	if err != nil {
		return 0, fmt.Errorf("redis %s: client kill type pubsub: %w", f.upstream, err)
	}
	return n, nil
}

// Close removes the faults and stops the proxy.
func (f *RedisFault) Close() error { return f.proxy.Close() }

package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/redisstore"
)

// ErrUnreachable is returned by Connect when Redis does not answer.
var ErrUnreachable = errors.New("cluster: redis unreachable")

// ErrDegraded is what fail-fast calls return while Redis is unreachable.
var ErrDegraded = errors.New("cluster: redis degraded")

// Cluster is one instance's link to the shared Redis: the Socket.IO adapter
// for cross-instance broadcasts, the shared stores with their in-memory
// fallback, and the health of the link. Its methods are safe for concurrent use.
type Cluster struct {
	opts   Options
	log    *slog.Logger
	data   *redis.Client // commands, scripts, PUBLISH, PING
	sub    *redis.Client // the adapter's subscriptions
	shared store.Stores  // the Redis stores on data

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	health      health
	pub         *publisher
	stats       counters
	adapterOnce sync.Once
	adapter     socket.AdapterConstructor
	adapterErrs errorLog

	mu        sync.Mutex
	failovers []*failover
	closed    bool
}

// Connect connects to Redis and starts the health checks. It fails with
// ErrUnreachable when Redis does not answer a PING within ctx (or OpTimeout
// when ctx has no deadline). Close the Cluster when done.
func Connect(ctx context.Context, o Options) (*Cluster, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: o, log: o.Logger.With("component", "cluster", "instance", o.Instance)}
	installRedisLog(c.log)
	c.data = redis.NewClient(c.redisOptions(0))
	c.sub = redis.NewClient(c.redisOptions(o.DialBackoff))
	c.shared, err = redisstore.New(redisstore.Options{Client: c.data, Prefix: o.Prefix, PresenceTTL: o.PresenceTTL})
	if err != nil {
		c.closeClients()
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.OpTimeout)
		defer cancel()
	}
	if err := c.data.Ping(ctx).Err(); err != nil {
		c.closeClients()
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, o.Addr, err)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.health.init(c)
	c.pub = newPublisher(c)
	c.wg.Add(3)
	go c.healthLoop()
	go c.health.notifyLoop()
	go c.pub.run()
	return c, nil
}

// redisOptions returns the go-redis options of both clients: every call
// bounded by OpTimeout (the caller's deadline counts too), no command
// retries (a retried PUBLISH could arrive twice), one dial attempt.
func (c *Cluster) redisOptions(backoff time.Duration) *redis.Options {
	o := c.opts
	return &redis.Options{
		Addr:                  o.Addr,
		Password:              o.Password,
		Dialer:                dialer(o.OpTimeout, backoff, &c.stats.dialFailures),
		DialTimeout:           o.OpTimeout,
		DialerRetries:         1,
		ReadTimeout:           o.OpTimeout,
		WriteTimeout:          o.OpTimeout,
		ContextTimeoutEnabled: true,
		MaxRetries:            -1,
		PoolSize:              64,
		PoolTimeout:           o.OpTimeout,
		DisableIdentity:       true,
	}
}

// Instance returns this instance's name (Options.Instance or the generated one).
func (c *Cluster) Instance() string { return c.opts.Instance }

// Close stops the health checks and the publisher and closes the Redis
// connections; errors closing them are logged. Stores built by Stores then
// serve from their fallback. Close it after the Socket.IO servers that use
// its adapter. It is safe to call more than once.
func (c *Cluster) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	c.health.set(false, "closed")
	c.cancel()
	c.wg.Wait()
	if err := c.closeClients(); err != nil {
		c.log.Warn("closing redis clients", "err", err)
	}
}

func (c *Cluster) closeClients() error {
	return errors.Join(c.data.Close(), c.sub.Close())
}

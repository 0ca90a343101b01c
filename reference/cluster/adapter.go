package cluster

import (
	"sync"
	"time"

	sioredis "github.com/zishang520/socket.io/adapters/redis/v3"
	sioadapter "github.com/zishang520/socket.io/adapters/redis/v3/adapter"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// adapterRequestsTimeout bounds the adapter's cross-instance requests
// (fetchSockets, serverSideEmit with ack).
const adapterRequestsTimeout = 2 * time.Second

// AdapterConstructor returns the Socket.IO adapter for
// socket.ServerOptions.SetAdapter: the Redis pub/sub adapter of
// github.com/zishang520/socket.io/adapters/redis/v3, on channels under
// Options.Prefix, publishing through a queue so that local delivery comes
// first and never waits on Redis, and subscribing through a client whose
// failed dials back off so a dead Redis costs no CPU.
func (c *Cluster) AdapterConstructor() socket.AdapterConstructor {
	c.adapterOnce.Do(func() {
		rc := sioredis.NewRedisClientWithSub(c.ctx, c.pub, c.sub)
		_ = rc.On("error", c.onAdapterError)
		opts := sioadapter.DefaultRedisAdapterOptions()
		opts.SetKey(c.opts.Prefix + "socket.io")
		opts.SetRequestsTimeout(adapterRequestsTimeout)
		c.adapter = &sioadapter.RedisAdapterBuilder{Redis: rc, Opts: opts}
	})
	return c.adapter
}

// errorLog rate-limits the adapter's error log lines: while Redis is down its
// receive loops report an error per reconnect attempt.
type errorLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int64
}

const errorLogEvery = 5 * time.Second

func (c *Cluster) onAdapterError(args ...any) {
	c.stats.adapterErrors.Add(1)
	l := &c.adapterErrs
	l.mu.Lock()
	now := time.Now()
	if now.Sub(l.last) < errorLogEvery {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	l.mu.Unlock()
	var err any
	if len(args) > 0 {
		err = args[0]
	}
	c.log.Warn("redis adapter error", "err", err, "suppressed", n)
}

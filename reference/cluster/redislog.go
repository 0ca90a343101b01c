package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// goRedisLog receives go-redis's own log lines. go-redis logs every failed
// dial ("failed to dial after 1 attempts") through one process-wide logger,
// so while Redis is down each reconnect attempt would print a line; this
// logger forwards them to the newest Cluster's slog.Logger at most once per
// errorLogEvery, with the number it suppressed.
type goRedisLog struct {
	to         atomic.Pointer[slog.Logger]
	mu         sync.Mutex
	last       time.Time
	suppressed int64
}

var (
	redisLog     goRedisLog
	redisLogOnce sync.Once
)

// installRedisLog routes go-redis's logger to l; it replaces the logger of
// the whole process (go-redis has only one).
func installRedisLog(l *slog.Logger) {
	redisLog.to.Store(l)
	redisLogOnce.Do(func() { redis.SetLogger(&redisLog) })
}

func (g *goRedisLog) Printf(_ context.Context, format string, v ...any) {
	g.mu.Lock()
	now := time.Now()
	if now.Sub(g.last) < errorLogEvery {
		g.suppressed++
		g.mu.Unlock()
		return
	}
	n := g.suppressed
	g.last, g.suppressed = now, 0
	g.mu.Unlock()
	if l := g.to.Load(); l != nil {
		l.Warn("go-redis", "msg", fmt.Sprintf(format, v...), "suppressed", n)
	}
}

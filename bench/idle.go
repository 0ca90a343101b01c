package bench

import (
	"context"
	"time"
)

// idleWarmup is the number of connections opened before the idle measure.
const idleWarmup = 50

// idle opens n connections and returns the server's RSS growth per connection,
// and, when the server serves pprof, its goroutines per connection. With profile
// set it saves heap profiles before and after (profile+".before.heap.pprof",
// profile+".heap.pprof": go tool pprof -diff_base).
//
// A warm-up of idleWarmup connections, open during the measure but not counted,
// comes first: the first connections fault in code pages and fill pools once per
// process (several MiB in both servers), which is not a per-connection cost.
func (c *client) idle(ctx context.Context, pid, n int, t target, profile string) (int64, float64, error) {
	warm, err := c.dialAll(ctx, idleWarmup, nil)
	if err != nil {
		return 0, 0, err
	}
	defer closeAll(warm)
	time.Sleep(time.Second)
	if profile != "" {
		if err := fetch(ctx, t.pprof+"heap?gc=1", profile+".before.heap.pprof"); err != nil {
			return 0, 0, err
		}
	}
	g0, _ := goroutines(ctx, t.pprof)
	before, err := rss(pid)
	if err != nil {
		return 0, 0, err
	}
	c.userOffset = idleWarmup
	conns, err := c.dialAll(ctx, n, nil)
	if err != nil {
		return 0, 0, err
	}
	defer closeAll(conns)
	// Let the server finish the handshakes' allocations before reading RSS.
	time.Sleep(2 * time.Second)
	after, err := rss(pid)
	if err != nil {
		return 0, 0, err
	}
	g1, _ := goroutines(ctx, t.pprof)
	if profile != "" {
		if err := fetch(ctx, t.pprof+"heap?gc=1", profile+".heap.pprof"); err != nil {
			return 0, 0, err
		}
	}
	return (after - before) / int64(n), float64(g1-g0) / float64(n), nil
}

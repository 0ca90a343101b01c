package cluster

import (
	"context"
	"net"
	"sync/atomic"
	"time"
)

// dialer returns a go-redis Dialer that, after a failed dial, waits backoff
// (or until ctx ends) before it returns the error. go-redis's pub/sub
// reconnects without any pause, so without this the adapter's receive loops
// burn a core while Redis is down (facts note, item 6).
func dialer(timeout, backoff time.Duration, failures *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err == nil {
			return conn, nil
		}
		failures.Add(1)
		if backoff > 0 {
			t := time.NewTimer(backoff)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
		return nil, err
	}
}

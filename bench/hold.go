package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/sioconn"
)

// Hold is the outcome of holding many idle connections to one server.
type Hold struct {
	Server    string        `json:"server"`
	Wanted    int           `json:"wanted"`
	Connected int           `json:"connected"`
	Failed    int           `json:"failed"`
	FirstErr  string        `json:"firstError,omitempty"`
	Connect   time.Duration `json:"connectTime"`
	HeldFor   time.Duration `json:"heldFor"`
	// Alive is how many were still open after HeldFor (heartbeats included).
	Alive int `json:"alive"`
	// RSS is the server's resident set once connected, RSSEnd after HeldFor.
	RSS    int64 `json:"rssBytes"`
	RSSEnd int64 `json:"rssEndBytes"`
	// RSSBase is the server's RSS before the first connection.
	RSSBase int64 `json:"rssBaseBytes"`
}

// holdOn starts a fresh process of t and holds o.Hold idle connections to it,
// o.Parallel dials in flight; failures are counted, not fatal.
func holdOn(ctx context.Context, o Options, t target, secret, ns string) (Hold, error) {
	h := Hold{Server: t.name, Wanted: o.Hold, HeldFor: o.HoldFor}
	srv, err := t.start(ctx, o, "hold")
	if err != nil {
		return h, err
	}
	defer srv.stop()
	c := &client{contract: o.Contract, url: "http://" + t.addr(), namespace: ns,
		tokens: token.NewSecret([]byte(secret)), run: "hold" + randomHex(4), soloWorkspaces: true}
	if h.RSSBase, err = rss(srv.pid()); err != nil {
		return h, err
	}
	conns := make([]*sioconn.Conn, o.Hold)
	var failed atomic.Int64
	var firstErr error
	var mu sync.Mutex
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range o.Hold {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			conn, err := c.dial(ctx, fmt.Sprintf("h%d", i), nil)
			if err != nil {
				failed.Add(1)
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("connection %d: %w", i, err)
				}
				mu.Unlock()
				return
			}
			conns[i] = conn
		}()
	}
	wg.Wait()
	h.Connect = time.Since(t0)
	defer closeAll(conns)
	h.Failed = int(failed.Load())
	h.Connected = o.Hold - h.Failed
	if firstErr != nil {
		h.FirstErr = firstErr.Error()
	}
	time.Sleep(2 * time.Second)
	if h.RSS, err = rss(srv.pid()); err != nil {
		return h, err
	}
	select {
	case <-time.After(o.HoldFor):
	case <-ctx.Done():
		return h, ctx.Err()
	}
	for _, conn := range conns {
		if conn != nil && conn.Err() == nil {
			h.Alive++
		}
	}
	h.RSSEnd, err = rss(srv.pid())
	if h.Connected == 0 && err == nil {
		err = errors.New("no connection succeeded: " + h.FirstErr)
	}
	return h, err
}

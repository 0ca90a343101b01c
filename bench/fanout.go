package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

// fanout joins members connections to one conversation, sends messages from the first
// one and waits until every other member received each; it returns the deliveries and
// the server CPU time of the sending phase alone (connects and joins excluded: they
// carry presence broadcasts that the Node server does not make).
func (c *client) fanout(ctx context.Context, pid, members, messages int) (int64, time.Duration, error) {
	newMsg := c.contract.ByRole(spec.MessageNew).Name
	var got atomic.Int64
	conns, err := c.dialAll(ctx, members, func(int) map[string]sioconn.Handler {
		return map[string]sioconn.Handler{newMsg: func([]json.RawMessage) { got.Add(1) }}
	})
	if err != nil {
		return 0, 0, err
	}
	defer closeAll(conns)
	conv := "conv_fanout_" + c.run
	join := c.contract.ByRole(spec.JoinConversation)
	for _, conn := range conns {
		if _, err := conn.EmitWithAck(ctx, join.Name, map[string]any{"conversationId": conv}); err != nil {
			return 0, 0, fmt.Errorf("join: %w", err)
		}
	}
	got.Store(0)
	cpu0, err := cpuTime(pid)
	if err != nil {
		return 0, 0, err
	}
	for n := range messages {
		if err := c.send(ctx, conns[0], conv, int64(n)); err != nil {
			return 0, 0, err
		}
	}
	want := int64((members - 1) * messages)
	deadline := time.Now().Add(30 * time.Second)
	for got.Load() < want {
		if time.Now().After(deadline) {
			return got.Load(), 0, fmt.Errorf("fanout: %d of %d deliveries after 30 s", got.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cpu1, err := cpuTime(pid)
	return got.Load(), cpu1 - cpu0, err
}

// idle opens n connections and returns the server's RSS growth per connection.
func (c *client) idle(ctx context.Context, pid, n int) (int64, error) {
	before, err := rss(pid)
	if err != nil {
		return 0, err
	}
	conns, err := c.dialAll(ctx, n, nil)
	if err != nil {
		return 0, err
	}
	defer closeAll(conns)
	// Let the server finish the handshakes' allocations before reading RSS.
	time.Sleep(2 * time.Second)
	after, err := rss(pid)
	if err != nil {
		return 0, err
	}
	return (after - before) / int64(n), nil
}

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
// carry presence broadcasts that the Node server does not make). With profile set
// it saves a CPU profile of the server, sending on past messages until the
// profile is taken.
func (c *client) fanout(ctx context.Context, pid, members, messages int, t target, profile string) (int64, time.Duration, error) {
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
	var prof <-chan error
	if profile != "" {
		prof = cpuProfile(ctx, t.pprof, 5, profile)
	}
	sent := 0
	for ; sent < messages || (prof != nil && len(prof) == 0); sent++ {
		if err := c.send(ctx, conns[0], conv, int64(sent)); err != nil {
			return 0, 0, err
		}
	}
	if prof != nil {
		if err := <-prof; err != nil {
			return 0, 0, err
		}
	}
	want := int64((members - 1) * sent)
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

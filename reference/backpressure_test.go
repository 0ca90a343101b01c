package reference

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

func TestSlowConsumerIsDroppedOthersUnaffected(t *testing.T) {
	h := start(t, func(c *Config) { c.NoRateLimits = true; c.OutboundBufferPackets = 64 })
	id := "conv_slow"
	stuck := h.raw(t, agent("stuck"), "/app", 4096)
	stuck.call(1, fmt.Sprintf(`[%q,{"conversationId":%q}]`, h.name(spec.JoinConversation), id))
	// from here on nobody reads stuck's socket
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	text := strings.Repeat("x", h.c.Limits.MaxTextLength)
	const n = 1500
	var worst time.Duration
	for i := 0; i < n && h.srv.localSockets() == 3; i++ {
		t0 := time.Now()
		if ev, _ := a.ack(spec.SendMessage, sendPayload(fmt.Sprintf("s-%d", i), id, text)); ev != h.name(spec.MessageSent) {
			t.Fatalf("send %d answered %s", i, ev)
		}
		worst = max(worst, time.Since(t0))
	}
	waitUntil(t, func() bool { return h.srv.localSockets() == 2 }) // the stuck one is gone
	sent := a.count(spec.MessageSent, nil)
	for i := 0; i < sent; i++ {
		b.wait(spec.MessageNew, field("messageId", fmt.Sprintf("s-%d", i)))
	}
	if worst > time.Second {
		t.Fatalf("a reply took %v while a member was stuck", worst)
	}
	t.Logf("stuck consumer dropped after %d messages; slowest reply %v", sent, worst)
}

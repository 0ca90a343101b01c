package reference

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// TestChurnReturnsToBaseline connects and disconnects sockets that join rooms and
// type, then checks that goroutines, rooms, sessions and presence come back to
// where they were, and that nothing outlives Shutdown.
func TestChurnReturnsToBaseline(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the server's Shutdown
	h := start(t, func(c *Config) { c.NoRateLimits = true })
	watcher := h.connect(agent("watcher"), "/app")
	watcher.barrier()
	base := runtime.NumGoroutine()
	for round := 0; round < 5; round++ {
		var cs []*client
		for i := 0; i < 20; i++ {
			c := h.connect(agent(fmt.Sprintf("u%d", i)), []string{"/app", "/agent"}[i%2])
			c.ack(spec.JoinConversation, map[string]any{"conversationId": fmt.Sprintf("conv_churn%d", i%3)})
			c.ack(spec.TypingStart, map[string]any{"conversationId": fmt.Sprintf("conv_churn%d", i%3)})
			cs = append(cs, c)
		}
		for _, c := range cs {
			_ = c.conn.Close()
		}
	}
	waitUntil(t, func() bool { return h.srv.localSockets() == 1 })
	waitUntil(t, func() bool { return h.srv.activeRooms() == 4 }) // the watcher's user, workspace, role, tenant
	// Presence is updated after the socket is gone from the session map: wait for it too.
	var online []store.PresenceEntry
	var err error
	waitUntil(t, func() bool {
		online, err = h.srv.st.Presence.Online(t.Context(), "ten_a")
		return err == nil && len(online) == 1
	})
	if err != nil || len(online) != 1 {
		t.Fatalf("online after churn: %v %v", online, err)
	}
	deadline := time.Now().Add(waitFor)
	for runtime.NumGoroutine() > base+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+2 {
		t.Fatalf("%d goroutines after churn, %d before", n, base)
	}
}

package reference

import (
	"testing"

	"github.com/utalk/rtconform/spec"
)

func TestPresenceLifecycle(t *testing.T) {
	h := start(t)
	watcher := h.connect(user{id: "boss", role: "admin", tenant: "ten_a", ws: "ws_1"}, "/admin")
	tab1 := h.connect(agent("ana"), "/app")
	up := watcher.wait(spec.UserConnected, field("userId", "ana"))
	if up["email"] != "ana@example.com" {
		t.Fatalf("user:connected %v", up)
	}
	watcher.wait(spec.PresenceUpdate, func(m map[string]any) bool { return m["userId"] == "ana" && m["status"] == "online" })
	tab2 := h.connect(agent("ana"), "/agent")
	_ = tab1.conn.Close()
	settle(tab2, watcher)
	if n := watcher.count(spec.UserDisconnected, field("userId", "ana")); n != 0 {
		t.Fatal("offline while a second tab is open")
	}
	if n := watcher.count(spec.UserConnected, field("userId", "ana")); n != 1 {
		t.Fatalf("user:connected %d times for two tabs", n)
	}
	_ = tab2.conn.Close()
	watcher.wait(spec.UserDisconnected, field("userId", "ana"))
	watcher.wait(spec.PresenceUpdate, func(m map[string]any) bool { return m["userId"] == "ana" && m["status"] == "offline" })
	other := h.connect(user{id: "x", role: "admin", tenant: "ten_b", ws: "ws_1"}, "/admin")
	settle(other)
	if n := other.count(spec.UserConnected, field("userId", "ana")); n != 0 {
		t.Fatal("presence crossed tenants")
	}
}

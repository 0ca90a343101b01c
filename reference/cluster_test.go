package reference

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// twoInstances starts two servers sharing one real Redis under a fresh prefix.
func twoInstances(t *testing.T) (*harness, *harness) {
	r := redistest.New(t)
	redis, err := RedisFromAddr(r.Addr(), "", redistest.Prefix(t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	shared := func(c *Config) { c.Stores, c.Redis = store.Stores{}, redis }
	return start(t, shared), start(t, shared)
}

func TestCrossInstance(t *testing.T) {
	h1, h2 := twoInstances(t)
	a, b := h1.connect(agent("ana"), "/app"), h2.connect(agent("beto"), "/app")
	id := "conv_cluster"
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	_, sent := a.ack(spec.SendMessage, sendPayload("x-1", id, "hola"))
	if m := b.wait(spec.MessageNew, field("messageId", "x-1")); m["id"] != sent["id"] {
		t.Fatalf("message:new on the other instance %v", m)
	}
	// dedup when the retry lands on the other instance
	a2 := h2.connect(agent("ana"), "/app")
	if _, again := a2.ack(spec.SendMessage, sendPayload("x-1", id, "hola")); again["id"] != sent["id"] || again["duplicate"] != true {
		t.Fatalf("cross-instance retry %v, first %v", again, sent)
	}
	settle(a2, a, b)
	if n := b.count(spec.MessageNew, field("messageId", "x-1")); n != 1 {
		t.Fatalf("%d message:new for one messageId across instances", n)
	}
	resp, err := http.Get(h1.url + "/health/socket")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`"redis":{"connected":true,"status":"ok"}`)) {
		t.Fatalf("health %s", body)
	}
}

func TestPresenceAcrossInstances(t *testing.T) {
	h1, h2 := twoInstances(t)
	watcher := h1.connect(user{id: "boss", role: "admin", tenant: "ten_a", ws: "ws_1"}, "/admin")
	tab1 := h1.connect(agent("ana"), "/app")
	watcher.wait(spec.UserConnected, field("userId", "ana"))
	tab2 := h2.connect(agent("ana"), "/app")
	_ = tab1.conn.Close()
	settle(tab2, watcher)
	if n := watcher.count(spec.UserDisconnected, field("userId", "ana")); n != 0 {
		t.Fatal("offline while a tab is open on the other instance")
	}
	_ = tab2.conn.Close()
	watcher.wait(spec.UserDisconnected, field("userId", "ana"))
}

func TestControlAcrossInstances(t *testing.T) {
	h1, h2 := twoInstances(t)
	here, there := h1.connect(agent("ana"), "/app"), h2.connect(agent("ana"), "/agent")
	if status, d := h1.post("/control/drop", map[string]any{"tenantId": "ten_a", "userId": "ana"}); status != 200 || d["sockets"] != float64(2) {
		t.Fatalf("drop across instances: %d %v", status, d)
	}
	<-here.conn.Done()
	<-there.conn.Done()
	h2.connect(agent("beto"), "/app")
	if status, d := h1.post("/control/expel", map[string]any{"tenantId": "ten_a", "userId": "beto", "reason": "r",
		"message": "m"}); status != 200 || d["sockets"] != float64(1) {
		t.Fatalf("expel across instances: %d %v", status, d)
	}
}

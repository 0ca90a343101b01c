package reference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// twoInstances starts two servers sharing one real Redis under a fresh prefix.
func twoInstances(t *testing.T) (*harness, *harness) {
	h1, h2, _ := twoInstancesRedis(t)
	return h1, h2
}

func twoInstancesRedis(t *testing.T, mods ...func(*Config)) (*harness, *harness, *redistest.Redis) {
	r := redistest.New(t)
	redis, err := RedisFromAddr(r.Addr(), "", redistest.Prefix(t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	mods = append([]func(*Config){func(c *Config) { c.Stores, c.Redis = store.Stores{}, redis }}, mods...)
	return start(t, mods...), start(t, mods...), r
}

func health(t *testing.T, h *harness) string {
	resp, err := http.Get(h.url + "/health/socket")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Status string `json:"status"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&d)
	return d.Status
}

// TestRedisOutage: with Redis stopped an instance keeps serving its own sockets
// quickly and reports degraded; when Redis returns, health and cross-instance
// delivery come back by themselves, and nothing is delivered twice.
func TestRedisOutage(t *testing.T) {
	h1, h2, r := twoInstancesRedis(t)
	a, b := h1.connect(agent("ana"), "/app"), h1.connect(agent("beto"), "/app")
	far := h2.connect(agent("carla"), "/app")
	id := "conv_outage"
	for _, c := range []*client{b, far} {
		c.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	}
	if err := r.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return health(t, h1) == "degraded" })
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		if ev, _ := a.ack(spec.SendMessage, sendPayload(fmt.Sprintf("down-%d", i), id, "x")); ev != h1.name(spec.MessageSent) {
			t.Fatalf("send while Redis is down answered %s", ev)
		}
		if d := time.Since(t0); d > 200*time.Millisecond {
			t.Fatalf("reply took %v while Redis is down", d)
		}
		b.wait(spec.MessageNew, field("messageId", fmt.Sprintf("down-%d", i)))
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return health(t, h1) == "healthy" && health(t, h2) == "healthy" })
	deadline := time.Now().Add(waitFor)
	for i := 0; ; i++ { // cross-instance delivery resumes by itself
		mid := fmt.Sprintf("up-%d", i)
		a.ack(spec.SendMessage, sendPayload(mid, id, "x"))
		settle(a, far)
		if far.count(spec.MessageNew, field("messageId", mid)) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cross-instance delivery did not resume")
		}
	}
	settle(a, b)
	for i := 0; i < 5; i++ {
		if n := b.count(spec.MessageNew, field("messageId", fmt.Sprintf("down-%d", i))); n != 1 {
			t.Fatalf("down-%d delivered %d times", i, n)
		}
	}
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

package reference

import (
	"fmt"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

func TestIsolationAcrossTenantsAndWorkspaces(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	otherWS := h.connect(user{id: "wsb", role: "agent", tenant: "ten_a", ws: "ws_2"}, "/app")
	otherTenant := h.connect(user{id: "tb", role: "agent", tenant: "ten_b", ws: "ws_1"}, "/app")
	id := conv("+15551234567")
	a.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	// another workspace of the same tenant: the conversation exists, access denied
	for _, r := range []spec.Role{spec.JoinConversation, spec.TypingStart} {
		if _, d := otherWS.ack(r, map[string]any{"conversationId": id}); d["code"] != string(spec.CodeAccessDenied) {
			t.Fatalf("other workspace %s: %v", r, d)
		}
	}
	if _, d := otherWS.ack(spec.SendMessage, sendPayload("x1", id, "hola")); errCode(d) != string(spec.CodeAccessDenied) {
		t.Fatalf("other workspace send: %v", d)
	}
	// another tenant with the same id gets a conversation of its own
	otherTenant.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	_, mine := a.ack(spec.SendMessage, sendPayload("iso-1", id, "solo ten_a"))
	_, theirs := otherTenant.ack(spec.SendMessage, sendPayload("iso-1", id, "solo ten_b"))
	if mine["seq"] != float64(1) || theirs["seq"] != float64(1) {
		t.Fatalf("tenants share a conversation: %v %v", mine, theirs)
	}
	settle(a, otherTenant, otherWS)
	for _, c := range []*client{otherWS, otherTenant} {
		if n := c.count(spec.MessageNew, field("id", mine["id"])); n != 0 {
			t.Fatalf("%d message:new crossed the boundary", n)
		}
	}
	if n := a.count(spec.MessageNew, field("id", theirs["id"])); n != 0 {
		t.Fatal("tenant b's message reached tenant a")
	}
	if n := otherWS.count(spec.ConversationNew, nil); n != 0 {
		t.Fatal("conversation:new reached another workspace")
	}
}

func TestJoinLeave(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := "conv_jl"
	_, d := b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	if d["lastSeq"] != float64(0) {
		t.Fatalf("joined %v", d)
	}
	if ev, _ := b.ack(spec.LeaveConversation, map[string]any{"conversationId": id}); ev != h.name(spec.LeftConversation) {
		t.Fatalf("leave answered %s", ev)
	}
	a.ack(spec.SendMessage, sendPayload("after-leave", id, "x"))
	settle(a, b)
	if n := b.count(spec.MessageNew, nil); n != 0 {
		t.Fatal("message:new after leave:conversation")
	}
	if _, d := b.ack(spec.LeaveConversation, map[string]any{"conversationId": "conv_missing"}); d["code"] != string(spec.CodeAccessDenied) {
		t.Fatalf("leave of a missing conversation: %v", d)
	}
}

func TestRoomFull(t *testing.T) {
	h := start(t)
	limit := h.c.Limits.MaxUsersPerRoom
	id := "conv_full"
	for i := 0; i < limit; i++ {
		u := agent(fmt.Sprintf("u%03d", i))
		if _, _, err := h.srv.st.Conversations.Create(t.Context(), newConversation(u.tenant, u.ws, id, u.id, time.Now())); err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.st.Conversations.AddMember(t.Context(), u.tenant, id, u.id, limit); err != nil {
			t.Fatal(err)
		}
	}
	late := h.connect(agent("late"), "/app")
	if _, d := late.ack(spec.JoinConversation, map[string]any{"conversationId": id}); d["code"] != string(spec.CodeRoomFull) {
		t.Fatalf("join of a full room: %v", d)
	}
	if _, d := late.ack(spec.SendMessage, sendPayload("full", id, "x")); errCode(d) != string(spec.CodeRoomFull) {
		t.Fatalf("send to a full room: %v", d)
	}
	member := h.connect(agent("u000"), "/app")
	if ev, _ := member.ack(spec.SendMessage, sendPayload("ok", id, "x")); ev != h.name(spec.MessageSent) {
		t.Fatalf("a member's send answered %s", ev)
	}
}

func TestTypingRelayAndTimeout(t *testing.T) {
	h := start(t, func(c *Config) { c.TypingTimeout = 300 * time.Millisecond })
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := "conv_typing"
	a.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	if _, d := a.ack(spec.TypingStart, map[string]any{"conversationId": id}); d["typing"] != true {
		t.Fatalf("typing:acknowledged %v", d)
	}
	on := b.wait(spec.TypingUpdate, field("typing", true))
	if on["userId"] != "ana" || on["expiresAt"] == nil {
		t.Fatalf("typing:update %v", on)
	}
	start := time.Now()
	b.wait(spec.TypingUpdate, field("typing", false)) // by itself
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("typing stopped after %v, before the timeout", d)
	}
	a.ack(spec.TypingStart, map[string]any{"conversationId": id})
	b.wait(spec.TypingUpdate, field("typing", true))
	if _, d := a.ack(spec.TypingStop, map[string]any{"conversationId": id}); d["typing"] != false {
		t.Fatalf("typing:acknowledged %v", d)
	}
	b.wait(spec.TypingUpdate, field("typing", false))
	settle(a)
	if n := a.count(spec.TypingUpdate, nil); n != 0 {
		t.Fatal("the typing socket got its own typing:update")
	}
}

func TestReadUnknownMessage(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	a.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_r"})
	_, d := a.ack(spec.ReadConversation, map[string]any{"conversationId": "conv_r", "messageId": "msg_nope"})
	if d["code"] != string(spec.CodeValidationError) {
		t.Fatalf("read of an unknown message: %v", d)
	}
}

package reference

import (
	"fmt"
	"testing"

	"github.com/utalk/rtconform/spec"
)

func TestSyncCursorsPagingAndGaps(t *testing.T) {
	h := start(t, func(c *Config) { c.Retention = 30; c.NoRateLimits = true })
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := "conv_sync"
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	for i := 1; i <= 40; i++ {
		a.ack(spec.SendMessage, sendPayload(fmt.Sprintf("s-%d", i), id, "x"))
	}
	_, d := b.ack(spec.SyncState, map[string]any{"syncId": "sy-1", "limit": 4,
		"cursors": []any{map[string]any{"conversationId": id, "afterSeq": 0}}})
	if d["syncId"] != "sy-1" || d["hasMore"] != true {
		t.Fatalf("state:synced %v", d)
	}
	msgs := d["messages"].([]any)
	if len(msgs) != 4 || msgs[0].(map[string]any)["seq"] != float64(11) {
		t.Fatalf("first page %v", msgs)
	}
	gaps := d["gaps"].([]any)
	if g := gaps[0].(map[string]any); g["fromSeq"] != float64(1) || g["toSeq"] != float64(10) {
		t.Fatalf("gap %v, want 1..10 (retention 30 of 40)", g)
	}
	convs := d["conversations"].([]any)
	if c := convs[0].(map[string]any); c["lastSeq"] != float64(40) || c["oldestSeq"] != float64(11) || c["unreadCount"] != float64(40) {
		t.Fatalf("conversation entry %v", c)
	}
	// page through the rest
	after, got := float64(14), 4
	for {
		_, d = b.ack(spec.SyncState, map[string]any{"syncId": "sy-2", "limit": 10,
			"cursors": []any{map[string]any{"conversationId": id, "afterSeq": after}}})
		page := d["messages"].([]any)
		for _, m := range page {
			seq := m.(map[string]any)["seq"].(float64)
			if seq != after+1 {
				t.Fatalf("seq %v after %v: a gap", seq, after)
			}
			after = seq
		}
		got += len(page)
		if d["hasMore"] != true {
			break
		}
	}
	if got != 30 || after != 40 {
		t.Fatalf("paged %d messages up to %v, want 30 up to 40", got, after)
	}
}

func TestSyncLastSyncAndState(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := "conv_ls"
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	a.ack(spec.SendMessage, sendPayload("old", id, "x"))
	_, st := b.ack(spec.SyncState, map[string]any{"syncId": "s0"})
	if len(st["messages"].([]any)) != 0 {
		t.Fatalf("state only: %v", st["messages"])
	}
	online := st["onlineUsers"].([]any)
	if len(online) != 2 {
		t.Fatalf("onlineUsers %v", online)
	}
	a.ack(spec.SendMessage, sendPayload("new", id, "y"))
	_, d := b.ack(spec.SyncState, map[string]any{"syncId": "s1", "lastSync": st["serverTime"]})
	msgs := d["messages"].([]any)
	if len(msgs) != 1 || msgs[0].(map[string]any)["messageId"] != "new" {
		t.Fatalf("lastSync messages %v", msgs)
	}
	if d["unreadCounts"].(map[string]any)[id] != float64(2) {
		t.Fatalf("unreadCounts %v", d["unreadCounts"])
	}
}

func TestSyncCursorOfAnotherWorkspaceIsSilent(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	a.ack(spec.SendMessage, sendPayload("m", "conv_private", "x"))
	other := h.connect(user{id: "eve", role: "agent", tenant: "ten_a", ws: "ws_2"}, "/app")
	_, d := other.ack(spec.SyncState, map[string]any{"syncId": "s",
		"cursors": []any{map[string]any{"conversationId": "conv_private", "afterSeq": 0}}})
	if len(d["messages"].([]any)) != 0 || d["gaps"] != nil {
		t.Fatalf("another workspace's cursor answered %v", d)
	}
}

//go:build negativecontrols

package reference

import (
	"testing"

	"github.com/utalk/rtconform/spec"
)

func mutated(t *testing.T, m Mutation) *harness {
	return start(t, func(c *Config) { c.Mutations = []Mutation{m} })
}

func TestMutationsBreakWhatTheyClaim(t *testing.T) {
	t.Run("no dedup", func(t *testing.T) {
		h := mutated(t, MutationNoDedup)
		a := h.connect(agent("ana"), "/app")
		_, x := a.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola"))
		_, y := a.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola"))
		if x["id"] == y["id"] || y["messageId"] != "m" {
			t.Fatalf("retry deduplicated: %v %v", x, y)
		}
	})
	t.Run("dedup per socket", func(t *testing.T) {
		h := mutated(t, MutationDedupPerSocket)
		a, a2 := h.connect(agent("ana"), "/app"), h.connect(agent("ana"), "/app")
		_, x := a.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola"))
		_, same := a.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola"))
		_, y := a2.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola"))
		if x["id"] != same["id"] || x["id"] == y["id"] {
			t.Fatalf("per-socket dedup: %v %v %v", x, same, y)
		}
	})
	t.Run("wrong error code", func(t *testing.T) {
		h := mutated(t, MutationWrongErrorCode)
		a := h.connect(agent("ana"), "/app")
		if _, d := a.ack(spec.JoinConversation, map[string]any{}); d["code"] != string(spec.CodeInvalidEvent) {
			t.Fatalf("answer %v", d)
		}
	})
	t.Run("tenant leak", func(t *testing.T) {
		h := mutated(t, MutationTenantLeak)
		a := h.connect(agent("ana"), "/app")
		b := h.connect(user{id: "eve", role: "agent", tenant: "ten_b", ws: "ws_1"}, "/app")
		b.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_x"})
		a.ack(spec.SendMessage, sendPayload("m", "conv_x", "secreto"))
		b.wait(spec.MessageNew, field("messageId", "m"))
	})
	t.Run("no rate limit", func(t *testing.T) {
		h := mutated(t, MutationNoRateLimit)
		a := h.connect(agent("ana"), "/app")
		for i := 0; i <= h.c.ByRole(spec.SyncState).RateLimit.Limit; i++ {
			if ev, _ := a.ack(spec.SyncState, map[string]any{"syncId": "s"}); ev != h.name(spec.StateSynced) {
				t.Fatalf("sync %d answered %s", i, ev)
			}
		}
	})
	t.Run("uncorrelated replies", func(t *testing.T) {
		h := mutated(t, MutationUncorrelatedReplies)
		a := h.connect(agent("ana"), "/app")
		if _, d := a.ack(spec.SendMessage, sendPayload("m", "conv_x", "hola")); d["messageId"] == "m" {
			t.Fatalf("reply still correlated: %v", d)
		}
	})
}

func TestMutationLoseAfterRedisRecovery(t *testing.T) {
	h1, _, r := twoInstancesRedis(t, func(c *Config) { c.Mutations = []Mutation{MutationLoseAfterRedisRecovery} })
	a := h1.connect(agent("ana"), "/app")
	a.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_lost"})
	if err := r.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return health(t, h1) == "degraded" })
	if ev, _ := a.ack(spec.SendMessage, sendPayload("lost", "conv_lost", "x")); ev != h1.name(spec.MessageSent) {
		t.Fatalf("send answered %s", ev)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return health(t, h1) == "healthy" })
	_, d := a.ack(spec.SyncState, map[string]any{"syncId": "s",
		"cursors": []any{map[string]any{"conversationId": "conv_lost", "afterSeq": 0}}})
	if n := len(d["messages"].([]any)); n != 0 {
		t.Fatalf("the mutation kept %d messages", n)
	}
}

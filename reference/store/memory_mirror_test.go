package store_test

import (
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

func TestMirror(t *testing.T) {
	s := store.NewMemory()
	mirror, ok := store.MirrorOf(s)
	if !ok {
		t.Fatal("memory stores have no Mirror")
	}
	ctx := t.Context()
	mirror.MirrorConversation(&store.Conversation{TenantID: "t", ID: "c", WorkspaceID: "w", LastSeq: 7})
	text := "hola"
	mirror.MirrorMessage(&store.Message{TenantID: "t", ID: "msg_a", MessageID: "k1", ConversationID: "c",
		Seq: 8, Text: &text, Status: "sent", Fingerprint: "f"}, time.Hour, 0)

	c, err := s.Conversations.Get(ctx, "t", "c")
	if err != nil || c.LastSeq != 8 || c.LastMessage == nil || c.LastMessage.ID != "msg_a" {
		t.Fatalf("conversation after mirroring = %+v, %v; want LastSeq 8, last msg_a", c, err)
	}
	// A standalone append continues from the mirrored seq and knows the key.
	got, dup, err := s.Messages.Append(ctx, &store.Message{TenantID: "t", MessageID: "k1", ConversationID: "c", Fingerprint: "f"}, time.Hour, 0)
	if err != nil || !dup || got.ID != "msg_a" {
		t.Fatalf("retry of a mirrored key = %+v dup %v, %v", got, dup, err)
	}
	got, _, err = s.Messages.Append(ctx, &store.Message{TenantID: "t", MessageID: "k2", ConversationID: "c", Fingerprint: "g"}, time.Hour, 0)
	if err != nil || got.Seq != 9 {
		t.Fatalf("standalone append = %+v, %v; want seq 9", got, err)
	}
	// The shared store renumbers it (seq 10) and the mirror moves it; seq 9
	// now holds another instance's message.
	moved := got.Clone()
	moved.Seq = 10
	mirror.MirrorMessage(moved, time.Hour, 0)
	other := &store.Message{TenantID: "t", ID: "msg_o", MessageID: "k3", ConversationID: "c", Seq: 9, Fingerprint: "h"}
	mirror.MirrorMessage(other, time.Hour, 0)
	ms, oldest, err := s.Messages.After(ctx, "t", "c", 0, 0)
	if err != nil || oldest != 8 || len(ms) != 3 || ms[1].ID != "msg_o" || ms[2].ID != got.ID {
		t.Fatalf("After = %d messages oldest %d, %v; want msg_a, msg_o, %s", len(ms), oldest, err, got.ID)
	}
	// Mirroring an older copy of the conversation does not move LastSeq back.
	mirror.MirrorConversation(&store.Conversation{TenantID: "t", ID: "c", WorkspaceID: "w", LastSeq: 5, Status: "closed"})
	c, _ = s.Conversations.Get(ctx, "t", "c")
	if c.LastSeq != 10 || c.Status != "closed" {
		t.Fatalf("after mirroring an older copy: LastSeq %d status %q; want 10, closed", c.LastSeq, c.Status)
	}
}

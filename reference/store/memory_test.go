package store_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Stores { return store.NewMemory() })
}

// BenchmarkMemoryAppendRetained: one append to a conversation that holds the
// contract's 1,000 retained messages.
func BenchmarkMemoryAppendRetained(b *testing.B) {
	s := store.NewMemory()
	ctx := b.Context()
	if _, _, err := s.Conversations.Create(ctx, &store.Conversation{TenantID: "t", WorkspaceID: "w", ID: "conv_1"}); err != nil {
		b.Fatal(err)
	}
	text := "hola"
	n := 0
	add := func() {
		n++
		m := &store.Message{TenantID: "t", MessageID: "m" + strconv.Itoa(n), ConversationID: "conv_1", Type: "text",
			Text: &text, Sender: "u", Fingerprint: "f"}
		if _, _, err := s.Messages.Append(ctx, m, time.Hour, 1000); err != nil {
			b.Fatal(err)
		}
	}
	for range 1000 {
		add()
	}
	b.ReportAllocs()
	for b.Loop() {
		add()
	}
}

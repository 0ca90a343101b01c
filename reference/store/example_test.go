package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

func ExampleNewMemory() {
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()
	_, _, _ = s.Conversations.Create(ctx, &store.Conversation{TenantID: "ten_a", WorkspaceID: "ws_1", ID: "conv_1"})
	text := "hola"
	m := &store.Message{TenantID: "ten_a", MessageID: "k1", ConversationID: "conv_1", Text: &text, Fingerprint: "f1"}
	first, _, _ := s.Messages.Append(ctx, m, 24*time.Hour, 1000)
	again, dup, _ := s.Messages.Append(ctx, m, 24*time.Hour, 1000)
	fmt.Println(first.Seq, again.ID == first.ID, dup)
	// Output: 1 true true
}

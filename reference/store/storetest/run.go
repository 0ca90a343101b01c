package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// Factory returns empty stores for one sub-test and closes them in t.Cleanup.
type Factory func(t *testing.T) store.Stores

// Run runs the contract test of the store interfaces against the stores newStores
// returns, one fresh set per sub-test.
func Run(t *testing.T, newStores Factory) {
	groups := []struct {
		name  string
		tests []subtest
	}{
		{"Conversations", conversationTests},
		{"Members", memberTests},
		{"Reads", readTests},
		{"Messages", messageTests},
		{"Retention", retentionTests},
		{"Status", statusTests},
		{"Presence", presenceTests},
		{"Expulsions", expulsionTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, st := range g.tests {
				t.Run(st.name, func(t *testing.T) {
					s := newStores(t)
					st.fn(t, s)
				})
			}
		})
	}
}

// subtest is one case of the contract.
type subtest struct {
	name string
	fn   func(t *testing.T, s store.Stores)
}

const tenant, workspace = "ten_a", "ws_1"

// ctx returns a context for one store call sequence, bounded so a hung
// backend fails the test instead of stalling it.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// now is a time both backends store without loss.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// conv creates a conversation of tenant with id.
func conv(t *testing.T, s store.Stores, tenant, id string) *store.Conversation {
	t.Helper()
	c, created, err := s.Conversations.Create(ctx(t), &store.Conversation{
		TenantID: tenant, WorkspaceID: workspace, ID: id, Channel: "internal",
		Participants: []string{"u1"}, Status: "open", BotEnabled: true,
		CreatedAt: now(), UpdatedAt: now(),
	})
	if err != nil || !created {
		t.Fatalf("Create(%s/%s) = created %v, %v; want a new conversation", tenant, id, created, err)
	}
	return c
}

// msg returns a message to append with key messageID and text as its body.
func msg(tenant, conversation, messageID, text string) *store.Message {
	return &store.Message{
		TenantID: tenant, MessageID: messageID, ConversationID: conversation,
		Type: "text", Text: &text, Sender: "u1", SenderUserID: "u1",
		Direction: "outbound", Status: "sent", Fingerprint: "fp:" + text,
		CreatedAt: now(), Metadata: map[string]any{"k": []any{"v", 1.5}},
	}
}

// appendOK appends m and fails unless it is stored as a new message.
func appendOK(t *testing.T, s store.Stores, m *store.Message) *store.Message {
	t.Helper()
	got, dup, err := s.Messages.Append(ctx(t), m, time.Hour, 0)
	if err != nil || dup {
		t.Fatalf("Append(%s) = duplicate %v, %v; want a new message", m.MessageID, dup, err)
	}
	return got
}

// wantErr fails unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// eventually polls cond until it returns nil or the deadline passes: for
// TTL expiry, which has no event to wait on.
func eventually(t *testing.T, within time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %v", within, err)
		}
		<-tick.C
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

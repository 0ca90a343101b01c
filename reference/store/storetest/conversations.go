package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/utalk/rtconform/reference/store"
)

var conversationTests = []subtest{
	{"get missing is ErrNotFound", func(t *testing.T, s store.Stores) {
		_, err := s.Conversations.Get(ctx(t), tenant, "conv_none")
		wantErr(t, "Get", err, store.ErrNotFound)
	}},
	{"create then get round-trips", func(t *testing.T, s store.Stores) {
		want := conv(t, s, tenant, "conv_1")
		got, err := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != want.ID || got.WorkspaceID != workspace || got.Status != "open" || !got.BotEnabled ||
			!slices.Equal(got.Participants, []string{"u1"}) || !got.CreatedAt.Equal(want.CreatedAt) ||
			got.LastSeq != 0 || got.LastMessage != nil {
			t.Fatalf("Get = %+v, want %+v", got, want)
		}
	}},
	{"create existing returns the stored one", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		got, created, err := s.Conversations.Create(ctx(t), &store.Conversation{
			TenantID: tenant, WorkspaceID: "ws_other", ID: "conv_1", Status: "closed"})
		if err != nil || created {
			t.Fatalf("second Create = created %v, %v; want the existing one", created, err)
		}
		if got.WorkspaceID != workspace || got.Status != "open" {
			t.Fatalf("second Create returned %+v, want the first conversation", got)
		}
	}},
	{"create without key is ErrInvalid", func(t *testing.T, s store.Stores) {
		_, _, err := s.Conversations.Create(ctx(t), &store.Conversation{TenantID: tenant})
		wantErr(t, "Create", err, store.ErrInvalid)
	}},
	{"ids are scoped per tenant", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		conv(t, s, "ten_b", "conv_1")
		if _, err := s.Conversations.Update(ctx(t), "ten_b", "conv_1", func(c *store.Conversation) error {
			c.Status = "closed"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if err != nil || got.Status != "open" {
			t.Fatalf("tenant a's conversation = %+v, %v; want untouched by tenant b", got, err)
		}
	}},
	{"update applies fn and keeps the store's fields", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		got, err := s.Conversations.Update(ctx(t), tenant, "conv_1", func(c *store.Conversation) error {
			c.AssignedAgent, c.BotEnabled = "agent_1", false
			c.LastSeq, c.ID, c.TenantID = 99, "conv_x", "ten_x"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.AssignedAgent != "agent_1" || got.BotEnabled || got.LastSeq != 1 || got.ID != "conv_1" ||
			got.LastMessage == nil || got.LastMessage.MessageID != "m1" {
			t.Fatalf("Update = %+v; want agent set, LastSeq 1 and the last message kept", got)
		}
		again, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if again.AssignedAgent != "agent_1" || again.LastSeq != 1 {
			t.Fatalf("Get after Update = %+v", again)
		}
	}},
	{"update fn error changes nothing", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		boom := errors.New("boom")
		_, err := s.Conversations.Update(ctx(t), tenant, "conv_1", func(c *store.Conversation) error {
			c.Status = "closed"
			return boom
		})
		wantErr(t, "Update", err, boom)
		got, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if got.Status != "open" {
			t.Fatalf("status after failed Update = %q, want open", got.Status)
		}
	}},
	{"update without a function is ErrInvalid", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		_, err := s.Conversations.Update(ctx(t), tenant, "conv_1", nil)
		wantErr(t, "Update(nil)", err, store.ErrInvalid)
	}},
	{"update missing is ErrNotFound", func(t *testing.T, s store.Stores) {
		_, err := s.Conversations.Update(ctx(t), tenant, "conv_none", func(*store.Conversation) error { return nil })
		wantErr(t, "Update", err, store.ErrNotFound)
	}},
	{"returned values are copies", func(t *testing.T, s store.Stores) {
		c := conv(t, s, tenant, "conv_1")
		c.Participants[0] = "changed"
		got, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if got.Participants[0] != "u1" {
			t.Fatalf("changing a returned conversation changed the store: %v", got.Participants)
		}
	}},
}

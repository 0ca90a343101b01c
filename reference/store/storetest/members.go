package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/utalk/rtconform/reference/store"
)

var memberTests = []subtest{
	{"add, again, list", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		for _, u := range []string{"u2", "u1", "u2"} {
			if _, err := s.Conversations.AddMember(ctx(t), tenant, "conv_1", u, 10); err != nil {
				t.Fatal(err)
			}
		}
		again, err := s.Conversations.AddMember(ctx(t), tenant, "conv_1", "u1", 10)
		if err != nil || again {
			t.Fatalf("AddMember of a member = new %v, %v; want false", again, err)
		}
		got, err := s.Conversations.Members(ctx(t), tenant, "conv_1")
		if err != nil || !slices.Equal(got, []string{"u1", "u2"}) {
			t.Fatalf("Members = %v, %v; want [u1 u2]", got, err)
		}
	}},
	{"room full at max, members still welcome", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		for i := range 3 {
			added, err := s.Conversations.AddMember(ctx(t), tenant, "conv_1", fmt.Sprint("u", i), 3)
			if err != nil || !added {
				t.Fatalf("AddMember %d = %v, %v", i, added, err)
			}
		}
		_, err := s.Conversations.AddMember(ctx(t), tenant, "conv_1", "u9", 3)
		wantErr(t, "AddMember past max", err, store.ErrRoomFull)
		if added, err := s.Conversations.AddMember(ctx(t), tenant, "conv_1", "u0", 3); err != nil || added {
			t.Fatalf("AddMember of a member of a full room = %v, %v; want false, nil", added, err)
		}
	}},
	{"add to missing conversation is ErrNotFound", func(t *testing.T, s store.Stores) {
		_, err := s.Conversations.AddMember(ctx(t), tenant, "conv_none", "u1", 10)
		wantErr(t, "AddMember", err, store.ErrNotFound)
	}},
	{"remove and the user's conversations", func(t *testing.T, s store.Stores) {
		for _, id := range []string{"conv_b", "conv_a", "conv_c"} {
			conv(t, s, tenant, id)
			if _, err := s.Conversations.AddMember(ctx(t), tenant, id, "u1", 10); err != nil {
				t.Fatal(err)
			}
		}
		conv(t, s, "ten_b", "conv_z")
		if _, err := s.Conversations.AddMember(ctx(t), "ten_b", "conv_z", "u1", 10); err != nil {
			t.Fatal(err)
		}
		if err := s.Conversations.RemoveMember(ctx(t), tenant, "conv_c", "u1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Conversations.RemoveMember(ctx(t), tenant, "conv_c", "u1"); err != nil {
			t.Fatalf("second RemoveMember: %v", err)
		}
		got, err := s.Conversations.Of(ctx(t), tenant, "u1")
		if err != nil || !slices.Equal(got, []string{"conv_a", "conv_b"}) {
			t.Fatalf("Of = %v, %v; want [conv_a conv_b]", got, err)
		}
		members, _ := s.Conversations.Members(ctx(t), tenant, "conv_c")
		if len(members) != 0 {
			t.Fatalf("Members after remove = %v, want none", members)
		}
	}},
}

var readTests = []subtest{
	{"unread counts and marks that never move back", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		for i := range 3 {
			appendOK(t, s, msg(tenant, "conv_1", fmt.Sprint("m", i), fmt.Sprint("t", i)))
		}
		steps := []struct {
			mark int64
			want int64
		}{{2, 1}, {1, 1}, {99, 0}}
		if n, err := s.Conversations.Unread(ctx(t), tenant, "conv_1", "u1"); err != nil || n != 3 {
			t.Fatalf("Unread before any read = %d, %v; want 3", n, err)
		}
		for _, st := range steps {
			got, err := s.Conversations.MarkRead(ctx(t), tenant, "conv_1", "u1", st.mark)
			if err != nil || got != st.want {
				t.Fatalf("MarkRead(%d) = %d, %v; want %d", st.mark, got, err, st.want)
			}
		}
		appendOK(t, s, msg(tenant, "conv_1", "m9", "t9"))
		if n, _ := s.Conversations.Unread(ctx(t), tenant, "conv_1", "u1"); n != 1 {
			t.Fatalf("Unread after a new message = %d, want 1 (a mark past the end stops at the end)", n)
		}
		if n, _ := s.Conversations.Unread(ctx(t), tenant, "conv_1", "u2"); n != 4 {
			t.Fatalf("Unread of another reader = %d, want 4", n)
		}
	}},
	{"missing conversation is ErrNotFound", func(t *testing.T, s store.Stores) {
		_, err := s.Conversations.MarkRead(ctx(t), tenant, "conv_none", "u1", 1)
		wantErr(t, "MarkRead", err, store.ErrNotFound)
		_, err = s.Conversations.Unread(ctx(t), tenant, "conv_none", "u1")
		wantErr(t, "Unread", err, store.ErrNotFound)
	}},
}

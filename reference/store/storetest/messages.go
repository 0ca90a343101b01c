package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

var messageTests = []subtest{
	{"append numbers 1, 2, 3 and updates the conversation", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		for i := 1; i <= 3; i++ {
			m := appendOK(t, s, msg(tenant, "conv_1", fmt.Sprint("m", i), fmt.Sprint("t", i)))
			if m.Seq != int64(i) || m.ID == "" {
				t.Fatalf("message %d: seq %d id %q, want seq %d and an id", i, m.Seq, m.ID, i)
			}
		}
		c, err := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if err != nil || c.LastSeq != 3 || c.LastMessage == nil || c.LastMessage.MessageID != "m3" ||
			*c.LastMessage.Text != "t3" {
			t.Fatalf("conversation after 3 appends = %+v, %v", c, err)
		}
	}},
	{"append round-trips every field", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		in := msg(tenant, "conv_1", "m1", "hola")
		in.ID, in.TwilioSid = "msg_fixed", "SM0123456789abcdef0123456789abcdef"
		in.Location = map[string]any{"lat": 1.25, "lng": -3.5}
		appendOK(t, s, in)
		got, err := s.Messages.ByID(ctx(t), tenant, "msg_fixed")
		if err != nil {
			t.Fatal(err)
		}
		if got.MessageID != "m1" || *got.Text != "hola" || got.Seq != 1 || got.Fingerprint != in.Fingerprint ||
			got.TwilioSid != in.TwilioSid || !got.CreatedAt.Equal(in.CreatedAt) || got.Location["lng"] != -3.5 ||
			fmt.Sprint(got.Metadata) != fmt.Sprint(in.Metadata) || got.Direction != "outbound" {
			t.Fatalf("ByID = %+v, want %+v", got, in)
		}
		bySid, err := s.Messages.BySid(ctx(t), in.TwilioSid)
		if err != nil || bySid.ID != "msg_fixed" {
			t.Fatalf("BySid = %+v, %v", bySid, err)
		}
	}},
	{"a retry is the stored message, a reused key is a conflict", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		first := appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		retry := msg(tenant, "conv_1", "m1", "hola")
		retry.CreatedAt = first.CreatedAt.Add(time.Minute)
		got, dup, err := s.Messages.Append(ctx(t), retry, time.Hour, 0)
		if err != nil || !dup || got.ID != first.ID || got.Seq != 1 || !got.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("retry = %+v, dup %v, %v; want the stored message", got, dup, err)
		}
		_, _, err = s.Messages.Append(ctx(t), msg(tenant, "conv_1", "m1", "otro"), time.Hour, 0)
		wantErr(t, "Append with a reused key", err, store.ErrConflict)
		c, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if c.LastSeq != 1 {
			t.Fatalf("LastSeq after retry and conflict = %d, want 1", c.LastSeq)
		}
	}},
	{"dedup is per tenant", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		conv(t, s, "ten_b", "conv_1")
		appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		appendOK(t, s, msg("ten_b", "conv_1", "m1", "otro"))
	}},
	{"a retry shows the current status", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		first := appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		if _, _, err := s.Messages.SetStatus(ctx(t), tenant, first.ID, "delivered", now()); err != nil {
			t.Fatal(err)
		}
		got, dup, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", "m1", "hola"), time.Hour, 0)
		if err != nil || !dup || got.Status != "delivered" {
			t.Fatalf("retry after delivery = status %q dup %v, %v; want delivered", got.Status, dup, err)
		}
	}},
	{"append to a missing conversation is ErrNotFound and remembers nothing", func(t *testing.T, s store.Stores) {
		_, _, err := s.Messages.Append(ctx(t), msg(tenant, "conv_none", "m1", "hola"), time.Hour, 0)
		wantErr(t, "Append", err, store.ErrNotFound)
		conv(t, s, tenant, "conv_none")
		appendOK(t, s, msg(tenant, "conv_none", "m1", "hola"))
	}},
	{"append without key is ErrInvalid", func(t *testing.T, s store.Stores) {
		_, _, err := s.Messages.Append(ctx(t), &store.Message{TenantID: tenant}, time.Hour, 0)
		wantErr(t, "Append", err, store.ErrInvalid)
	}},
	{"the key is forgotten after its ttl", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		if _, _, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", "m1", "hola"), 50*time.Millisecond, 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, func() error {
			m, dup, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", "m1", "otro"), time.Hour, 0)
			if err != nil || dup {
				return errorf("still remembered: dup %v, %v", dup, err)
			}
			if m.Seq != 2 {
				t.Fatalf("new message after the ttl has seq %d, want 2", m.Seq)
			}
			return nil
		})
	}},
	{"concurrent appends get distinct seqs without gaps", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		const n = 40
		seqs := make([]int64, n)
		news := make([]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				// Half the writers race on one key: exactly one of them stores it.
				id := fmt.Sprint("m", i)
				if i%2 == 1 {
					id = "shared"
				}
				m, dup, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", id, "same"), time.Hour, 0)
				if err != nil {
					t.Errorf("Append %d: %v", i, err)
					return
				}
				seqs[i], news[i] = m.Seq, !dup
			})
		}
		wg.Wait()
		var got []int64
		for i, s := range seqs {
			if news[i] {
				got = append(got, s)
			}
		}
		slices.Sort(got)
		want := make([]int64, n/2+1)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("seqs of new messages = %v, want %v", got, want)
		}
	}},
}

package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

var retentionTests = []subtest{
	{"after pages in seq order", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		for i := 1; i <= 5; i++ {
			appendOK(t, s, msg(tenant, "conv_1", fmt.Sprint("m", i), fmt.Sprint("t", i)))
		}
		got, oldest, err := s.Messages.After(ctx(t), tenant, "conv_1", 1, 2)
		if err != nil || oldest != 1 || seqsOf(got) != "[2 3]" {
			t.Fatalf("After(1, 2) = %s oldest %d, %v; want [2 3] oldest 1", seqsOf(got), oldest, err)
		}
		got, _, _ = s.Messages.After(ctx(t), tenant, "conv_1", 3, 0)
		if seqsOf(got) != "[4 5]" {
			t.Fatalf("After(3, no limit) = %s, want [4 5]", seqsOf(got))
		}
		got, _, _ = s.Messages.After(ctx(t), tenant, "conv_1", 5, 10)
		if len(got) != 0 {
			t.Fatalf("After(5) = %s, want none", seqsOf(got))
		}
	}},
	{"after on an empty conversation", func(t *testing.T, s store.Stores) {
		got, oldest, err := s.Messages.After(ctx(t), tenant, "conv_none", 0, 10)
		if err != nil || len(got) != 0 || oldest != 0 {
			t.Fatalf("After = %s oldest %d, %v; want none, 0", seqsOf(got), oldest, err)
		}
	}},
	{"retention keeps the newest, a trimmed retry is still a duplicate", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		var first *store.Message
		for i := 1; i <= 5; i++ {
			m := msg(tenant, "conv_1", fmt.Sprint("m", i), fmt.Sprint("t", i))
			if i == 1 {
				m.TwilioSid = "SM00000000000000000000000000000001"
			}
			got, _, err := s.Messages.Append(ctx(t), m, time.Hour, 3)
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				first = got
			}
		}
		got, oldest, err := s.Messages.After(ctx(t), tenant, "conv_1", 0, 10)
		if err != nil || oldest != 3 || seqsOf(got) != "[3 4 5]" {
			t.Fatalf("After(0) = %s oldest %d, %v; want [3 4 5] oldest 3", seqsOf(got), oldest, err)
		}
		_, err = s.Messages.ByID(ctx(t), tenant, first.ID)
		wantErr(t, "ByID of a trimmed message", err, store.ErrNotFound)
		_, err = s.Messages.BySid(ctx(t), "SM00000000000000000000000000000001")
		wantErr(t, "BySid of a trimmed message", err, store.ErrNotFound)
		retry, dup, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", "m1", "t1"), time.Hour, 3)
		if err != nil || !dup || retry.ID != first.ID || retry.Seq != 1 {
			t.Fatalf("retry of a trimmed message = %+v dup %v, %v; want the first message", retry, dup, err)
		}
		c, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if c.LastSeq != 5 {
			t.Fatalf("LastSeq = %d, want 5", c.LastSeq)
		}
	}},
	{"retention over many appends keeps exactly the newest", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		const n, retain = 200, 7
		for i := 1; i <= n; i++ {
			if _, _, err := s.Messages.Append(ctx(t), msg(tenant, "conv_1", fmt.Sprint("m", i), fmt.Sprint("t", i)), time.Hour, retain); err != nil {
				t.Fatal(err)
			}
		}
		got, oldest, err := s.Messages.After(ctx(t), tenant, "conv_1", 0, 0)
		if err != nil || oldest != n-retain+1 || seqsOf(got) != "[194 195 196 197 198 199 200]" {
			t.Fatalf("After(0) = %s oldest %d, %v; want the %d newest, oldest %d", seqsOf(got), oldest, err, retain, n-retain+1)
		}
		_, err = s.Messages.ByID(ctx(t), tenant, got[0].ID)
		if err != nil {
			t.Fatalf("ByID of the oldest retained: %v", err)
		}
	}},
}

func seqsOf(ms []*store.Message) string {
	seqs := make([]int64, len(ms))
	for i, m := range ms {
		seqs[i] = m.Seq
	}
	return fmt.Sprint(seqs)
}

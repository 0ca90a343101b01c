package storetest

import (
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

var statusTests = []subtest{
	{"status moves forward only", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		m := appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		delivered, read := now(), now().Add(time.Second)
		steps := []struct {
			status  string
			at      time.Time
			changed bool
			want    string
		}{
			{"delivered", delivered, true, "delivered"},
			{"sent", read, false, "delivered"},
			{"delivered", read, false, "delivered"},
			{"read", read, true, "read"},
			{"failed", read, false, "read"},
		}
		for _, st := range steps {
			got, changed, err := s.Messages.SetStatus(ctx(t), tenant, m.ID, st.status, st.at)
			if err != nil || changed != st.changed || got.Status != st.want {
				t.Fatalf("SetStatus(%s) = %q changed %v, %v; want %q changed %v",
					st.status, got.Status, changed, err, st.want, st.changed)
			}
		}
		got, _ := s.Messages.ByID(ctx(t), tenant, m.ID)
		if !got.DeliveredAt.Equal(delivered) || !got.ReadAt.Equal(read) {
			t.Fatalf("times = delivered %v read %v, want %v and %v", got.DeliveredAt, got.ReadAt, delivered, read)
		}
		c, _ := s.Conversations.Get(ctx(t), tenant, "conv_1")
		if c.LastMessage == nil || c.LastMessage.Status != "read" {
			t.Fatalf("conversation's last message = %+v, want status read", c.LastMessage)
		}
	}},
	{"read without delivered sets both times", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		m := appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		at := now()
		got, changed, err := s.Messages.SetStatus(ctx(t), tenant, m.ID, "read", at)
		if err != nil || !changed || !got.ReadAt.Equal(at) || !got.DeliveredAt.Equal(at) {
			t.Fatalf("SetStatus(read) = %+v changed %v, %v", got, changed, err)
		}
	}},
	{"unknown status and missing message", func(t *testing.T, s store.Stores) {
		conv(t, s, tenant, "conv_1")
		m := appendOK(t, s, msg(tenant, "conv_1", "m1", "hola"))
		_, _, err := s.Messages.SetStatus(ctx(t), tenant, m.ID, "bogus", now())
		wantErr(t, "SetStatus(bogus)", err, store.ErrInvalidStatus)
		_, _, err = s.Messages.SetStatus(ctx(t), tenant, "msg_none", "read", now())
		wantErr(t, "SetStatus of a missing message", err, store.ErrNotFound)
		_, _, err = s.Messages.SetStatus(ctx(t), "ten_b", m.ID, "read", now())
		wantErr(t, "SetStatus from another tenant", err, store.ErrNotFound)
		_, err = s.Messages.BySid(ctx(t), "SMnone")
		wantErr(t, "BySid of an unknown sid", err, store.ErrNotFound)
	}},
}

var expulsionTests = []subtest{
	{"expel, look up, per tenant", func(t *testing.T, s store.Stores) {
		if _, ok, err := s.Expulsions.ExpelledAt(ctx(t), tenant, "u1"); err != nil || ok {
			t.Fatalf("ExpelledAt before any = %v, %v", ok, err)
		}
		at := now()
		if err := s.Expulsions.Expel(ctx(t), tenant, "u1", at, time.Hour); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Expulsions.ExpelledAt(ctx(t), tenant, "u1")
		if err != nil || !ok || !got.Equal(at) {
			t.Fatalf("ExpelledAt = %v %v, %v; want %v", got, ok, err, at)
		}
		if _, ok, _ := s.Expulsions.ExpelledAt(ctx(t), "ten_b", "u1"); ok {
			t.Fatal("an expulsion in tenant a applies to tenant b")
		}
		later := at.Add(time.Minute)
		if err := s.Expulsions.Expel(ctx(t), tenant, "u1", later, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.Expulsions.ExpelledAt(ctx(t), tenant, "u1"); !got.Equal(later) {
			t.Fatalf("after a second expulsion ExpelledAt = %v, want %v", got, later)
		}
	}},
	{"an expulsion ends after its ttl", func(t *testing.T, s store.Stores) {
		if err := s.Expulsions.Expel(ctx(t), tenant, "u1", now(), 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, func() error {
			if _, ok, err := s.Expulsions.ExpelledAt(ctx(t), tenant, "u1"); ok || err != nil {
				return errorf("still expelled (%v)", err)
			}
			return nil
		})
	}},
}

package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

func entry(tenant, user string) store.PresenceEntry {
	return store.PresenceEntry{TenantID: tenant, WorkspaceID: workspace, UserID: user, Role: "agent", Email: user + "@x.test"}
}

var presenceTests = []subtest{
	{"first and last socket anywhere", func(t *testing.T, s store.Stores) {
		adds := []struct {
			socket, instance string
			first            bool
			count            int
		}{{"s1", "i1", true, 1}, {"s2", "i2", false, 2}, {"s2", "i2", false, 2}}
		for _, a := range adds {
			first, count, err := s.Presence.Add(ctx(t), entry(tenant, "u1"), a.socket, a.instance)
			if err != nil || first != a.first || count != a.count {
				t.Fatalf("Add(%s@%s) = first %v count %d, %v; want %v %d", a.socket, a.instance, first, count, err, a.first, a.count)
			}
		}
		removes := []struct {
			socket string
			last   bool
		}{{"s1", false}, {"s1", false}, {"s2", true}, {"s2", false}}
		for _, r := range removes {
			last, err := s.Presence.Remove(ctx(t), tenant, "u1", r.socket)
			if err != nil || last != r.last {
				t.Fatalf("Remove(%s) = last %v, %v; want %v", r.socket, last, err, r.last)
			}
		}
		if online, _ := s.Presence.Online(ctx(t), tenant); len(online) != 0 {
			t.Fatalf("Online after the last remove = %v", online)
		}
	}},
	{"online per tenant", func(t *testing.T, s store.Stores) {
		for _, e := range []store.PresenceEntry{entry(tenant, "u2"), entry(tenant, "u1"), entry("ten_b", "u3")} {
			if _, _, err := s.Presence.Add(ctx(t), e, "s_"+e.UserID, "i1"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Presence.Online(ctx(t), tenant)
		if err != nil || fmt.Sprint(got) != fmt.Sprint([]store.PresenceEntry{entry(tenant, "u1"), entry(tenant, "u2")}) {
			t.Fatalf("Online = %v, %v; want u1 and u2 of tenant a", got, err)
		}
	}},
	{"add without user is ErrInvalid", func(t *testing.T, s store.Stores) {
		_, _, err := s.Presence.Add(ctx(t), store.PresenceEntry{TenantID: tenant}, "s1", "i1")
		wantErr(t, "Add", err, store.ErrInvalid)
	}},
	{"a dead instance's sockets expire", func(t *testing.T, s store.Stores) {
		const ttl = 150 * time.Millisecond
		if _, err := s.Presence.Heartbeat(ctx(t), "dead", ttl); err != nil {
			t.Fatal(err)
		}
		// u1 is only on the dead instance, u2 on both.
		for _, a := range []struct{ user, socket, inst string }{
			{"u1", "s1", "dead"}, {"u2", "s2", "dead"}, {"u2", "s3", "live"},
		} {
			if _, _, err := s.Presence.Add(ctx(t), entry(tenant, a.user), a.socket, a.inst); err != nil {
				t.Fatal(err)
			}
		}
		var gone []store.PresenceEntry
		eventually(t, 5*time.Second, func() error {
			g, err := s.Presence.Heartbeat(ctx(t), "live", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			gone = append(gone, g...)
			if len(gone) == 0 {
				return errorf("no user went offline yet")
			}
			return nil
		})
		if fmt.Sprint(gone) != fmt.Sprint([]store.PresenceEntry{entry(tenant, "u1")}) {
			t.Fatalf("went offline = %v, want only u1", gone)
		}
		again, _ := s.Presence.Heartbeat(ctx(t), "live", time.Minute)
		if len(again) != 0 {
			t.Fatalf("second sweep reported %v again", again)
		}
		online, _ := s.Presence.Online(ctx(t), tenant)
		if fmt.Sprint(online) != fmt.Sprint([]store.PresenceEntry{entry(tenant, "u2")}) {
			t.Fatalf("Online = %v, want u2", online)
		}
		if last, _ := s.Presence.Remove(ctx(t), tenant, "u2", "s3"); !last {
			t.Fatal("removing u2's live socket was not its last: the dead one still counts")
		}
	}},
	{"a heart-beating instance stays", func(t *testing.T, s store.Stores) {
		if _, _, err := s.Presence.Add(ctx(t), entry(tenant, "u1"), "s1", "i1"); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if gone, err := s.Presence.Heartbeat(ctx(t), "i1", time.Minute); err != nil || len(gone) != 0 {
				t.Fatalf("Heartbeat = %v, %v", gone, err)
			}
		}
		if online, _ := s.Presence.Online(ctx(t), tenant); len(online) != 1 {
			t.Fatalf("Online = %v, want u1", online)
		}
	}},
}

package cluster_test

import (
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/store"
)

// TestPresenceAcrossInstances: a user with a socket on each of two instances
// goes offline only when the last of them leaves.
func TestPresenceAcrossInstances(t *testing.T) {
	r := redistest.New(t)
	prefix := redistest.Prefix(t.Name())
	a, b := newNode(t, r, prefix, "a"), newNode(t, r, prefix, "b")
	u := store.PresenceEntry{TenantID: tenant, UserID: "u1", Role: "agent"}
	if first, _, err := a.st.Presence.Add(ctx(t), u, "sa", "a"); err != nil || !first {
		t.Fatalf("Add on a = first %v, %v; want the first socket", first, err)
	}
	if first, count, err := b.st.Presence.Add(ctx(t), u, "sb", "b"); err != nil || first || count != 2 {
		t.Fatalf("Add on b = first %v count %d, %v; want the second socket", first, count, err)
	}
	if last, err := a.st.Presence.Remove(ctx(t), tenant, "u1", "sa"); err != nil || last {
		t.Fatalf("Remove on a = last %v, %v; want false: b still has a socket", last, err)
	}
	if online, _ := a.st.Presence.Online(ctx(t), tenant); len(online) != 1 {
		t.Fatalf("Online seen from a = %v, want u1", online)
	}
	if last, err := b.st.Presence.Remove(ctx(t), tenant, "u1", "sb"); err != nil || !last {
		t.Fatalf("Remove on b = last %v, %v; want true", last, err)
	}
}

// TestPresenceOfADeadInstanceExpires: an instance that stops heart-beating
// loses its sockets after the presence ttl, and a live instance's heartbeat
// reports the users that went offline.
func TestPresenceOfADeadInstanceExpires(t *testing.T) {
	r := redistest.New(t)
	prefix := redistest.Prefix(t.Name())
	a, b := newNode(t, r, prefix, "a"), newNode(t, r, prefix, "b")
	const ttl = 300 * time.Millisecond
	if _, err := a.st.Presence.Heartbeat(ctx(t), "a", ttl); err != nil {
		t.Fatal(err)
	}
	only := store.PresenceEntry{TenantID: tenant, UserID: "only-on-a"}
	both := store.PresenceEntry{TenantID: tenant, UserID: "on-both"}
	for _, add := range []struct {
		n      node
		e      store.PresenceEntry
		socket string
		inst   string
	}{{a, only, "s1", "a"}, {a, both, "s2", "a"}, {b, both, "s3", "b"}} {
		if _, _, err := add.n.st.Presence.Add(ctx(t), add.e, add.socket, add.inst); err != nil {
			t.Fatal(err)
		}
	}
	died := time.Now()
	a.cl.Close() // a dies: no more heartbeats

	var gone []store.PresenceEntry
	tick := time.NewTicker(ttl / 3) // b's heartbeat period
	defer tick.Stop()
	for len(gone) == 0 {
		if time.Since(died) > 10*ttl {
			t.Fatalf("a's presence did not expire within %v", 10*ttl)
		}
		<-tick.C
		g, err := b.st.Presence.Heartbeat(ctx(t), "b", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		gone = g
	}
	t.Logf("a's presence expired %v after it died (ttl %v)", time.Since(died), ttl)
	if len(gone) != 1 || gone[0].UserID != "only-on-a" {
		t.Fatalf("went offline = %v, want only only-on-a", gone)
	}
	online, _ := b.st.Presence.Online(ctx(t), tenant)
	if len(online) != 1 || online[0].UserID != "on-both" {
		t.Fatalf("online = %v, want on-both", online)
	}
}

package cluster_test

import (
	"slices"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/cluster"
	"github.com/utalk/rtconform/reference/store"
)

const tenant = "ten_a"

// node is one instance's Cluster and failover stores.
type node struct {
	cl     *cluster.Cluster
	st     store.Stores
	health healthWatch
}

func newNode(t *testing.T, r *redistest.Redis, prefix, name string) node {
	cl, _ := connectCluster(t, r, prefix, name)
	return node{cl: cl, st: cl.Stores(store.NewMemory()), health: watch(cl)}
}

func textMsg(id, text string) *store.Message {
	return &store.Message{TenantID: tenant, MessageID: id, ConversationID: "conv_1", Type: "text", Text: &text,
		Sender: "u1", Direction: "outbound", Status: "sent", Fingerprint: "fp:" + text}
}

// appendFast appends m and fails unless the call took less than budget.
func appendFast(t *testing.T, s store.Stores, m *store.Message, budget time.Duration) (*store.Message, bool) {
	t.Helper()
	start := time.Now()
	got, dup, err := s.Messages.Append(ctx(t), m, time.Hour, 100)
	if err != nil {
		t.Fatalf("Append %s: %v", m.MessageID, err)
	}
	if took := time.Since(start); took > budget {
		t.Errorf("Append %s took %v, want < %v", m.MessageID, took, budget)
	}
	return got, dup
}

// TestStandalone: while Redis is unreachable each instance serves from
// memory, continuing its seq and dedup; after recovery what each accepted is
// written back once (in order per instance), and its sockets are registered again (D11).
func TestStandalone(t *testing.T) {
	for _, f := range faults[:2] { // pause (data kept), stop (data lost)
		t.Run(f.name, func(t *testing.T) {
			r := redistest.New(t)
			prefix := redistest.Prefix(t.Name())
			a, b := newNode(t, r, prefix, "a"), newNode(t, r, prefix, "b")
			if _, _, err := a.st.Conversations.Create(ctx(t), &store.Conversation{TenantID: tenant, WorkspaceID: "ws", ID: "conv_1", Status: "open"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.st.Presence.Add(ctx(t), store.PresenceEntry{TenantID: tenant, UserID: "u1"}, "s1", "a"); err != nil {
				t.Fatal(err)
			}
			first, _ := appendFast(t, a.st, textMsg("k1", "uno"), time.Second)
			if _, err := b.st.Conversations.Get(ctx(t), tenant, "conv_1"); err != nil { // b knows it too
				t.Fatal(err)
			}

			if err := f.inject(r, ctx(t)); err != nil {
				t.Fatal(err)
			}
			// The first call may wait one OpTimeout before the circuit opens.
			appendFast(t, a.st, textMsg("k2", "dos"), time.Second)
			a.health.wait(t, a.cl, "degraded", 3*time.Second)
			b.health.wait(t, b.cl, "degraded", 3*time.Second)
			// Open circuit: no Redis call, answers at once.
			retry, dup := appendFast(t, a.st, textMsg("k1", "uno"), 50*time.Millisecond)
			if !dup || retry.ID != first.ID {
				t.Errorf("retry of k1 on a while standalone = dup %v id %s, want the first copy %s", dup, retry.ID, first.ID)
			}
			m3, _ := appendFast(t, a.st, textMsg("k3", "tres"), 50*time.Millisecond)
			if m3.Seq != 3 {
				t.Errorf("standalone seq on a = %d, want 3 (continuing from the last known)", m3.Seq)
			}
			// The client retried k3 on b too, and b takes k4.
			appendFast(t, b.st, textMsg("k3", "tres"), 50*time.Millisecond)
			appendFast(t, b.st, textMsg("k4", "cuatro"), 50*time.Millisecond)
			if st := a.cl.Stats(); st.Pending == 0 {
				t.Error("nothing journaled on a while standalone")
			}

			if f.recover != nil {
				if err := f.recover(r, ctx(t)); err != nil {
					t.Fatal(err)
				}
			}
			a.health.wait(t, a.cl, "ok", 3*time.Second)
			b.health.wait(t, b.cl, "ok", 3*time.Second)

			ms, _, err := a.st.Messages.After(ctx(t), tenant, "conv_1", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"k1", "k2", "k3", "k4"}
			if f.name == "stop" {
				want = want[1:] // a stopped Redis forgot k1: nothing journaled it
			}
			var got []string
			for i, m := range ms {
				got = append(got, m.MessageID)
				if i > 0 && m.Seq != ms[i-1].Seq+1 {
					t.Errorf("shared seqs %d then %d: a gap", ms[i-1].Seq, m.Seq)
				}
			}
			// Each instance wrote back on its own: the order across them is
			// the order of the write-backs, so compare as sets.
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("shared messages after write-back = %v, want each of %v once", got, want)
			}
			online, err := b.st.Presence.Online(ctx(t), tenant)
			if err != nil || len(online) != 1 || online[0].UserID != "u1" {
				t.Errorf("online after recovery = %v, %v; want u1 registered again by a", online, err)
			}
			if st := a.cl.Stats(); st.Pending != 0 || st.WriteBackDropped != 0 {
				t.Errorf("after write-back: %d pending, %d dropped", st.Pending, st.WriteBackDropped)
			}
		})
	}
}

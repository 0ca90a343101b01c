package cluster_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/cluster"
	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/storetest"
)

// TestStoresContract runs the store contract on the failover stores while
// Redis is up: they must behave exactly as the Redis stores.
func TestStoresContract(t *testing.T) {
	r := redistest.New(t)
	storetest.Run(t, func(t *testing.T) store.Stores {
		cl, err := cluster.Connect(t.Context(), cluster.Options{
			Addr: r.Addr(), Prefix: redistest.Prefix(t.Name()), Instance: "contract",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			// Generous: a slow call on a busy machine must not trip the circuit here.
			OpTimeout: 2 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cl.Close)
		s := cl.Stores(store.NewMemory())
		t.Cleanup(func() {
			if st := cl.Stats(); st.Trips != 0 {
				t.Errorf("the circuit opened %d times with Redis up", st.Trips)
			}
		})
		return s
	})
}

func TestConnectErrors(t *testing.T) {
	if _, err := cluster.Connect(t.Context(), cluster.Options{}); err == nil {
		t.Error("Connect without an address succeeded")
	}
	if _, err := cluster.Connect(t.Context(), cluster.Options{Addr: "nowhere"}); err == nil {
		t.Error("Connect with a malformed address succeeded")
	}
	// A port nobody listens on: a free one, closed again.
	_, err := cluster.Connect(t.Context(), cluster.Options{Addr: freeAddr(t), OpTimeout: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		t.Fatal("Connect to a closed port succeeded")
	}
	if !errorsIs(err, cluster.ErrUnreachable) {
		t.Fatalf("Connect to a closed port: %v, want ErrUnreachable", err)
	}
}

// TestStoresContractStandalone runs the store contract on the failover
// stores while Redis is stopped: served from memory, they still keep it.
func TestStoresContractStandalone(t *testing.T) {
	r := redistest.New(t)
	cl, _ := connectCluster(t, r, redistest.Prefix(t.Name()), "standalone")
	w := watch(cl)
	if err := r.Stop(ctx(t)); err != nil {
		t.Fatal(err)
	}
	w.wait(t, cl, cluster.StatusDegraded, 3*time.Second)
	storetest.Run(t, func(t *testing.T) store.Stores { return cl.Stores(store.NewMemory()) })
	if st := cl.Stats(); st.Pending == 0 {
		t.Error("nothing journaled while standalone")
	}
}

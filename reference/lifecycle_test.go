package reference

import (
	"context"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

func TestMetricsSnapshotOnAdmin(t *testing.T) {
	h := start(t, func(c *Config) { c.MetricsInterval = 100 * time.Millisecond })
	admin := h.connect(user{id: "boss", role: "admin", tenant: "ten_a", ws: "ws_1"}, "/admin")
	snap := admin.wait(spec.MetricsSnapshot, nil)
	if snap["activeConnections"] != float64(1) || snap["redis"] != "disabled" {
		t.Fatalf("metrics:snapshot %v", snap)
	}
}

func TestGracefulShutdown(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	t0 := time.Now()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("Shutdown took %v", d)
	}
	<-a.conn.Done()
	if r := a.conn.CloseReason(); r != sioconn.ReasonTransportClose {
		t.Fatalf("close reason %q: clients should see a transport close and reconnect elsewhere", r)
	}
	if _, err := h.dial(map[string]any{"token": h.token(agent("ana"), time.Minute)}, "/app"); err == nil {
		t.Fatal("connected after Shutdown")
	}
}

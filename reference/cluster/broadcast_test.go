package cluster_test

import (
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
)

func TestCrossInstanceBroadcast(t *testing.T) {
	r := redistest.New(t)
	a, b, ra, rb := pair(t, r)
	for i := 1; i <= 20; i++ {
		src := a
		if i%2 == 0 {
			src = b
		}
		src.broadcast(t, i)
	}
	for i := 1; i <= 20; i++ {
		ra.expect(t, i, waitFor)
		rb.expect(t, i, waitFor)
	}
	if d := ra.dups.Load() + rb.dups.Load(); d != 0 {
		t.Fatalf("%d events delivered twice: on a %v, on b %v", d, ra.dupList, rb.dupList)
	}
	if _, status := a.cl.Health(); status != "ok" {
		t.Fatalf("health = %q, want ok", status)
	}
	_ = time.Second
}

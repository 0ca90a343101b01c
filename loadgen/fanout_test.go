package loadgen

import (
	"testing"
	"time"
)

func TestFanoutRecover(t *testing.T) {
	f := newFanout()
	now := time.Now()
	f.expect("m1", now, now.Add(time.Second), []int{1, 2})
	if _, first := f.deliver("m1", 1, now); !first {
		t.Fatal("live delivery to 1 not counted")
	}
	if f.recover("m1", 1) {
		t.Error("1 already had it live: nothing to recover")
	}
	if !f.recover("m1", 2) || f.pending() != 0 || f.known("m1") {
		t.Errorf("2 missed it live and re-synced it: want recovered and nothing pending (pending %d)", f.pending())
	}
	if f.recover("m1", 2) || f.recover("unknown", 1) {
		t.Error("recovered twice, or an unknown message")
	}
}

package loadgen

import (
	"sync"
	"time"
)

// fanout tracks, per sent message, the members expected to receive it.
type fanout struct {
	mu      sync.Mutex
	entries map[string]*fanEntry
}

type fanEntry struct {
	start    time.Time
	deadline time.Time
	expect   map[int]bool // vu id -> received
	left     int
}

func newFanout() *fanout { return &fanout{entries: map[string]*fanEntry{}} }

// expect registers a message sent at start that the members ids should receive.
func (f *fanout) expect(mid string, start, deadline time.Time, ids []int) {
	if len(ids) == 0 {
		return
	}
	e := &fanEntry{start: start, deadline: deadline, expect: make(map[int]bool, len(ids)), left: len(ids)}
	for _, id := range ids {
		e.expect[id] = false
	}
	f.mu.Lock()
	f.entries[mid] = e
	f.mu.Unlock()
}

// deliver marks mid received by id. It returns the time since the send and true for
// an expected first delivery.
func (f *fanout) deliver(mid string, id int, now time.Time) (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.entries[mid]
	if e == nil {
		return 0, false
	}
	got, ok := e.expect[id]
	if !ok || got {
		return 0, false
	}
	e.expect[id] = true
	e.left--
	if e.left == 0 {
		delete(f.entries, mid)
	}
	return now.Sub(e.start), true
}

// recover marks mid received by id through a re-sync rather than live; it reports
// whether that delivery was still awaited.
func (f *fanout) recover(mid string, id int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.entries[mid]
	if e == nil {
		return false
	}
	if got, ok := e.expect[id]; !ok || got {
		return false
	}
	e.expect[id] = true
	e.left--
	if e.left == 0 {
		delete(f.entries, mid)
	}
	return true
}

// known reports whether mid is still awaited by someone.
func (f *fanout) known(mid string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.entries[mid] != nil
}

// expire removes the entries past their deadline (all when force) and returns the
// deliveries they still awaited.
func (f *fanout) expire(now time.Time, force bool) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var lost int64
	for mid, e := range f.entries {
		if force || now.After(e.deadline) {
			lost += int64(e.left)
			delete(f.entries, mid)
		}
	}
	return lost
}

// pending is the number of deliveries still awaited.
func (f *fanout) pending() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n int64
	for _, e := range f.entries {
		n += int64(e.left)
	}
	return n
}

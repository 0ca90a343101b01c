package reference

import (
	"hash/maphash"
	"sync"
	"time"
)

// timerSet runs delayed work (the simulated channel's status changes) and stops
// all of it on shutdown, so no callback outlives the server.
type timerSet struct {
	mu      sync.Mutex
	next    uint64
	pending map[uint64]*time.Timer
	closed  bool
}

func newTimerSet() *timerSet { return &timerSet{pending: map[uint64]*time.Timer{}} }

// after runs fn after d unless the set is stopped first.
func (t *timerSet) after(d time.Duration, fn func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	id := t.next
	t.next++
	t.pending[id] = time.AfterFunc(d, func() {
		t.mu.Lock()
		_, live := t.pending[id]
		delete(t.pending, id)
		t.mu.Unlock()
		if live {
			fn()
		}
	})
}

func (t *timerSet) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for id, tm := range t.pending {
		tm.Stop()
		delete(t.pending, id)
	}
}

// stripedMutex serializes work per key (a conversation) with a fixed set of
// mutexes, so memory does not grow with the number of keys.
type stripedMutex struct {
	seed  maphash.Seed
	once  sync.Once
	locks [256]sync.Mutex
}

func (m *stripedMutex) lock(key string) func() {
	m.once.Do(func() { m.seed = maphash.MakeSeed() })
	l := &m.locks[maphash.String(m.seed, key)%uint64(len(m.locks))]
	l.Lock()
	return l.Unlock
}

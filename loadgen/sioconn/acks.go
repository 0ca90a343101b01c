package sioconn

import (
	"encoding/json"
	"sync"
)

// ackResult is what an EmitWithAck caller receives.
type ackResult struct {
	args json.RawMessage
	err  error
}

// ackWaiter is one pending EmitWithAck. Waiters are pooled with their
// channel; each is put back only after its channel has been drained, so a
// reused waiter never sees a stale result.
type ackWaiter struct {
	ch chan ackResult // buffered 1: the sender never blocks
}

var waiterPool = sync.Pool{New: func() any { return &ackWaiter{ch: make(chan ackResult, 1)} }}

// ackTable maps ack ids to waiters. Ids count up from 0 per connection, as
// in the JavaScript client.
type ackTable struct {
	mu      sync.Mutex
	next    uint64
	pending map[uint64]*ackWaiter
	closed  *CloseError // set once: later registrations fail with it
}

// register reserves an id and a waiter, or returns the close error.
func (t *ackTable) register() (uint64, *ackWaiter, error) {
	w := waiterPool.Get().(*ackWaiter)
	t.mu.Lock()
	if t.closed != nil {
		err := t.closed
		t.mu.Unlock()
		waiterPool.Put(w)
		return 0, nil, err
	}
	id := t.next
	t.next++
	if t.pending == nil {
		t.pending = make(map[uint64]*ackWaiter)
	}
	t.pending[id] = w
	t.mu.Unlock()
	return id, w, nil
}

// take removes and returns the waiter of id, or nil when nobody waits
// (an unknown id, or a caller that gave up). The caller sends the result
// on its channel.
func (t *ackTable) take(id uint64) *ackWaiter {
	t.mu.Lock()
	w := t.pending[id]
	delete(t.pending, id)
	t.mu.Unlock()
	return w
}

// abandon withdraws id after its caller gave up. If the reader already
// took the waiter, abandon waits for the result it is handing over and
// returns it, so the waiter can go back to the pool drained.
func (t *ackTable) abandon(id uint64, w *ackWaiter) (ackResult, bool) {
	t.mu.Lock()
	_, ok := t.pending[id]
	delete(t.pending, id)
	t.mu.Unlock()
	if ok {
		waiterPool.Put(w)
		return ackResult{}, false
	}
	r := <-w.ch
	waiterPool.Put(w)
	return r, true
}

// closeAll fails every pending waiter and all later registrations with err.
func (t *ackTable) closeAll(err *CloseError) {
	t.mu.Lock()
	t.closed = err
	pending := t.pending
	t.pending = nil
	t.mu.Unlock()
	for _, w := range pending {
		w.ch <- ackResult{err: err}
	}
}

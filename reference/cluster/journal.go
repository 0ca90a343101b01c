package cluster

import (
	"context"
	"sync"

	"github.com/utalk/rtconform/reference/store"
)

// entry is one write accepted while standalone, replayed on the shared
// stores after recovery.
type entry struct {
	id     uint64
	what   string
	replay func(ctx context.Context, shared store.Stores) error
}

// journal keeps the standalone writes in the order they were accepted.
type journal struct {
	mu      sync.Mutex
	entries []entry
	next    uint64
	limit   int
	dropped int64
}

// add records a write; when the journal is full the oldest entry is dropped
// (and counted) so an endless outage cannot exhaust memory.
func (j *journal) add(what string, replay func(ctx context.Context, shared store.Stores) error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) >= j.limit {
		j.entries = j.entries[1:]
		j.dropped++
	}
	j.next++
	j.entries = append(j.entries, entry{id: j.next, what: what, replay: replay})
}

func (j *journal) len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries)
}

// drain replays the entries in order. It stops at the first entry that fails
// because Redis is unavailable, keeping it and the rest for the next try;
// other failures (a conflict, a full room) drop that entry and are reported
// to onDrop.
func (j *journal) drain(run func(e entry) error, onDrop func(e entry, err error)) error {
	for {
		j.mu.Lock()
		if len(j.entries) == 0 {
			j.mu.Unlock()
			return nil
		}
		e := j.entries[0]
		j.mu.Unlock()

		err := run(e)
		if err != nil && unavailable(err) {
			return err
		}
		if err != nil {
			onDrop(e, err)
		}
		j.mu.Lock()
		// add may have dropped the head meanwhile: remove e only if still first.
		if len(j.entries) > 0 && j.entries[0].id == e.id {
			j.entries = j.entries[1:]
		}
		j.mu.Unlock()
	}
}

package cluster

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// failover is the Stores that Stores returns: the shared Redis stores while
// the circuit is closed, the fallback while it is open (D11 standalone
// mode). What Redis answers is mirrored into the fallback, so standalone
// continues from the last seq and keys this instance knew; what the fallback
// accepts is journaled and written back after recovery.
type failover struct {
	c      *Cluster
	shared store.Stores
	local  store.Stores
	mirror store.Mirror // nil when the fallback cannot mirror
	j      journal

	// retention is the ttl and retain of the last Append, used to mirror
	// status changes.
	retention atomic.Pointer[retention]

	mu      sync.Mutex
	sockets map[localSocket]store.PresenceEntry // this instance's sockets
}

type retention struct {
	ttl    time.Duration
	retain int
}

type localSocket struct{ tenant, user, socket string }

// Stores returns stores that use Redis and fall back to fallback (normally
// store.NewMemory()) while Redis is unreachable, as spec/DECISIONS.md D11
// says: while standalone, writes are served by fallback and journaled; after
// recovery they are written back to Redis in order (Append deduplicates by
// tenant and messageId, so a key stored meanwhile elsewhere keeps the first
// copy) and this instance's sockets are registered again. Every Redis call is
// bounded by OpTimeout, and while the circuit is open none is made. Update
// functions may run more than once (optimistic retries, replay after an
// outage). Close closes fallback, not the Cluster.
func (c *Cluster) Stores(fallback store.Stores) store.Stores {
	f := &failover{
		c: c, shared: c.shared, local: fallback,
		j:       journal{limit: c.opts.JournalLimit},
		sockets: map[localSocket]store.PresenceEntry{},
	}
	f.mirror, _ = store.MirrorOf(fallback)
	c.mu.Lock()
	c.failovers = append(c.failovers, f)
	c.mu.Unlock()
	return store.Stores{
		Conversations: foConversations{f},
		Messages:      foMessages{f},
		Presence:      foPresence{f},
		Expulsions:    foExpulsions{f},
		Close:         fallback.Close,
	}
}

// try runs op on Redis when the circuit is closed, bounded by OpTimeout.
// local is true when the caller must serve from the fallback instead: the
// circuit is open, or op failed because Redis is unavailable (which opens
// it). Other errors are op's answer.
func (f *failover) try(ctx context.Context, op func(ctx context.Context) error) (local bool, err error) {
	if !f.c.health.up() {
		return true, nil
	}
	octx, cancel := context.WithTimeout(ctx, f.c.opts.OpTimeout)
	defer cancel()
	err = op(octx)
	switch {
	case err == nil:
		return false, nil
	case ctx.Err() != nil:
		return false, err // the caller gave up, Redis may be fine
	case unavailable(err):
		// One slow answer is not an outage: under load a call can miss
		// OpTimeout while Redis is fine, and serving it from the fallback
		// would split the instances' state (a second copy of a message on
		// another instance). Only when a PING confirms that Redis is gone
		// does this instance go standalone; otherwise the call fails and
		// the client retries with its idempotency key.
		if perr := f.c.ping(); perr == nil || ctx.Err() != nil {
			f.c.stats.slowCalls.Add(1)
			return false, err
		}
		f.c.stats.fallbacks.Add(1)
		f.c.markDown(err)
		return true, nil
	}
	return false, err
}

// journal records a write served by the fallback for the write-back.
func (f *failover) journal(what string, replay func(ctx context.Context, shared store.Stores) error) {
	f.j.add(what, replay)
}

// flush writes the journal back to Redis; when recovering it then registers
// this instance's sockets again (other instances may have swept them as a
// dead instance's while Redis was unreachable).
func (f *failover) flush(recovering bool) error {
	err := f.j.drain(func(e entry) error {
		ctx, cancel := context.WithTimeout(f.c.ctx, f.c.opts.OpTimeout)
		defer cancel()
		return e.replay(ctx, f.shared)
	}, func(e entry, err error) {
		f.c.stats.writeBackDropped.Add(1)
		f.c.log.Warn("standalone write not written back", "op", e.what, "err", err)
	})
	if err != nil || !recovering {
		return err
	}
	f.mu.Lock()
	socks := make(map[localSocket]store.PresenceEntry, len(f.sockets))
	for k, v := range f.sockets {
		socks[k] = v
	}
	f.mu.Unlock()
	for s, e := range socks {
		ctx, cancel := context.WithTimeout(f.c.ctx, f.c.opts.OpTimeout)
		_, _, err := f.shared.Presence.Add(ctx, e, s.socket, f.c.opts.Instance)
		cancel()
		if err != nil && unavailable(err) {
			return err
		}
	}
	return nil
}

// writeBack flushes every failover. recovering is true while the stores are
// still served from the fallback.
func (c *Cluster) writeBack() error {
	c.mu.Lock()
	fs := append([]*failover(nil), c.failovers...)
	c.mu.Unlock()
	recovering := !c.health.shared.Load()
	var errs []error
	for _, f := range fs {
		if err := f.flush(recovering); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// mirrorMessage copies a message Redis stored into the fallback.
func (f *failover) mirrorMessage(m *store.Message, ttl time.Duration, retain int) {
	if f.mirror != nil && m != nil {
		f.mirror.MirrorMessage(m, ttl, retain)
	}
}

func (f *failover) mirrorConversation(c *store.Conversation) {
	if f.mirror != nil && c != nil {
		f.mirror.MirrorConversation(c)
	}
}

package store

import (
	"sync"
	"time"
)

// DefaultPresenceTTL is how long the memory presence keeps an instance that
// added sockets but never called Heartbeat (the contract's presenceTtlSeconds
// is the value servers pass to Heartbeat).
const DefaultPresenceTTL = 30 * time.Second

// key names one object of one tenant.
type key struct{ tenant, id string }

// memory is the state behind the four in-memory stores. One mutex guards all
// of it: Append must update a message, its conversation and the dedup index
// together, and the critical sections are short map operations.
type memory struct {
	mu  sync.Mutex
	now func() time.Time

	convs   map[key]*Conversation
	members map[key]map[string]struct{} // conversation -> users
	userOf  map[key]map[string]struct{} // (tenant, user) -> conversation ids
	reads   map[key]map[string]int64    // conversation -> user -> read mark

	msgs   map[key]*Message   // (tenant, server id) -> message
	bySeq  map[key][]*Message // conversation -> retained messages in seq order
	sids   map[string]key     // twilio sid -> (tenant, server id)
	dedup  map[key]dedupEntry // (tenant, messageId) -> first message
	dedupQ []dedupQueued      // insertion order, for the expiry sweep

	presence memoryPresence
	expelled map[key]expulsion
}

type dedupEntry struct {
	msg     *Message // the stored message; still answered after retention drops it
	expires time.Time
}

type dedupQueued struct {
	k       key
	expires time.Time
}

type expulsion struct {
	at      time.Time
	expires time.Time
}

// NewMemory returns the in-memory stores: the embedded default of a single
// instance, and the fallback of the Redis stores while Redis is down. They are
// safe for concurrent use; every value they return is a copy. Close does
// nothing.
func NewMemory() Stores {
	m := &memory{
		now:      time.Now,
		convs:    map[key]*Conversation{},
		members:  map[key]map[string]struct{}{},
		userOf:   map[key]map[string]struct{}{},
		reads:    map[key]map[string]int64{},
		msgs:     map[key]*Message{},
		bySeq:    map[key][]*Message{},
		sids:     map[string]key{},
		dedup:    map[key]dedupEntry{},
		expelled: map[key]expulsion{},
		presence: newMemoryPresence(),
	}
	return Stores{
		Conversations: memConversations{m},
		Messages:      memMessages{m},
		Presence:      memPresence{m},
		Expulsions:    memExpulsions{m},
		Close:         func() error { return nil },
	}
}

// expiry returns the deadline of a ttl from now; a ttl <= 0 never expires.
func expiry(now time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}

// expired reports whether a deadline set by expiry has passed.
func expired(deadline, now time.Time) bool {
	return !deadline.IsZero() && !now.Before(deadline)
}

package store

import (
	"slices"
	"time"
)

// Mirror copies state held elsewhere (the shared Redis stores) into the
// memory stores, so that an instance that loses Redis continues from what it
// last knew: the conversations it served with their LastSeq, the messages it
// stored with their seq, and their idempotency keys. The memory Conversations
// implements it; see MirrorOf.
type Mirror interface {
	// MirrorConversation stores a copy of c, replacing the memory one. LastSeq
	// never moves back: the memory copy keeps the higher of the two.
	MirrorConversation(c *Conversation)
	// MirrorMessage stores a copy of m with its own seq (not a new one),
	// replacing the memory message with its id or its seq, remembers its
	// idempotency key for ttl and keeps at most retain messages of its
	// conversation. The conversation's LastSeq and LastMessage follow when m
	// is its newest message; a conversation the memory does not hold is left
	// alone, but the key is remembered.
	MirrorMessage(m *Message, ttl time.Duration, retain int)
}

// MirrorOf returns the Mirror of s when s are memory stores.
func MirrorOf(s Stores) (Mirror, bool) {
	m, ok := s.Conversations.(Mirror)
	return m, ok
}

func (s memConversations) MirrorConversation(c *Conversation) {
	if c == nil || c.TenantID == "" || c.ID == "" {
		return
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key{c.TenantID, c.ID}
	next := c.Clone()
	if old, ok := m.convs[k]; ok && old.LastSeq > next.LastSeq {
		next.LastSeq, next.LastMessage = old.LastSeq, old.LastMessage
	}
	if list := m.bySeq[k]; len(list) > 0 && list[len(list)-1].Seq == next.LastSeq {
		next.LastMessage = list[len(list)-1] // the stored one, whose status moves
	}
	m.convs[k] = next
}

func (s memConversations) MirrorMessage(msg *Message, ttl time.Duration, retain int) {
	if checkAppend(msg) != nil || msg.ID == "" {
		return
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	stored := msg.Clone()
	ck := key{stored.TenantID, stored.ConversationID}
	list := m.bySeq[ck]
	// Drop the memory copy of this message and whatever held its seq.
	list = slices.DeleteFunc(list, func(o *Message) bool {
		if o.ID == stored.ID || o.Seq == stored.Seq {
			delete(m.msgs, key{o.TenantID, o.ID})
			if o.TwilioSid != "" {
				delete(m.sids, o.TwilioSid)
			}
			return true
		}
		return false
	})
	i, _ := slices.BinarySearchFunc(list, stored.Seq, func(o *Message, seq int64) int {
		return int(o.Seq - seq)
	})
	list = slices.Insert(list, i, stored)
	mk := key{stored.TenantID, stored.ID}
	m.msgs[mk] = stored
	if stored.TwilioSid != "" {
		m.sids[stored.TwilioSid] = mk
	}
	if retain > 0 && len(list) > retain {
		drop := len(list) - retain
		for _, old := range list[:drop] {
			delete(m.msgs, key{old.TenantID, old.ID})
			if old.TwilioSid != "" {
				delete(m.sids, old.TwilioSid)
			}
		}
		list = append(list[:0:0], list[drop:]...)
	}
	m.bySeq[ck] = list
	if c, ok := m.convs[ck]; ok && stored.Seq >= c.LastSeq {
		c.LastSeq, c.LastMessage = stored.Seq, stored
		if stored.CreatedAt.After(c.UpdatedAt) {
			c.UpdatedAt = stored.CreatedAt
		}
	}
	exp := expiry(now, ttl)
	dk := key{stored.TenantID, stored.MessageID}
	m.dedup[dk] = dedupEntry{msg: stored, expires: exp}
	if !exp.IsZero() {
		m.dedupQ = append(m.dedupQ, dedupQueued{k: dk, expires: exp})
	}
}

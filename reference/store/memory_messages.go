package store

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// memMessages is the in-memory Messages.
type memMessages struct{ m *memory }

func (s memMessages) Append(_ context.Context, msg *Message, ttl time.Duration, retain int) (*Message, bool, error) {
	if err := checkAppend(msg); err != nil {
		return nil, false, err
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweepDedup(now)

	dk := key{msg.TenantID, msg.MessageID}
	if e, ok := m.dedup[dk]; ok && !expired(e.expires, now) {
		if e.msg.Fingerprint != msg.Fingerprint {
			return nil, false, fmt.Errorf("message %q (stored as %s): %w", msg.MessageID, e.msg.ID, ErrConflict)
		}
		return e.msg.Clone(), true, nil
	}
	ck := key{msg.TenantID, msg.ConversationID}
	c, ok := m.convs[ck]
	if !ok {
		return nil, false, fmt.Errorf("conversation %q: %w", msg.ConversationID, ErrNotFound)
	}
	stored := msg.Clone()
	if stored.ID == "" {
		stored.ID = NewMessageID()
	}
	mk := key{stored.TenantID, stored.ID}
	if _, taken := m.msgs[mk]; taken {
		return nil, false, fmt.Errorf("message id %q already used: %w", stored.ID, ErrInvalid)
	}
	if stored.CreatedAt.IsZero() {
		stored.CreatedAt = now
	}
	c.LastSeq++
	stored.Seq = c.LastSeq
	c.LastMessage = stored
	c.UpdatedAt = stored.CreatedAt

	m.msgs[mk] = stored
	if stored.TwilioSid != "" {
		m.sids[stored.TwilioSid] = mk
	}
	list := append(m.bySeq[ck], stored)
	if retain > 0 && len(list) > retain {
		drop := len(list) - retain
		for _, old := range list[:drop] {
			delete(m.msgs, key{old.TenantID, old.ID})
			if old.TwilioSid != "" {
				delete(m.sids, old.TwilioSid)
			}
		}
		// Reslice rather than copy the retained messages into a new array on every
		// append (that was O(retain) per message at steady state); append moves
		// them to a new array only when the old one is full, O(1) amortized.
		clear(list[:drop]) // the array must not keep the dropped messages alive
		list = list[drop:]
	}
	m.bySeq[ck] = list

	exp := expiry(now, ttl)
	m.dedup[dk] = dedupEntry{msg: stored, expires: exp}
	if !exp.IsZero() {
		m.dedupQ = append(m.dedupQ, dedupQueued{k: dk, expires: exp})
	}
	return stored.Clone(), false, nil
}

// sweepDedup forgets the idempotency keys whose ttl has passed, oldest first,
// so memory stays bounded by what the ttl covers. The caller holds the lock.
func (m *memory) sweepDedup(now time.Time) {
	n := 0
	for n < len(m.dedupQ) && expired(m.dedupQ[n].expires, now) {
		q := m.dedupQ[n]
		if e, ok := m.dedup[q.k]; ok && e.expires.Equal(q.expires) {
			delete(m.dedup, q.k)
		}
		n++
	}
	if n > 0 {
		m.dedupQ = append(m.dedupQ[:0:0], m.dedupQ[n:]...)
	}
}

func (s memMessages) ByID(_ context.Context, tenant, id string) (*Message, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	msg, ok := s.m.msgs[key{tenant, id}]
	if !ok {
		return nil, fmt.Errorf("message %q: %w", id, ErrNotFound)
	}
	return msg.Clone(), nil
}

func (s memMessages) BySid(_ context.Context, sid string) (*Message, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	msg, ok := s.m.msgs[s.m.sids[sid]]
	if !ok || sid == "" {
		return nil, fmt.Errorf("message with sid %q: %w", sid, ErrNotFound)
	}
	return msg.Clone(), nil
}

func (s memMessages) SetStatus(_ context.Context, tenant, id, status string, at time.Time) (*Message, bool, error) {
	rank, err := StatusRank(status)
	if err != nil {
		return nil, false, err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	msg, ok := s.m.msgs[key{tenant, id}]
	if !ok {
		return nil, false, fmt.Errorf("message %q: %w", id, ErrNotFound)
	}
	cur, err := StatusRank(msg.Status)
	if err == nil && rank <= cur {
		return msg.Clone(), false, nil
	}
	ApplyStatus(msg, status, at)
	return msg.Clone(), true, nil
}

func (s memMessages) After(_ context.Context, tenant, conversation string, afterSeq int64, limit int) ([]*Message, int64, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	list := s.m.bySeq[key{tenant, conversation}]
	if len(list) == 0 {
		return nil, 0, nil
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].Seq > afterSeq })
	end := len(list)
	if limit > 0 {
		end = min(end, i+limit)
	}
	out := make([]*Message, 0, end-i)
	for _, msg := range list[i:end] {
		out = append(out, msg.Clone())
	}
	return out, list[0].Seq, nil
}

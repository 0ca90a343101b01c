package store

import (
	"context"
	"time"
)

// memExpulsions is the in-memory Expulsions.
type memExpulsions struct{ m *memory }

func (s memExpulsions) Expel(_ context.Context, tenant, user string, at time.Time, ttl time.Duration) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	now := s.m.now()
	k := key{tenant, user}
	if old, ok := s.m.expelled[k]; ok && !expired(old.expires, now) && old.at.After(at) {
		at = old.at // a later expulsion in force keeps its time
	}
	s.m.expelled[k] = expulsion{at: at, expires: expiry(now, ttl)}
	s.m.sweepExpulsions(now)
	return nil
}

func (s memExpulsions) ExpelledAt(_ context.Context, tenant, user string) (time.Time, bool, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, user}
	e, ok := s.m.expelled[k]
	if !ok {
		return time.Time{}, false, nil
	}
	if expired(e.expires, s.m.now()) {
		delete(s.m.expelled, k)
		return time.Time{}, false, nil
	}
	return e.at, true, nil
}

// sweepExpulsions drops expired expulsions once the map has grown, so memory
// stays bounded by the expulsions in force. The caller holds the lock.
func (m *memory) sweepExpulsions(now time.Time) {
	if len(m.expelled) < 1024 || len(m.expelled)%256 != 0 {
		return
	}
	for k, e := range m.expelled {
		if expired(e.expires, now) {
			delete(m.expelled, k)
		}
	}
}

package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// foMessages is the failover Messages.
type foMessages struct{ f *failover }

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func (s foMessages) Append(ctx context.Context, m *store.Message, ttl time.Duration, retain int) (*store.Message, bool, error) {
	s.f.retention.Store(&retention{ttl: ttl, retain: retain})
	var (
		stored *store.Message
		dup    bool
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		stored, dup, err = s.f.shared.Messages.Append(ctx, m, ttl, retain)
		return err
	})
	if !local {
		if err == nil {
			s.f.mirrorMessage(stored, ttl, retain)
		}
		return stored, dup, err
	}
	stored, dup, err = s.f.local.Messages.Append(ctx, m, ttl, retain)
	if err == nil && !dup {
		s.f.journalAppend(stored, ttl, retain)
	}
	return stored, dup, err
}

// journalAppend records a message accepted while standalone. The replay
// stores it on Redis with the same ids (a key stored meanwhile elsewhere
// keeps the first copy) and mirrors the shared seq back into the fallback.
func (f *failover) journalAppend(m *store.Message, ttl time.Duration, retain int) {
	m = m.Clone()
	f.journal("append message", func(ctx context.Context, shared store.Stores) error {
		got, _, err := shared.Messages.Append(ctx, m, ttl, retain)
		if isNotFound(err) {
			if err = f.ensure(ctx, shared, m.TenantID, m.ConversationID); err == nil {
				got, _, err = shared.Messages.Append(ctx, m, ttl, retain)
			}
		}
		if err != nil {
			return err
		}
		f.mirrorMessage(got, ttl, retain)
		return nil
	})
}

func (s foMessages) ByID(ctx context.Context, tenant, id string) (*store.Message, error) {
	return s.one(ctx, func(ctx context.Context, st store.Stores) (*store.Message, error) {
		return st.Messages.ByID(ctx, tenant, id)
	})
}

func (s foMessages) BySid(ctx context.Context, sid string) (*store.Message, error) {
	return s.one(ctx, func(ctx context.Context, st store.Stores) (*store.Message, error) {
		return st.Messages.BySid(ctx, sid)
	})
}

func (s foMessages) one(ctx context.Context, get func(context.Context, store.Stores) (*store.Message, error)) (*store.Message, error) {
	var m *store.Message
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		m, err = get(ctx, s.f.shared)
		return err
	})
	if local {
		return get(ctx, s.f.local)
	}
	return m, err
}

func (s foMessages) SetStatus(ctx context.Context, tenant, id, status string, at time.Time) (*store.Message, bool, error) {
	var (
		m       *store.Message
		changed bool
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		m, changed, err = s.f.shared.Messages.SetStatus(ctx, tenant, id, status, at)
		return err
	})
	if !local {
		if err == nil && changed {
			if r := s.f.retention.Load(); r != nil {
				s.f.mirrorMessage(m, r.ttl, r.retain)
			}
		}
		return m, changed, err
	}
	m, changed, err = s.f.local.Messages.SetStatus(ctx, tenant, id, status, at)
	if err == nil && changed {
		s.f.journal("set status", func(ctx context.Context, shared store.Stores) error {
			_, _, err := shared.Messages.SetStatus(ctx, tenant, id, status, at)
			return err
		})
	}
	return m, changed, err
}

func (s foMessages) After(ctx context.Context, tenant, conversation string, afterSeq int64, limit int) ([]*store.Message, int64, error) {
	var (
		ms     []*store.Message
		oldest int64
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		ms, oldest, err = s.f.shared.Messages.After(ctx, tenant, conversation, afterSeq, limit)
		return err
	})
	if local {
		return s.f.local.Messages.After(ctx, tenant, conversation, afterSeq, limit)
	}
	return ms, oldest, err
}

package cluster

import (
	"context"
	"fmt"

	"github.com/utalk/rtconform/reference/store"
)

// foConversations is the failover Conversations.
type foConversations struct{ f *failover }

func (s foConversations) Get(ctx context.Context, tenant, id string) (*store.Conversation, error) {
	var c *store.Conversation
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		c, err = s.f.shared.Conversations.Get(ctx, tenant, id)
		return err
	})
	if local {
		return s.f.local.Conversations.Get(ctx, tenant, id)
	}
	if err == nil {
		s.f.mirrorConversation(c)
	}
	return c, err
}

func (s foConversations) Create(ctx context.Context, in *store.Conversation) (*store.Conversation, bool, error) {
	var (
		c       *store.Conversation
		created bool
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		c, created, err = s.f.shared.Conversations.Create(ctx, in)
		return err
	})
	if !local {
		if err == nil {
			s.f.mirrorConversation(c)
		}
		return c, created, err
	}
	c, created, err = s.f.local.Conversations.Create(ctx, in)
	if err == nil && created {
		s.f.journalCreate(c)
	}
	return c, created, err
}

// journalCreate records a conversation created while standalone. It is
// replayed fresh: the shared seq starts from what Redis holds.
func (f *failover) journalCreate(c *store.Conversation) {
	fresh := c.Clone()
	fresh.LastSeq, fresh.LastMessage = 0, nil
	f.journal("create conversation", func(ctx context.Context, shared store.Stores) error {
		_, _, err := shared.Conversations.Create(ctx, fresh)
		return err
	})
}

// ensure creates on Redis, from the fallback's copy, a conversation a replay
// found missing (created while standalone and lost, or a Redis that
// restarted empty).
func (f *failover) ensure(ctx context.Context, shared store.Stores, tenant, id string) error {
	c, err := f.local.Conversations.Get(ctx, tenant, id)
	if err != nil {
		return err
	}
	c.LastSeq, c.LastMessage = 0, nil
	_, _, err = shared.Conversations.Create(ctx, c)
	return err
}

func (s foConversations) Update(ctx context.Context, tenant, id string, fn func(*store.Conversation) error) (*store.Conversation, error) {
	if fn == nil {
		return nil, fmt.Errorf("update conversation %q: nil function: %w", id, store.ErrInvalid)
	}
	var (
		c     *store.Conversation
		fnErr error
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		c, err = s.f.shared.Conversations.Update(ctx, tenant, id, func(c *store.Conversation) error {
			fnErr = fn(c)
			return fnErr
		})
		if err != nil && fnErr != nil {
			return nil // fn refused: an answer, not a Redis failure
		}
		return err
	})
	if fnErr != nil && !local {
		return nil, fnErr
	}
	if !local {
		if err == nil {
			s.f.mirrorConversation(c)
		}
		return c, err
	}
	c, err = s.f.local.Conversations.Update(ctx, tenant, id, fn)
	if err == nil {
		s.f.journal("update conversation", func(ctx context.Context, shared store.Stores) error {
			_, err := shared.Conversations.Update(ctx, tenant, id, fn)
			return err
		})
	}
	return c, err
}

func (s foConversations) AddMember(ctx context.Context, tenant, id, user string, max int) (bool, error) {
	var added bool
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		added, err = s.f.shared.Conversations.AddMember(ctx, tenant, id, user, max)
		return err
	})
	if !local {
		if err == nil {
			_, _ = s.f.local.Conversations.AddMember(ctx, tenant, id, user, 0) // mirror; unlimited
		}
		return added, err
	}
	added, err = s.f.local.Conversations.AddMember(ctx, tenant, id, user, max)
	if err == nil && added {
		s.f.journal("add member", func(ctx context.Context, shared store.Stores) error {
			_, err := shared.Conversations.AddMember(ctx, tenant, id, user, max)
			if isNotFound(err) {
				if err = s.f.ensure(ctx, shared, tenant, id); err == nil {
					_, err = shared.Conversations.AddMember(ctx, tenant, id, user, max)
				}
			}
			return err
		})
	}
	return added, err
}

func (s foConversations) RemoveMember(ctx context.Context, tenant, id, user string) error {
	_ = s.f.local.Conversations.RemoveMember(ctx, tenant, id, user) // the mirror follows either way
	local, err := s.f.try(ctx, func(ctx context.Context) error {
		return s.f.shared.Conversations.RemoveMember(ctx, tenant, id, user)
	})
	if local {
		s.f.journal("remove member", func(ctx context.Context, shared store.Stores) error {
			return shared.Conversations.RemoveMember(ctx, tenant, id, user)
		})
		return nil
	}
	return err
}

func (s foConversations) Members(ctx context.Context, tenant, id string) ([]string, error) {
	return s.list(ctx, func(ctx context.Context, st store.Stores) ([]string, error) {
		return st.Conversations.Members(ctx, tenant, id)
	})
}

func (s foConversations) Of(ctx context.Context, tenant, user string) ([]string, error) {
	return s.list(ctx, func(ctx context.Context, st store.Stores) ([]string, error) {
		return st.Conversations.Of(ctx, tenant, user)
	})
}

func (s foConversations) list(ctx context.Context, get func(context.Context, store.Stores) ([]string, error)) ([]string, error) {
	var out []string
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		out, err = get(ctx, s.f.shared)
		return err
	})
	if local {
		return get(ctx, s.f.local)
	}
	return out, err
}

func (s foConversations) MarkRead(ctx context.Context, tenant, id, user string, seq int64) (int64, error) {
	var n int64
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		n, err = s.f.shared.Conversations.MarkRead(ctx, tenant, id, user, seq)
		return err
	})
	if !local {
		if err == nil {
			_, _ = s.f.local.Conversations.MarkRead(ctx, tenant, id, user, seq) // mirror
		}
		return n, err
	}
	n, err = s.f.local.Conversations.MarkRead(ctx, tenant, id, user, seq)
	if err == nil {
		s.f.journal("mark read", func(ctx context.Context, shared store.Stores) error {
			_, err := shared.Conversations.MarkRead(ctx, tenant, id, user, seq)
			return err
		})
	}
	return n, err
}

func (s foConversations) Unread(ctx context.Context, tenant, id, user string) (int64, error) {
	var n int64
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		n, err = s.f.shared.Conversations.Unread(ctx, tenant, id, user)
		return err
	})
	if local {
		return s.f.local.Conversations.Unread(ctx, tenant, id, user)
	}
	return n, err
}

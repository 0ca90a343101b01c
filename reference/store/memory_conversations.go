package store

import (
	"context"
	"fmt"
	"slices"
)

// memConversations is the in-memory Conversations.
type memConversations struct{ m *memory }

func (s memConversations) Get(_ context.Context, tenant, id string) (*Conversation, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	c, ok := s.m.convs[key{tenant, id}]
	if !ok {
		return nil, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	return s.m.view(c), nil
}

func (s memConversations) Create(_ context.Context, c *Conversation) (*Conversation, bool, error) {
	if c == nil || c.TenantID == "" || c.ID == "" {
		return nil, false, fmt.Errorf("create conversation: %w", ErrInvalid)
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{c.TenantID, c.ID}
	if old, ok := s.m.convs[k]; ok {
		return s.m.view(old), false, nil
	}
	stored := c.Clone()
	s.m.convs[k] = stored
	return s.m.view(stored), true, nil
}

func (s memConversations) Update(_ context.Context, tenant, id string, fn func(*Conversation) error) (*Conversation, error) {
	if fn == nil {
		return nil, fmt.Errorf("update conversation %q: nil function: %w", id, ErrInvalid)
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, id}
	c, ok := s.m.convs[k]
	if !ok {
		return nil, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	next := s.m.view(c)
	if err := fn(next); err != nil {
		return nil, err
	}
	// The key, the sequence and the last message belong to the store.
	next.TenantID, next.ID, next.LastSeq = c.TenantID, c.ID, c.LastSeq
	next.LastMessage = c.LastMessage
	s.m.convs[k] = next
	return s.m.view(next), nil
}

func (s memConversations) AddMember(_ context.Context, tenant, id, user string, max int) (bool, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, id}
	if _, ok := s.m.convs[k]; !ok {
		return false, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	set := s.m.members[k]
	if _, ok := set[user]; ok {
		return false, nil
	}
	if max > 0 && len(set) >= max {
		return false, fmt.Errorf("conversation %q has %d members: %w", id, len(set), ErrRoomFull)
	}
	if set == nil {
		set = map[string]struct{}{}
		s.m.members[k] = set
	}
	set[user] = struct{}{}
	uk := key{tenant, user}
	if s.m.userOf[uk] == nil {
		s.m.userOf[uk] = map[string]struct{}{}
	}
	s.m.userOf[uk][id] = struct{}{}
	return true, nil
}

func (s memConversations) RemoveMember(_ context.Context, tenant, id, user string) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, id}
	delete(s.m.members[k], user)
	if len(s.m.members[k]) == 0 {
		delete(s.m.members, k)
	}
	uk := key{tenant, user}
	delete(s.m.userOf[uk], id)
	if len(s.m.userOf[uk]) == 0 {
		delete(s.m.userOf, uk)
	}
	return nil
}

func (s memConversations) Members(_ context.Context, tenant, id string) ([]string, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return sortedKeys(s.m.members[key{tenant, id}]), nil
}

func (s memConversations) Of(_ context.Context, tenant, user string) ([]string, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return sortedKeys(s.m.userOf[key{tenant, user}]), nil
}

func (s memConversations) MarkRead(_ context.Context, tenant, id, user string, seq int64) (int64, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, id}
	c, ok := s.m.convs[k]
	if !ok {
		return 0, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	seq = min(seq, c.LastSeq)
	marks := s.m.reads[k]
	if marks == nil {
		marks = map[string]int64{}
		s.m.reads[k] = marks
	}
	if seq > marks[user] {
		marks[user] = seq
	}
	return c.LastSeq - marks[user], nil
}

func (s memConversations) Unread(_ context.Context, tenant, id, user string) (int64, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	k := key{tenant, id}
	c, ok := s.m.convs[k]
	if !ok {
		return 0, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	return max(0, c.LastSeq-s.m.reads[k][user]), nil
}

// view copies a stored conversation; its LastMessage points at the stored
// message, so the copy shows that message's current status. The caller holds
// the lock.
func (m *memory) view(c *Conversation) *Conversation { return c.Clone() }

func sortedKeys(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

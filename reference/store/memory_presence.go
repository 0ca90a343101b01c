package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// sockRef names one socket of one user.
type sockRef struct{ tenant, user, socket string }

// memoryPresence is the presence part of memory; memory.mu guards it.
type memoryPresence struct {
	sockets    map[key]map[string]string           // (tenant, user) -> socket -> instance
	online     map[string]map[string]PresenceEntry // tenant -> user -> entry
	byInstance map[string]map[sockRef]struct{}
	deadline   map[string]time.Time // instance -> when its entries expire
}

func newMemoryPresence() memoryPresence {
	return memoryPresence{
		sockets:    map[key]map[string]string{},
		online:     map[string]map[string]PresenceEntry{},
		byInstance: map[string]map[sockRef]struct{}{},
		deadline:   map[string]time.Time{},
	}
}

// memPresence is the in-memory Presence.
type memPresence struct{ m *memory }

func (s memPresence) Add(_ context.Context, e PresenceEntry, socket, instance string) (bool, int, error) {
	if e.TenantID == "" || e.UserID == "" || socket == "" || instance == "" {
		return false, 0, fmt.Errorf("presence add: entry needs tenantId, userId, socket and instance: %w", ErrInvalid)
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	p := &s.m.presence
	if _, ok := p.deadline[instance]; !ok {
		p.deadline[instance] = s.m.now().Add(DefaultPresenceTTL)
	}
	uk := key{e.TenantID, e.UserID}
	socks := p.sockets[uk]
	if socks == nil {
		socks = map[string]string{}
		p.sockets[uk] = socks
	}
	first := len(socks) == 0
	if old, ok := socks[socket]; ok && old != instance {
		delete(p.byInstance[old], sockRef{e.TenantID, e.UserID, socket})
	}
	socks[socket] = instance
	if p.byInstance[instance] == nil {
		p.byInstance[instance] = map[sockRef]struct{}{}
	}
	p.byInstance[instance][sockRef{e.TenantID, e.UserID, socket}] = struct{}{}
	if p.online[e.TenantID] == nil {
		p.online[e.TenantID] = map[string]PresenceEntry{}
	}
	p.online[e.TenantID][e.UserID] = e
	return first, len(socks), nil
}

func (s memPresence) Remove(_ context.Context, tenant, user, socket string) (bool, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	_, last := s.m.presence.drop(sockRef{tenant, user, socket})
	return last, nil
}

// drop forgets one socket; last reports that it was the user's last one, and
// entry is the user's entry then. The caller holds the lock.
func (p *memoryPresence) drop(r sockRef) (entry PresenceEntry, last bool) {
	uk := key{r.tenant, r.user}
	socks := p.sockets[uk]
	inst, ok := socks[r.socket]
	if !ok {
		return PresenceEntry{}, false
	}
	delete(socks, r.socket)
	delete(p.byInstance[inst], r)
	if len(socks) > 0 {
		return PresenceEntry{}, false
	}
	delete(p.sockets, uk)
	entry = p.online[r.tenant][r.user]
	delete(p.online[r.tenant], r.user)
	if len(p.online[r.tenant]) == 0 {
		delete(p.online, r.tenant)
	}
	return entry, true
}

func (s memPresence) Online(_ context.Context, tenant string) ([]PresenceEntry, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	out := make([]PresenceEntry, 0, len(s.m.presence.online[tenant]))
	for _, e := range s.m.presence.online[tenant] {
		out = append(out, e)
	}
	sortEntries(out)
	return out, nil
}

func (s memPresence) Heartbeat(_ context.Context, instance string, ttl time.Duration) ([]PresenceEntry, error) {
	if instance == "" || ttl <= 0 {
		return nil, fmt.Errorf("presence heartbeat: needs an instance and a positive ttl: %w", ErrInvalid)
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	now := s.m.now()
	p := &s.m.presence
	p.deadline[instance] = now.Add(ttl)
	var gone []PresenceEntry
	for inst, dl := range p.deadline {
		if !expired(dl, now) {
			continue
		}
		for r := range p.byInstance[inst] {
			if e, last := p.drop(r); last {
				gone = append(gone, e)
			}
		}
		delete(p.byInstance, inst)
		delete(p.deadline, inst)
	}
	sortEntries(gone)
	return gone, nil
}

// sortEntries orders entries by tenant then user, so both backends answer alike.
func sortEntries(es []PresenceEntry) {
	slices.SortFunc(es, func(a, b PresenceEntry) int {
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
}

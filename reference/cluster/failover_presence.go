package cluster

import (
	"context"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// foPresence is the failover Presence. The fallback always holds this
// instance's sockets, so a standalone instance still knows who is online
// here, and the sockets can be registered on Redis again after recovery.
type foPresence struct{ f *failover }

func (s foPresence) Add(ctx context.Context, e store.PresenceEntry, socket, instance string) (bool, int, error) {
	lfirst, lcount, lerr := s.f.local.Presence.Add(ctx, e, socket, instance)
	if lerr != nil {
		return false, 0, lerr // a bad entry: Redis would refuse it too
	}
	if instance == s.f.c.opts.Instance {
		s.f.mu.Lock()
		s.f.sockets[localSocket{e.TenantID, e.UserID, socket}] = e
		s.f.mu.Unlock()
	}
	var (
		first bool
		count int
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		first, count, err = s.f.shared.Presence.Add(ctx, e, socket, instance)
		return err
	})
	if local {
		return lfirst, lcount, nil // re-registered on Redis after recovery
	}
	return first, count, err
}

func (s foPresence) Remove(ctx context.Context, tenant, user, socket string) (bool, error) {
	llast, _ := s.f.local.Presence.Remove(ctx, tenant, user, socket)
	s.f.mu.Lock()
	delete(s.f.sockets, localSocket{tenant, user, socket})
	s.f.mu.Unlock()
	var last bool
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		last, err = s.f.shared.Presence.Remove(ctx, tenant, user, socket)
		return err
	})
	if local {
		s.f.journal("remove socket", func(ctx context.Context, shared store.Stores) error {
			_, err := shared.Presence.Remove(ctx, tenant, user, socket)
			return err
		})
		return llast, nil
	}
	return last, err
}

func (s foPresence) Online(ctx context.Context, tenant string) ([]store.PresenceEntry, error) {
	var out []store.PresenceEntry
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		out, err = s.f.shared.Presence.Online(ctx, tenant)
		return err
	})
	if local {
		return s.f.local.Presence.Online(ctx, tenant)
	}
	return out, err
}

func (s foPresence) Heartbeat(ctx context.Context, instance string, ttl time.Duration) ([]store.PresenceEntry, error) {
	lgone, lerr := s.f.local.Presence.Heartbeat(ctx, instance, ttl)
	if lerr != nil {
		return nil, lerr
	}
	var gone []store.PresenceEntry
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		gone, err = s.f.shared.Presence.Heartbeat(ctx, instance, ttl)
		return err
	})
	if local {
		return lgone, nil
	}
	return gone, err
}

// foExpulsions is the failover Expulsions; the fallback always holds the
// expulsions too, so a standalone instance keeps refusing expelled tokens.
type foExpulsions struct{ f *failover }

func (s foExpulsions) Expel(ctx context.Context, tenant, user string, at time.Time, ttl time.Duration) error {
	if err := s.f.local.Expulsions.Expel(ctx, tenant, user, at, ttl); err != nil {
		return err
	}
	local, err := s.f.try(ctx, func(ctx context.Context) error {
		return s.f.shared.Expulsions.Expel(ctx, tenant, user, at, ttl)
	})
	if local {
		until := time.Now().Add(ttl)
		s.f.journal("expel", func(ctx context.Context, shared store.Stores) error {
			left := time.Until(until)
			if ttl > 0 && left <= 0 {
				return nil // expired meanwhile
			}
			if ttl <= 0 {
				left = ttl
			}
			return shared.Expulsions.Expel(ctx, tenant, user, at, left)
		})
		return nil
	}
	return err
}

func (s foExpulsions) ExpelledAt(ctx context.Context, tenant, user string) (time.Time, bool, error) {
	var (
		at time.Time
		ok bool
	)
	local, err := s.f.try(ctx, func(ctx context.Context) (err error) {
		at, ok, err = s.f.shared.Expulsions.ExpelledAt(ctx, tenant, user)
		return err
	})
	if local {
		return s.f.local.Expulsions.ExpelledAt(ctx, tenant, user)
	}
	return at, ok, err
}

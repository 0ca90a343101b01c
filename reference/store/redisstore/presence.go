package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

// presence is the Redis Presence. Each instance has a heartbeat key that
// expires after the presence ttl and a set of its sockets; Heartbeat sweeps
// the sockets of every instance whose heartbeat key has expired.
type presence struct{ s *stores }

// sockMember names one socket inside an instance's set: the keys to clean
// and the user, so that the sweep needs no escaping in Lua.
type sockMember struct {
	Sockets string `json:"s"`
	Online  string `json:"o"`
	User    string `json:"u"`
	Socket  string `json:"k"`
}

func (p presence) member(tenant, user, socket string) (string, error) {
	b, err := json.Marshal(sockMember{
		Sockets: p.s.k.sockets(tenant, user), Online: p.s.k.online(tenant), User: user, Socket: socket,
	})
	return string(b), err
}

// KEYS sockets, online, instance set, heartbeat, instances; ARGV user, socket,
// escaped instance, entry, member, default ttl ms, instance set prefix.
var addPresenceScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old and old ~= ARGV[3] then redis.call('SREM', ARGV[7] .. old, ARGV[5]) end
local before = redis.call('HLEN', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[6], 'NX')
redis.call('SADD', KEYS[5], ARGV[3])
local first = 0
if before == 0 then first = 1 end
return {first, redis.call('HLEN', KEYS[1])}`)

func (p presence) Add(ctx context.Context, e store.PresenceEntry, socket, instance string) (bool, int, error) {
	if e.TenantID == "" || e.UserID == "" || socket == "" || instance == "" {
		return false, 0, fmt.Errorf("presence add: entry needs tenantId, userId, socket and instance: %w", store.ErrInvalid)
	}
	entry, err := json.Marshal(e)
	if err != nil {
		return false, 0, fmt.Errorf("redisstore: encode presence: %w", err)
	}
	member, err := p.member(e.TenantID, e.UserID, socket)
	if err != nil {
		return false, 0, fmt.Errorf("redisstore: encode presence: %w", err)
	}
	k, inst := p.s.k, esc(instance)
	v, err := addPresenceScript.Run(ctx, p.s.rdb, []string{
		k.sockets(e.TenantID, e.UserID), k.online(e.TenantID), k.instPrefix() + inst,
		k.beatPrefix() + inst, k.instances(),
	}, e.UserID, socket, inst, entry, member, p.s.presenceTTL.Milliseconds(), k.instPrefix()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("redisstore: presence add: %w", err)
	}
	return v[0] == 1, int(v[1]), nil
}

// KEYS sockets, online; ARGV user, socket, instance set prefix, member.
var removePresenceScript = redis.NewScript(`
local inst = redis.call('HGET', KEYS[1], ARGV[2])
if not inst then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('SREM', ARGV[3] .. inst, ARGV[4])
if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`)

func (p presence) Remove(ctx context.Context, tenant, user, socket string) (bool, error) {
	member, err := p.member(tenant, user, socket)
	if err != nil {
		return false, fmt.Errorf("redisstore: encode presence: %w", err)
	}
	n, err := removePresenceScript.Run(ctx, p.s.rdb, []string{p.s.k.sockets(tenant, user), p.s.k.online(tenant)},
		user, socket, p.s.k.instPrefix(), member).Int64()
	if err != nil {
		return false, fmt.Errorf("redisstore: presence remove: %w", err)
	}
	return n == 1, nil
}

func (p presence) Online(ctx context.Context, tenant string) ([]store.PresenceEntry, error) {
	vals, err := p.s.rdb.HVals(ctx, p.s.k.online(tenant)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: online: %w", err)
	}
	return decodeEntries(vals)
}

// heartbeatScript refreshes one instance and sweeps the dead ones.
// KEYS heartbeat, instances; ARGV ttl ms, escaped instance, heartbeat prefix,
// instance set prefix. It returns the entries of the users that went offline.
var heartbeatScript = redis.NewScript(`
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
local gone = {}
for _, inst in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[3] .. inst) == 0 then
    local ik = ARGV[4] .. inst
    for _, m in ipairs(redis.call('SMEMBERS', ik)) do
      local r = cjson.decode(m)
      if redis.call('HGET', r.s, r.k) == inst then
        redis.call('HDEL', r.s, r.k)
        if redis.call('HLEN', r.s) == 0 then
          local e = redis.call('HGET', r.o, r.u)
          if e then
            table.insert(gone, e)
            redis.call('HDEL', r.o, r.u)
          end
        end
      end
    end
    redis.call('DEL', ik)
    redis.call('SREM', KEYS[2], inst)
  end
end
return gone`)

func (p presence) Heartbeat(ctx context.Context, instance string, ttl time.Duration) ([]store.PresenceEntry, error) {
	if instance == "" || ttl <= 0 {
		return nil, fmt.Errorf("presence heartbeat: needs an instance and a positive ttl: %w", store.ErrInvalid)
	}
	k, inst := p.s.k, esc(instance)
	vals, err := heartbeatScript.Run(ctx, p.s.rdb, []string{k.beatPrefix() + inst, k.instances()},
		max(1, ttl.Milliseconds()), inst, k.beatPrefix(), k.instPrefix()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: presence heartbeat: %w", err)
	}
	return decodeEntries(vals)
}

func decodeEntries(vals []string) ([]store.PresenceEntry, error) {
	out := make([]store.PresenceEntry, 0, len(vals))
	for _, v := range vals {
		var e store.PresenceEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("redisstore: decode presence: %w", err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b store.PresenceEntry) int {
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	return out, nil
}

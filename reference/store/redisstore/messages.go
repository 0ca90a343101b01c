package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

// messages is the Redis Messages.
type messages struct{ s *stores }

var msgFields = []string{"doc", "seq", "st", "da", "ra"}

func (r messages) ByID(ctx context.Context, tenant, id string) (*store.Message, error) {
	v, err := r.s.rdb.HMGet(ctx, r.s.k.msg(tenant, id), msgFields...).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: message %q: %w", id, err)
	}
	m, err := decodeMsg(v)
	return found(m, err, id)
}

// found turns a decoded missing message into ErrNotFound.
func found(m *store.Message, err error, what string) (*store.Message, error) {
	if err == nil && m == nil {
		err = fmt.Errorf("message %q: %w", what, store.ErrNotFound)
	}
	return m, err
}

// KEYS sid.
var bySidScript = redis.NewScript(`
local mk = redis.call('GET', KEYS[1])
if not mk then return {false, false, false, false, false} end
return redis.call('HMGET', mk, 'doc', 'seq', 'st', 'da', 'ra')`)

func (r messages) BySid(ctx context.Context, sid string) (*store.Message, error) {
	if sid == "" {
		return nil, fmt.Errorf("message with sid %q: %w", sid, store.ErrNotFound)
	}
	v, err := bySidScript.Run(ctx, r.s.rdb, []string{r.s.k.sid(sid)}).Slice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: message with sid %q: %w", sid, err)
	}
	m, err := decodeMsg(v)
	return found(m, err, "with sid "+sid)
}

// setStatusScript moves st forward. KEYS msg; ARGV status, rank, at, da mode,
// ra mode (”=keep, 'set', 'ifempty'), then status/rank pairs.
var setStatusScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'doc', 'seq', 'st', 'da', 'ra')
if not cur[1] then return {-1} end
local ranks = {}
for i = 6, #ARGV, 2 do ranks[ARGV[i]] = tonumber(ARGV[i + 1]) end
local r = ranks[cur[3]]
if r and tonumber(ARGV[2]) <= r then return {0, cur} end
redis.call('HSET', KEYS[1], 'st', ARGV[1])
local function set(field, mode, old)
  if mode == 'set' or (mode == 'ifempty' and (not old or old == '')) then
    redis.call('HSET', KEYS[1], field, ARGV[3])
  end
end
set('da', ARGV[4], cur[4])
set('ra', ARGV[5], cur[5])
return {1, redis.call('HMGET', KEYS[1], 'doc', 'seq', 'st', 'da', 'ra')}`)

func (r messages) SetStatus(ctx context.Context, tenant, id, status string, at time.Time) (*store.Message, bool, error) {
	rank, err := store.StatusRank(status)
	if err != nil {
		return nil, false, err
	}
	da, ra := timeModes(status, at)
	args := []any{status, rank, fmtTime(at), da, ra}
	for st, rk := range store.StatusRanks() {
		args = append(args, st, rk)
	}
	v, err := setStatusScript.Run(ctx, r.s.rdb, []string{r.s.k.msg(tenant, id)}, args...).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: set status of %q: %w", id, err)
	}
	flag, _ := v[0].(int64)
	if flag == -1 {
		return nil, false, fmt.Errorf("message %q: %w", id, store.ErrNotFound)
	}
	fields, err := list(v[1])
	if err != nil {
		return nil, false, err
	}
	m, err := decodeMsg(fields)
	m, err = found(m, err, id)
	return m, flag == 1, err
}

// timeModes asks store.ApplyStatus which times a status sets, so the script
// follows the same rule as the memory store: "set" always, "ifempty" only
// when unset, "" never.
func timeModes(status string, at time.Time) (da, ra string) {
	if at.IsZero() {
		at = time.Unix(1, 0)
	}
	mode := func(get func(*store.Message) time.Time) string {
		blank := &store.Message{}
		store.ApplyStatus(blank, status, at)
		if get(blank).IsZero() {
			return ""
		}
		before := time.Unix(0, 1)
		preset := &store.Message{DeliveredAt: before, ReadAt: before}
		store.ApplyStatus(preset, status, at)
		if get(preset).Equal(before) {
			return "ifempty"
		}
		return "set"
	}
	return mode(func(m *store.Message) time.Time { return m.DeliveredAt }),
		mode(func(m *store.Message) time.Time { return m.ReadAt })
}

// KEYS index; ARGV afterSeq, limit.
var afterScript = redis.NewScript(`
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local out = {0}
if first[2] then out[1] = tonumber(first[2]) end
local ks
if tonumber(ARGV[2]) > 0 then
  ks = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, ARGV[2])
else
  ks = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
end
for _, k in ipairs(ks) do
  table.insert(out, redis.call('HMGET', k, 'doc', 'seq', 'st', 'da', 'ra'))
end
return out`)

func (r messages) After(ctx context.Context, tenant, conversation string, afterSeq int64, limit int) ([]*store.Message, int64, error) {
	v, err := afterScript.Run(ctx, r.s.rdb, []string{r.s.k.index(tenant, conversation)}, afterSeq, limit).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("redisstore: messages of %q: %w", conversation, err)
	}
	oldest, err := parseInt(v[0])
	if err != nil {
		return nil, 0, err
	}
	var out []*store.Message
	for _, e := range v[1:] {
		fields, err := list(e)
		if err != nil {
			return nil, 0, err
		}
		m, err := decodeMsg(fields)
		if err != nil {
			return nil, 0, err
		}
		if m != nil { // trimmed between the index read and now: cannot happen inside a script
			out = append(out, m)
		}
	}
	return out, oldest, nil
}

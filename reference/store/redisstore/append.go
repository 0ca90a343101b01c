package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

// appendScript is Append in one atomic step.
// KEYS conv, dedup, index, msg; ARGV fingerprint, doc, ttl ms, retain, status,
// createdAt, sid key or ”.
var appendScript = redis.NewScript(`
local d = redis.call('HMGET', KEYS[2], 'key', 'fp', 'doc', 'seq', 'st')
if d[1] then
  if d[2] ~= ARGV[1] then return {'conflict', d[1]} end
  local m = redis.call('HMGET', d[1], 'doc', 'seq', 'st', 'da', 'ra')
  if m[1] then return {'dup', m[1], m[2], m[3], m[4], m[5]} end
  return {'dup', d[3], d[4], d[5], false, false}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'notfound'} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'taken'} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[4], 'doc', ARGV[2], 'seq', seq, 'st', ARGV[5], 'da', '', 'ra', '', 'sidKey', ARGV[7])
if ARGV[7] ~= '' then redis.call('SET', ARGV[7], KEYS[4]) end
redis.call('ZADD', KEYS[3], seq, KEYS[4])
redis.call('HSET', KEYS[1], 'last', ARGV[2], 'lastKey', KEYS[4], 'lseq', seq, 'upd', ARGV[6])
local retain = tonumber(ARGV[4])
if retain > 0 then
  local over = redis.call('ZCARD', KEYS[3]) - retain
  if over > 0 then
    local old = redis.call('ZPOPMIN', KEYS[3], over)
    for i = 1, #old, 2 do
      local sk = redis.call('HGET', old[i], 'sidKey')
      if sk and sk ~= '' then redis.call('DEL', sk) end
      redis.call('DEL', old[i])
    end
  end
end
redis.call('HSET', KEYS[2], 'key', KEYS[4], 'fp', ARGV[1], 'doc', ARGV[2], 'seq', seq, 'st', ARGV[5])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return {'new', seq}`)

func (r messages) Append(ctx context.Context, m *store.Message, ttl time.Duration, retain int) (*store.Message, bool, error) {
	if m == nil || m.TenantID == "" || m.MessageID == "" || m.ConversationID == "" {
		return nil, false, fmt.Errorf("append: message needs tenantId, messageId and conversationId: %w", store.ErrInvalid)
	}
	stored := m.Clone()
	if stored.ID == "" {
		stored.ID = store.NewMessageID()
	}
	if stored.CreatedAt.IsZero() {
		stored.CreatedAt = time.Now()
	}
	stored.Seq = 0
	doc, err := msgDoc(stored)
	if err != nil {
		return nil, false, err
	}
	k := r.s.k
	sidKey := ""
	if stored.TwilioSid != "" {
		sidKey = k.sid(stored.TwilioSid)
	}
	keys := []string{
		k.conv(m.TenantID, m.ConversationID), k.dedup(m.TenantID, m.MessageID),
		k.index(m.TenantID, m.ConversationID), k.msg(m.TenantID, stored.ID),
	}
	v, err := appendScript.Run(ctx, r.s.rdb, keys, stored.Fingerprint, doc, ttl.Milliseconds(),
		retain, stored.Status, fmtTime(stored.CreatedAt), sidKey).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: append %q: %w", m.MessageID, err)
	}
	kind, _ := v[0].(string)
	switch kind {
	case "new":
		stored.Seq, err = parseInt(v[1])
		return stored, false, err
	case "dup":
		got, err := decodeMsg(v[1:])
		if err == nil && got == nil {
			err = fmt.Errorf("%w: duplicate without a message", errReply)
		}
		return got, true, err
	case "conflict":
		return nil, false, fmt.Errorf("message %q (stored as %v): %w", m.MessageID, v[1], store.ErrConflict)
	case "notfound":
		return nil, false, fmt.Errorf("conversation %q: %w", m.ConversationID, store.ErrNotFound)
	case "taken":
		return nil, false, fmt.Errorf("message id %q already used: %w", stored.ID, store.ErrInvalid)
	}
	return nil, false, fmt.Errorf("%w: append answered %v", errReply, v)
}

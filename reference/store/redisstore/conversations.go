package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

// ErrBusy is returned by Update when other writers changed the conversation
// on every one of its attempts.
var ErrBusy = errors.New("redisstore: conversation changed concurrently too often")

// updateAttempts bounds the optimistic retries of Update.
const updateAttempts = 32

// convReply is Lua shared by the scripts that answer with a conversation.
const convReply = `
local function conv_reply(ck)
  local c = redis.call('HMGET', ck, 'doc', 'seq', 'upd', 'ver', 'last', 'lastKey', 'lseq')
  if not c[1] then return {false, false, false, false, false, false, false, false, false} end
  local st, da, ra = false, false, false
  if c[6] then
    local m = redis.call('HMGET', c[6], 'st', 'da', 'ra')
    st, da, ra = m[1], m[2], m[3]
  end
  return {c[1], c[2], c[3], c[4], c[5], c[7], st, da, ra}
end
`

var (
	getConvScript = redis.NewScript(convReply + `return conv_reply(KEYS[1])`)

	// KEYS conv; ARGV doc, seq, upd, last doc or '', last seq.
	createConvScript = redis.NewScript(convReply + `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, conv_reply(KEYS[1])} end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'seq', ARGV[2], 'upd', ARGV[3], 'ver', 0)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'last', ARGV[4], 'lseq', ARGV[5]) end
return {1, conv_reply(KEYS[1])}`)

	// KEYS conv; ARGV ver, doc, upd. Writes only when ver is unchanged.
	updateConvScript = redis.NewScript(convReply + `
local v = redis.call('HGET', KEYS[1], 'ver')
if not v then return {-1} end
if v ~= ARGV[1] then return {0} end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'upd', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
return {1, conv_reply(KEYS[1])}`)
)

// conversations is the Redis Conversations.
type conversations struct{ s *stores }

func (r conversations) Get(ctx context.Context, tenant, id string) (*store.Conversation, error) {
	c, _, err := r.get(ctx, tenant, id)
	return c, err
}

func (r conversations) get(ctx context.Context, tenant, id string) (*store.Conversation, int64, error) {
	v, err := getConvScript.Run(ctx, r.s.rdb, []string{r.s.k.conv(tenant, id)}).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("redisstore: get conversation %q: %w", id, err)
	}
	c, ver, err := decodeConv(v)
	if err != nil {
		return nil, 0, err
	}
	if c == nil {
		return nil, 0, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	return c, ver, nil
}

func (r conversations) Create(ctx context.Context, c *store.Conversation) (*store.Conversation, bool, error) {
	if c == nil || c.TenantID == "" || c.ID == "" {
		return nil, false, fmt.Errorf("create conversation: %w", store.ErrInvalid)
	}
	doc, err := convDoc(c)
	if err != nil {
		return nil, false, err
	}
	last := ""
	if c.LastMessage != nil {
		if last, err = msgDoc(c.LastMessage); err != nil {
			return nil, false, err
		}
	}
	var lseq int64
	if c.LastMessage != nil {
		lseq = c.LastMessage.Seq
	}
	v, err := createConvScript.Run(ctx, r.s.rdb, []string{r.s.k.conv(c.TenantID, c.ID)},
		doc, c.LastSeq, fmtTime(c.UpdatedAt), last, lseq).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: create conversation %q: %w", c.ID, err)
	}
	return convResult(v, c.ID)
}

// convResult decodes {flag, conversation} replies.
func convResult(v []any, id string) (*store.Conversation, bool, error) {
	if len(v) != 2 {
		return nil, false, fmt.Errorf("%w: %d values", errReply, len(v))
	}
	flag, _ := v[0].(int64)
	fields, err := list(v[1])
	if err != nil {
		return nil, false, err
	}
	c, _, err := decodeConv(fields)
	if err != nil {
		return nil, false, err
	}
	if c == nil {
		return nil, false, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	return c, flag == 1, nil
}

// Update reads, applies fn and writes back only if nobody wrote in between,
// retrying otherwise: fn may run more than once.
func (r conversations) Update(ctx context.Context, tenant, id string, fn func(*store.Conversation) error) (*store.Conversation, error) {
	if fn == nil {
		return nil, fmt.Errorf("update conversation %q: nil function: %w", id, store.ErrInvalid)
	}
	for range updateAttempts {
		cur, ver, err := r.get(ctx, tenant, id)
		if err != nil {
			return nil, err
		}
		next := cur.Clone()
		if err := fn(next); err != nil {
			return nil, err
		}
		next.TenantID, next.ID = cur.TenantID, cur.ID
		doc, err := convDoc(next)
		if err != nil {
			return nil, err
		}
		v, err := updateConvScript.Run(ctx, r.s.rdb, []string{r.s.k.conv(tenant, id)},
			ver, doc, fmtTime(next.UpdatedAt)).Slice()
		if err != nil {
			return nil, fmt.Errorf("redisstore: update conversation %q: %w", id, err)
		}
		switch flag, _ := v[0].(int64); flag {
		case -1:
			return nil, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
		case 0:
			continue // someone else wrote first: read again
		}
		c, _, err := convResult(v, id)
		return c, err
	}
	return nil, fmt.Errorf("update conversation %q: %w", id, ErrBusy)
}

// KEYS conv, members, of; ARGV user, max, conversation id.
var addMemberScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
local max = tonumber(ARGV[2])
if max > 0 and redis.call('SCARD', KEYS[2]) >= max then return -2 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
return 1`)

func (r conversations) AddMember(ctx context.Context, tenant, id, user string, max int) (bool, error) {
	k := r.s.k
	n, err := addMemberScript.Run(ctx, r.s.rdb,
		[]string{k.conv(tenant, id), k.members(tenant, id), k.of(tenant, user)}, user, max, id).Int64()
	if err != nil {
		return false, fmt.Errorf("redisstore: add member to %q: %w", id, err)
	}
	switch n {
	case -1:
		return false, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	case -2:
		return false, fmt.Errorf("conversation %q has %d members: %w", id, max, store.ErrRoomFull)
	}
	return n == 1, nil
}

func (r conversations) RemoveMember(ctx context.Context, tenant, id, user string) error {
	_, err := r.s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SRem(ctx, r.s.k.members(tenant, id), user)
		p.SRem(ctx, r.s.k.of(tenant, user), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: remove member from %q: %w", id, err)
	}
	return nil
}

func (r conversations) Members(ctx context.Context, tenant, id string) ([]string, error) {
	return r.sorted(ctx, r.s.k.members(tenant, id))
}

func (r conversations) Of(ctx context.Context, tenant, user string) ([]string, error) {
	return r.sorted(ctx, r.s.k.of(tenant, user))
}

func (r conversations) sorted(ctx context.Context, key string) ([]string, error) {
	out, err := r.s.rdb.SMembers(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: members: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

var (
	// KEYS conv, reads; ARGV user, seq. The mark never moves back and stops
	// at the conversation's last seq.
	markReadScript = redis.NewScript(`
local last = redis.call('HGET', KEYS[1], 'seq')
if not last then return -1 end
last = tonumber(last)
local seq = math.min(tonumber(ARGV[2]), last)
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if seq > cur then
  redis.call('HSET', KEYS[2], ARGV[1], seq)
  cur = seq
end
return last - cur`)

	// KEYS conv, reads; ARGV user.
	unreadScript = redis.NewScript(`
local last = redis.call('HGET', KEYS[1], 'seq')
if not last then return -1 end
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
return math.max(0, tonumber(last) - cur)`)
)

func (r conversations) MarkRead(ctx context.Context, tenant, id, user string, seq int64) (int64, error) {
	n, err := markReadScript.Run(ctx, r.s.rdb,
		[]string{r.s.k.conv(tenant, id), r.s.k.reads(tenant, id)}, user, seq).Int64()
	return unreadResult(n, err, id)
}

func (r conversations) Unread(ctx context.Context, tenant, id, user string) (int64, error) {
	n, err := unreadScript.Run(ctx, r.s.rdb,
		[]string{r.s.k.conv(tenant, id), r.s.k.reads(tenant, id)}, user).Int64()
	return unreadResult(n, err, id)
}

func unreadResult(n int64, err error, id string) (int64, error) {
	switch {
	case err != nil:
		return 0, fmt.Errorf("redisstore: read marks of %q: %w", id, err)
	case n < 0:
		return 0, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	return n, nil
}

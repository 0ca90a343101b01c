package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// expulsions is the Redis Expulsions; the value is the expulsion time in unix
// nanoseconds, compared as decimal strings (Lua numbers lose precision there).
type expulsions struct{ s *stores }

// KEYS expel; ARGV at, ttl ms (<= 0: no expiry). A later expulsion in force
// keeps its time.
var expelScript = redis.NewScript(`
local at = ARGV[1]
local cur = redis.call('GET', KEYS[1])
if cur and (#cur > #at or (#cur == #at and cur > at)) then at = cur end
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], at, 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], at)
end
return 1`)

func (r expulsions) Expel(ctx context.Context, tenant, user string, at time.Time, ttl time.Duration) error {
	if err := expelScript.Run(ctx, r.s.rdb, []string{r.s.k.expel(tenant, user)},
		strconv.FormatInt(at.UnixNano(), 10), ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("redisstore: expel: %w", err)
	}
	return nil
}

func (r expulsions) ExpelledAt(ctx context.Context, tenant, user string) (time.Time, bool, error) {
	v, err := r.s.rdb.Get(ctx, r.s.k.expel(tenant, user)).Result()
	if err == redis.Nil {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("redisstore: expelled at: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%w: expulsion time %q", errReply, v)
	}
	return time.Unix(0, n).UTC(), true, nil
}

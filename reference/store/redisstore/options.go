package redisstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
)

// ErrOptions is returned by New for unusable options.
var ErrOptions = errors.New("redisstore: bad options")

// Options configures the Redis stores.
type Options struct {
	// Client is the connection to use; the stores never close it.
	Client redis.UniversalClient
	// Prefix starts every key, e.g. "utalk:"; required, so that tests and
	// deployments sharing one Redis cannot see each other's keys.
	Prefix string
	// PresenceTTL is how long an instance's presence lives when it added
	// sockets but has not called Heartbeat yet: the contract's
	// limits.presenceTtlSeconds.
	PresenceTTL time.Duration
}

// stores is the state shared by the four Redis stores.
type stores struct {
	rdb         redis.UniversalClient
	k           keys
	presenceTTL time.Duration
}

// New returns the Redis stores. Close releases nothing: the caller owns Client.
func New(o Options) (store.Stores, error) {
	switch {
	case o.Client == nil:
		return store.Stores{}, fmt.Errorf("%w: no client", ErrOptions)
	case o.Prefix == "":
		return store.Stores{}, fmt.Errorf("%w: empty prefix", ErrOptions)
	case o.PresenceTTL <= 0:
		return store.Stores{}, fmt.Errorf("%w: presence ttl %v, want > 0", ErrOptions, o.PresenceTTL)
	}
	s := &stores{rdb: o.Client, k: keys{o.Prefix}, presenceTTL: o.PresenceTTL}
	return store.Stores{
		Conversations: conversations{s},
		Messages:      messages{s},
		Presence:      presence{s},
		Expulsions:    expulsions{s},
		Close:         func() error { return nil },
	}, nil
}

package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/utalk/rtconform/spec"
)

// ErrOptions is returned by Connect for unusable options.
var ErrOptions = errors.New("cluster: bad options")

// Defaults for the zero fields of Options.
const (
	DefaultPrefix         = "utalk:"
	DefaultOpTimeout      = 300 * time.Millisecond
	DefaultHealthInterval = 200 * time.Millisecond
	DefaultDialBackoff    = 250 * time.Millisecond
	DefaultPublishQueue   = 8192
	DefaultJournalLimit   = 100_000
)

// Options configures Connect. Only Addr is required.
type Options struct {
	// Addr is the Redis address, host:port.
	Addr string
	// Password is the Redis password; empty for none.
	Password string
	// Prefix starts every Redis key and pub/sub channel; DefaultPrefix when
	// empty. Instances that share state share the prefix.
	Prefix string
	// Instance names this server among the instances; a random name when
	// empty. It keys the presence heartbeat.
	Instance string
	// Logger receives the state changes and rate-limited Redis errors;
	// slog.Default() when nil.
	Logger *slog.Logger
	// OpTimeout bounds every Redis call (dial, read, write); DefaultOpTimeout
	// when zero. No handler waits longer than this on a dead Redis.
	OpTimeout time.Duration
	// HealthInterval is how often Redis is pinged; DefaultHealthInterval when zero.
	HealthInterval time.Duration
	// DialBackoff is how long a failed dial of a pub/sub connection waits
	// before it returns, so the adapter's receive loops do not spin while
	// Redis is down; DefaultDialBackoff when zero.
	DialBackoff time.Duration
	// PresenceTTL is the presence lifetime of an instance that stopped
	// heart-beating; the contract's limits.presenceTtlSeconds when zero.
	PresenceTTL time.Duration
	// PublishQueue bounds the broadcasts waiting to be published; when full,
	// broadcasts to other instances are dropped. DefaultPublishQueue when zero.
	PublishQueue int
	// JournalLimit bounds the writes accepted while standalone and waiting
	// to be written back; DefaultJournalLimit when zero.
	JournalLimit int
}

// withDefaults validates o and fills in its zero fields.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		return o, fmt.Errorf("%w: no redis address", ErrOptions)
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return o, fmt.Errorf("%w: redis address %q: %v", ErrOptions, o.Addr, err)
	}
	for name, d := range map[string]time.Duration{
		"op timeout": o.OpTimeout, "health interval": o.HealthInterval,
		"dial backoff": o.DialBackoff, "presence ttl": o.PresenceTTL,
	} {
		if d < 0 {
			return o, fmt.Errorf("%w: negative %s %v", ErrOptions, name, d)
		}
	}
	if o.PublishQueue < 0 || o.JournalLimit < 0 {
		return o, fmt.Errorf("%w: negative queue or journal limit", ErrOptions)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Instance == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		o.Instance = "inst-" + hex.EncodeToString(b[:])
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.OpTimeout = or(o.OpTimeout, DefaultOpTimeout)
	o.HealthInterval = or(o.HealthInterval, DefaultHealthInterval)
	o.DialBackoff = or(o.DialBackoff, DefaultDialBackoff)
	if o.PresenceTTL == 0 {
		o.PresenceTTL = spec.Default().Limits.PresenceTTL()
	}
	o.PublishQueue = or(o.PublishQueue, DefaultPublishQueue)
	o.JournalLimit = or(o.JournalLimit, DefaultJournalLimit)
	return o, nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

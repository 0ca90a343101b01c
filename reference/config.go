package reference

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// Defaults of the settings the contract does not fix.
const (
	DefaultAddr           = ":3001"
	DefaultDeliveredDelay = 300 * time.Millisecond
	DefaultReadDelay      = 900 * time.Millisecond
	DefaultMaxUploadBytes = 16 << 20
	// DefaultServeGCPercent is the GC target of `rtconform serve`: the server
	// allocates fast and keeps little, so with the runtime's 100 the collector
	// took a fifth of its CPU. 200 cut the CPU per message by about 15% for about
	// 5% more RSS per idle connection (bench/README.md).
	DefaultServeGCPercent = 200
	// DefaultCORSOrigins are the dev servers of the usual frontend tool chains
	// (create-react-app / Next.js on 3000, Vite on 5173). Credentials are allowed,
	// so the origins must be listed: a wildcard would be refused by browsers.
	DefaultCORSOrigins = "http://localhost:3000,http://localhost:5173"
)

// Errors of Config validation; New and ConfigFromEnv wrap them.
var (
	ErrMissingJWTSecret = errors.New("JWT_SECRET is required: the HS256 secret that signs the users' tokens")
	ErrInvalidConfig    = errors.New("invalid configuration")
	ErrMutationsRefused = errors.New("negative-control mutations need a test binary built with -tags negativecontrols")
)

// Redis says where the shared state and the adapter live; an empty Host keeps the
// server fully in memory.
type Redis struct {
	Host     string
	Port     int
	Password string
	// Prefix namespaces every key and channel, so several deployments (or tests)
	// can share one Redis.
	Prefix string
	// OpTimeout bounds every Redis call; past it the call fails and the instance
	// may go standalone (cluster.DefaultOpTimeout, 300 ms, when zero). A longer one
	// rides out a slow Redis on a loaded machine but delays local delivery for as
	// long while Redis hangs.
	OpTimeout time.Duration
}

// Addr is host:port, or "" when Redis is not configured.
func (r Redis) Addr() string {
	if r.Host == "" {
		return ""
	}
	return net.JoinHostPort(r.Host, fmt.Sprint(r.Port))
}

// ChannelNumber maps a business WhatsApp number (the webhook's To) to a tenant and
// workspace.
type ChannelNumber struct {
	Number      string
	TenantID    string
	WorkspaceID string
}

// Config is the whole configuration of a reference server. Zero values take the
// documented defaults (most of them from the contract); New validates it.
type Config struct {
	// Addr is the listen address of Start (default DefaultAddr; "127.0.0.1:0" picks
	// a free port).
	Addr string
	// JWTSecret is the HS256 secret of the users' tokens. Required.
	JWTSecret string
	// CORSOrigins are the browser origins allowed, with credentials (default
	// DefaultCORSOrigins). "*" reflects any origin.
	CORSOrigins []string
	// Contract is the contract the server speaks (default spec.Default()).
	Contract *spec.Contract
	// Stores holds the state; a zero value means store.NewMemory(), or the Redis
	// stores when Redis is configured.
	Stores store.Stores
	// Redis enables the Redis adapter and stores.
	Redis Redis
	// ControlToken, when set, is required as a bearer token on /control/*.
	ControlToken string
	// TwilioAuthToken, when set, makes the webhooks check X-Twilio-Signature.
	TwilioAuthToken string
	// Channels are the static business numbers (see also POST /control/channels).
	Channels []ChannelNumber

	// PingInterval and PingTimeout override the contract's Engine.IO heartbeat.
	PingInterval time.Duration
	PingTimeout  time.Duration
	// RateLimitScale multiplies every per-event limit (default 1).
	RateLimitScale float64
	// NoRateLimits turns rate limiting off (benchmarks).
	NoRateLimits bool
	// RateWindow replaces every event's window (tests; default the contract's).
	RateWindow time.Duration
	// Retention is how many messages each conversation keeps for sync:state
	// (default limits.maxMessagesPerRoom).
	Retention int
	// OutboundBufferPackets bounds each connection's outbound queue (default
	// limits.outboundBufferPackets).
	OutboundBufferPackets int
	// TypingTimeout is when typing stops by itself (default limits.typingTimeoutMs).
	TypingTimeout time.Duration
	// DeliveredDelay and ReadDelay pace the simulated WhatsApp channel (defaults
	// DefaultDeliveredDelay and DefaultReadDelay after the send).
	DeliveredDelay time.Duration
	ReadDelay      time.Duration
	// MaxUploadBytes bounds POST /media (default DefaultMaxUploadBytes).
	MaxUploadBytes int64
	// MetricsInterval paces metrics:snapshot on /admin (default the event's
	// intervalMs).
	MetricsInterval time.Duration
	// Instance names this server in health, presence and logs (default
	// hostname-pid).
	Instance string
	// Pprof serves net/http/pprof under /debug/pprof/ on the same listener
	// (profiling under load; off by default).
	Pprof bool
	// GCPercent, when above zero, is the Go garbage collector's target
	// (debug.SetGCPercent), set process-wide by Start; zero leaves the runtime's
	// (GOGC, default 100). `rtconform serve` uses DefaultServeGCPercent unless GOGC
	// is set.
	GCPercent int
	// Logger receives structured logs (default: discarded).
	Logger *slog.Logger
	// Mutations are negative controls for the conformance suite; New refuses them
	// unless the binary is built with -tags negativecontrols.
	Mutations []Mutation
}

var e164Loose = regexp.MustCompile(`^\+[0-9]{7,15}$`)

// withDefaults returns cfg with every zero setting replaced by its default.
func (cfg Config) withDefaults() Config {
	if cfg.Contract == nil {
		cfg.Contract = spec.Default()
	}
	c := cfg.Contract
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if len(cfg.CORSOrigins) == 0 {
		cfg.CORSOrigins = strings.Split(DefaultCORSOrigins, ",")
	}
	if cfg.PingInterval == 0 {
		cfg.PingInterval = c.Transport.PingInterval()
	}
	if cfg.PingTimeout == 0 {
		cfg.PingTimeout = c.Transport.PingTimeout()
	}
	if cfg.RateLimitScale == 0 {
		cfg.RateLimitScale = 1
	}
	if cfg.Retention == 0 {
		cfg.Retention = c.Limits.MaxMessagesPerRoom
	}
	if cfg.OutboundBufferPackets == 0 {
		cfg.OutboundBufferPackets = c.Limits.OutboundBufferPackets
	}
	if cfg.TypingTimeout == 0 {
		cfg.TypingTimeout = c.Limits.TypingTimeout()
	}
	if cfg.DeliveredDelay == 0 {
		cfg.DeliveredDelay = DefaultDeliveredDelay
	}
	if cfg.ReadDelay == 0 {
		cfg.ReadDelay = DefaultReadDelay
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.MetricsInterval == 0 {
		cfg.MetricsInterval = 5 * time.Second
		if e := c.ByRole(spec.MetricsSnapshot); e != nil && e.Interval > 0 {
			cfg.MetricsInterval = e.Interval
		}
	}
	if cfg.Instance == "" {
		cfg.Instance = defaultInstance()
	}
	if cfg.Redis.Host != "" && cfg.Redis.Port == 0 {
		cfg.Redis.Port = 6379
	}
	return cfg
}

// validate reports the first unusable setting of a defaulted Config.
func (cfg Config) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case cfg.JWTSecret == "":
		return ErrMissingJWTSecret
	case cfg.PingInterval < 0 || cfg.PingTimeout < 0:
		return bad("ping interval and timeout must be positive")
	case cfg.Redis.OpTimeout < 0:
		return bad("redis timeout %v is negative", cfg.Redis.OpTimeout)
	case cfg.RateLimitScale < 0 || math.IsNaN(cfg.RateLimitScale) || math.IsInf(cfg.RateLimitScale, 0):
		return bad("rate-limit scale %v must be a positive number", cfg.RateLimitScale)
	case cfg.RateWindow < 0:
		return bad("rate window %v must be positive", cfg.RateWindow)
	case cfg.Retention < 0:
		return bad("retention %d must be positive", cfg.Retention)
	case cfg.OutboundBufferPackets < 0:
		return bad("outbound buffer %d must be positive", cfg.OutboundBufferPackets)
	case cfg.TypingTimeout < 0, cfg.DeliveredDelay < 0, cfg.ReadDelay < 0, cfg.MetricsInterval < 0:
		return bad("durations must be positive")
	case cfg.GCPercent < 0:
		return bad("gc percent %d must be positive (0 keeps the runtime's)", cfg.GCPercent)
	case cfg.MaxUploadBytes < 0:
		return bad("max upload %d must be positive", cfg.MaxUploadBytes)
	case cfg.Redis.Host != "" && (cfg.Redis.Port <= 0 || cfg.Redis.Port > 65535):
		return bad("redis port %d is not a TCP port", cfg.Redis.Port)
	}
	for _, ch := range cfg.Channels {
		if !e164Loose.MatchString(ch.Number) || ch.TenantID == "" || ch.WorkspaceID == "" {
			return bad("channel %q=%s/%s: want +digits=tenant/workspace", ch.Number, ch.TenantID, ch.WorkspaceID)
		}
	}
	for _, m := range cfg.Mutations {
		if !m.known() {
			return bad("unknown mutation %q", m)
		}
	}
	if len(cfg.Mutations) > 0 && !mutationsEnabled {
		return ErrMutationsRefused
	}
	return nil
}

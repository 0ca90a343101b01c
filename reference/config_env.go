package reference

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/utalk/rtconform/spec"
)

// The environment variables ConfigFromEnv reads (the source document's names first).
const (
	EnvPort            = "PORT"
	EnvJWTSecret       = "JWT_SECRET"
	EnvCORSOrigin      = "CORS_ORIGIN"
	EnvRedisHost       = "REDIS_HOST"
	EnvRedisPort       = "REDIS_PORT"
	EnvRedisPassword   = "REDIS_PASSWORD"
	EnvRedisPrefix     = "REDIS_PREFIX"
	EnvControlToken    = "CONTROL_TOKEN"
	EnvTwilioAuthToken = "TWILIO_AUTH_TOKEN"
	EnvChannelNumbers  = "CHANNEL_NUMBERS"
	EnvContract        = "CONTRACT"
)

// ConfigFromEnv builds a Config from environment variables (read with getenv) and
// command-line flags (args, without the program and subcommand names); a flag wins
// over its variable. It loads the CONTRACT file when one is named. --help returns an
// error matching flag.ErrHelp after printing the flags to FlagOutput.
func ConfigFromEnv(getenv func(string) string, args []string) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(FlagOutput)
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	port := fs.String("port", env(EnvPort, "3001"), "TCP port ($PORT)")
	addr := fs.String("addr", "", "listen address host:port; overrides --port")
	fs.StringVar(&cfg.JWTSecret, "jwt-secret", "", "HS256 secret of the users' tokens ($JWT_SECRET, required)")
	cors := fs.String("cors-origin", env(EnvCORSOrigin, DefaultCORSOrigins), "comma-separated browser origins allowed with credentials, or * ($CORS_ORIGIN)")
	fs.StringVar(&cfg.Redis.Host, "redis-host", env(EnvRedisHost, ""), "Redis host; empty runs in memory ($REDIS_HOST)")
	redisPort := fs.String("redis-port", env(EnvRedisPort, "6379"), "Redis port ($REDIS_PORT)")
	fs.StringVar(&cfg.Redis.Password, "redis-password", "", "Redis password ($REDIS_PASSWORD)")
	fs.DurationVar(&cfg.Redis.OpTimeout, "redis-timeout", 0, "bound of every Redis call (default 300ms)")
	fs.StringVar(&cfg.Redis.Prefix, "redis-prefix", env(EnvRedisPrefix, "utalk:"), "prefix of every Redis key and channel ($REDIS_PREFIX)")
	fs.StringVar(&cfg.ControlToken, "control-token", "", "bearer token required on /control/* ($CONTROL_TOKEN)")
	fs.StringVar(&cfg.TwilioAuthToken, "twilio-auth-token", "", "checks X-Twilio-Signature on the webhooks ($TWILIO_AUTH_TOKEN)")
	channels := fs.String("channel-numbers", env(EnvChannelNumbers, ""), "business numbers, +14155550100=tenantA/ws1,... ($CHANNEL_NUMBERS)")
	contract := fs.String("contract", env(EnvContract, ""), "path of a variant contract; default the embedded one ($CONTRACT)")
	fs.DurationVar(&cfg.PingInterval, "ping-interval", 0, "Engine.IO ping interval (default the contract's)")
	fs.DurationVar(&cfg.PingTimeout, "ping-timeout", 0, "Engine.IO ping timeout (default the contract's)")
	fs.Float64Var(&cfg.RateLimitScale, "rate-limit-scale", 1, "multiply every per-event rate limit by N")
	fs.BoolVar(&cfg.NoRateLimits, "no-rate-limits", false, "turn rate limits off (benchmarks)")
	fs.DurationVar(&cfg.RateWindow, "rate-window", 0, "replace every rate-limit window (default the contract's, 60s)")
	fs.IntVar(&cfg.Retention, "retention", 0, "messages kept per conversation (default limits.maxMessagesPerRoom)")
	fs.IntVar(&cfg.OutboundBufferPackets, "outbound-buffer", 0, "packets queued per connection before a slow consumer is dropped (default limits.outboundBufferPackets)")
	fs.DurationVar(&cfg.TypingTimeout, "typing-timeout", 0, "typing stops by itself after this (default limits.typingTimeoutMs)")
	fs.DurationVar(&cfg.DeliveredDelay, "delivered-delay", DefaultDeliveredDelay, "simulated WhatsApp: send to message:delivered")
	fs.DurationVar(&cfg.ReadDelay, "read-delay", DefaultReadDelay, "simulated WhatsApp: send to message:read")
	fs.StringVar(&cfg.Instance, "instance", "", "instance name (default hostname-pid)")
	mutations := fs.String("mutation", "", "negative controls to switch on, comma-separated (only in builds with -tags negativecontrols)")
	fs.BoolVar(&cfg.Pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/ on the same listener (profiling)")
	gcDefault := DefaultServeGCPercent
	if strings.TrimSpace(getenv("GOGC")) != "" {
		gcDefault = 0 // the runtime already applied GOGC
	}
	fs.IntVar(&cfg.GCPercent, "gc-percent", gcDefault, "Go GC target percent; 0 keeps the runtime's ($GOGC)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected argument %q", ErrInvalidConfig, fs.Arg(0))
	}
	// Secrets take their variables after parsing, never as flag defaults: the usage
	// text (printed on --help and on any bad flag) would show them in CI logs.
	for _, sec := range []struct {
		v    *string
		name string
	}{{&cfg.JWTSecret, EnvJWTSecret}, {&cfg.Redis.Password, EnvRedisPassword},
		{&cfg.ControlToken, EnvControlToken}, {&cfg.TwilioAuthToken, EnvTwilioAuthToken}} {
		if *sec.v == "" {
			*sec.v = env(sec.name, "")
		}
	}
	cfg.Addr = *addr
	if cfg.Addr == "" {
		p, err := strconv.Atoi(*port)
		if err != nil || p < 0 || p > 65535 {
			return Config{}, fmt.Errorf("%w: PORT %q is not a TCP port", ErrInvalidConfig, *port)
		}
		cfg.Addr = fmt.Sprintf(":%d", p)
	}
	cfg.CORSOrigins = splitList(*cors)
	for _, m := range splitList(*mutations) {
		cfg.Mutations = append(cfg.Mutations, Mutation(m))
	}
	if cfg.Redis.Host != "" {
		p, err := strconv.Atoi(*redisPort)
		if err != nil {
			return Config{}, fmt.Errorf("%w: REDIS_PORT %q is not a TCP port", ErrInvalidConfig, *redisPort)
		}
		cfg.Redis.Port = p
	}
	var err error
	if cfg.Channels, err = ParseChannelNumbers(*channels); err != nil {
		return Config{}, err
	}
	if *contract != "" {
		if cfg.Contract, err = spec.Load(*contract); err != nil {
			return Config{}, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	if err := cfg.withDefaults().validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// FlagOutput receives ConfigFromEnv's usage and flag errors (default os.Stderr).
var FlagOutput io.Writer = os.Stderr

// ParseChannelNumbers parses CHANNEL_NUMBERS: "+14155550100=tenantA/ws1,+1...=tenantB/ws2".
func ParseChannelNumbers(s string) ([]ChannelNumber, error) {
	var out []ChannelNumber
	for _, item := range splitList(s) {
		num, target, ok := strings.Cut(item, "=")
		tenant, ws, ok2 := strings.Cut(target, "/")
		num, tenant, ws = strings.TrimSpace(num), strings.TrimSpace(tenant), strings.TrimSpace(ws)
		if !ok || !ok2 || !e164Loose.MatchString(num) || tenant == "" || ws == "" {
			return nil, fmt.Errorf("%w: CHANNEL_NUMBERS item %q: want +digits=tenant/workspace", ErrInvalidConfig, item)
		}
		out = append(out, ChannelNumber{Number: num, TenantID: tenant, WorkspaceID: ws})
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// IsHelp reports whether err is the --help request of ConfigFromEnv.
func IsHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }

func defaultInstance() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "reference"
	}
	return fmt.Sprintf("%s-%d-%s", h, os.Getpid(), randomHex(3))
}

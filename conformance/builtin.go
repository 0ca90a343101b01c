package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// BuiltinRateWindow is the rate-limit window the built-in target runs with, so the
// recovery spec waits seconds, not a minute.
const BuiltinRateWindow = 3 * time.Second

// BuiltinOptions configure one in-process reference instance.
type BuiltinOptions struct {
	JWTSecret    string
	ContractPath string
	// RedisAddr is host:port of a shared Redis; empty means in-memory.
	RedisAddr   string
	RedisPrefix string
	// RedisOpTimeout bounds each Redis call of the instances (the reference's default when zero).
	RedisOpTimeout time.Duration
	RateWindow     time.Duration
	// Mutations name the negative-control mutations to apply (build tag negativecontrols).
	Mutations []string
}

// BuiltinInstance is a running in-process instance.
type BuiltinInstance struct {
	// Addr is host:port.
	Addr string
	Stop func(context.Context) error
	// ControlToken is the bearer token its control surface wants, if any.
	ControlToken string
}

// StartBuiltin starts one reference instance. It is set by builtin_reference.go, which
// links the reference server into the test binary; nil means no built-in target exists.
var StartBuiltin func(ctx context.Context, o BuiltinOptions) (BuiltinInstance, error)

// ErrNoBuiltin is returned when TARGET is unset and no reference server is linked in.
var ErrNoBuiltin = errors.New("no built-in target: the reference server is not linked into this suite; set TARGET")

// Mutations are applied to every built-in instance (the negative-control self-test sets
// them before the suite starts).
var Mutations []string

// EnvMutations names the negative-control mutations (comma-separated) the built-in
// target runs with. Only a suite binary built with -tags negativecontrols reads it
// (conformance/selftest builds one); the shipped suite ignores it.
const EnvMutations = "CONFORMANCE_MUTATIONS"

// builtinRedisOpTimeout bounds the Redis calls of the shared built-in target.
const builtinRedisOpTimeout = time.Second

// builtinTarget starts the reference server: two instances sharing one Redis when a Redis
// can be had, else one in-memory instance with the multi-instance requirements lacking.
func builtinTarget(ctx context.Context, cfg Config, c *spec.Contract) (*Target, error) {
	if StartBuiltin == nil {
		return nil, ErrNoBuiltin
	}
	secret := cfg.Getenv("JWT_SECRET")
	if secret == "" {
		secret = randomHex(16)
	}
	t := &Target{SIOPath: sioPath(cfg, c), Headers: cfg.Headers, Tokens: token.NewSecret([]byte(secret)),
		Contract: c, RateWindow: BuiltinRateWindow, Builtin: true, Lacks: map[string]string{}}
	var stops []func(context.Context) error
	t.stop = func(ctx context.Context) error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i](ctx))
		}
		return errors.Join(errs...)
	}
	opts := BuiltinOptions{JWTSecret: secret, ContractPath: cfg.ContractPath, RateWindow: BuiltinRateWindow, Mutations: Mutations}
	t.builtin = opts
	n := 2
	r, err := redistest.Start(ctx)
	switch {
	case err == nil:
		t.Redis = r
		stops = append(stops, func(context.Context) error { return r.Close() })
		opts.RedisAddr, opts.RedisPrefix = r.Addr(), redistest.Prefix("conformance-"+randomHex(4))
		// This Redis is never faulted (the adapter specs start their own): a slow
		// call on a loaded CI machine must not split the instances.
		opts.RedisOpTimeout = builtinRedisOpTimeout
	case errors.Is(err, redistest.ErrUnavailable):
		n = 1
		reason := "no Redis for the built-in target: " + err.Error()
		t.Lacks[spec.RequiresMultiInstance], t.Lacks[spec.RequiresRedisFault] = reason, reason
	default:
		return nil, fmt.Errorf("start redis: %w", err)
	}
	for i := 0; i < n; i++ {
		inst, err := StartBuiltin(ctx, opts)
		if err != nil && i == 0 && opts.RedisAddr != "" {
			// The reference cannot use Redis (for example a build without the Redis
			// integration): fall back to one in-memory instance and say why.
			reason := "the built-in target could not use Redis: " + err.Error()
			t.Lacks[spec.RequiresMultiInstance], t.Lacks[spec.RequiresRedisFault] = reason, reason
			opts.RedisAddr, opts.RedisPrefix, n = "", "", 1
			t.builtin.RedisAddr = ""
			inst, err = StartBuiltin(ctx, opts)
		}
		if err != nil {
			_ = t.stop(context.Background())
			return nil, fmt.Errorf("start built-in instance %d: %w", i+1, err)
		}
		stops = append(stops, inst.Stop)
		t.Instances = append(t.Instances, "http://"+inst.Addr)
		t.ControlToken = inst.ControlToken
	}
	t.ControlURL = t.Instances[0]
	if cfg.ControlURL != "" {
		t.ControlURL = httpBase(cfg.ControlURL)
	}
	t.Name = fmt.Sprintf("built-in reference (%d instance(s), %s)", n, map[bool]string{true: "Redis " + opts.RedisAddr, false: "in-memory"}[opts.RedisAddr != ""])
	if len(Mutations) > 0 {
		t.Name += fmt.Sprintf(", mutations %v", Mutations)
	}
	return t, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomHexByte() byte {
	b := make([]byte, 1)
	_, _ = rand.Read(b)
	return b[0]
}

// StartFaultCluster starts, for one spec, two built-in instances sharing a Redis of
// their own that they reach through a RedisFault, so the spec can fault Redis without
// touching the suite's shared target. Stop the returned target when the spec ends.
func StartFaultCluster(ctx context.Context, parent *Target) (*Target, *RedisFault, error) {
	if !parent.Builtin || StartBuiltin == nil {
		return nil, nil, errors.New("fault clusters are started for the built-in target only")
	}
	if why := parent.Missing(spec.RequiresRedisFault); why != "" {
		return nil, nil, errors.New(why)
	}
	r, err := redistest.Start(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("start redis: %w", err)
	}
	f, err := NewRedisFault("127.0.0.1:0", r.Addr())
	if err != nil {
		_ = r.Close()
		return nil, nil, err
	}
	t := *parent
	t.Instances, t.Redis, t.Lacks = nil, r, map[string]string{}
	stops := []func(context.Context) error{
		func(context.Context) error { return r.Close() },
		func(context.Context) error { return f.Close() },
	}
	t.stop = func(ctx context.Context) error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i](ctx))
		}
		return errors.Join(errs...)
	}
	opts := parent.builtin
	opts.RedisAddr, opts.RedisPrefix = f.Addr(), redistest.Prefix("fault-"+randomHex(4))
	// The reference's own Redis timeout: the fault specs measure local delivery
	// while Redis hangs, which waits for it.
	opts.RedisOpTimeout = 0
	for i := 0; i < 2; i++ {
		inst, err := StartBuiltin(ctx, opts)
		if err != nil {
			_ = t.stop(context.Background())
			return nil, nil, fmt.Errorf("start fault-cluster instance %d: %w", i+1, err)
		}
		stops = append(stops, inst.Stop)
		t.Instances = append(t.Instances, "http://"+inst.Addr)
	}
	t.ControlURL = t.Instances[0]
	t.Name = fmt.Sprintf("built-in fault cluster (2 instances, Redis %s through %s)", r.Addr(), f.Addr())
	return &t, f, nil
}

package conformance_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/spec"
)

// The built-in target: only the test binary links the reference server, so the
// conformance package itself never depends on it.
func init() { conformance.StartBuiltin = startReference }

// envReferenceLog, when set, sends the built-in servers' logs to stderr.
const envReferenceLog = "CONFORMANCE_REFERENCE_LOG"

// Fast heartbeats for the built-in target, so dead transports are noticed in seconds.
const (
	builtinPingInterval = 2 * time.Second
	builtinPingTimeout  = 3 * time.Second
)

func startReference(ctx context.Context, o conformance.BuiltinOptions) (conformance.BuiltinInstance, error) {
	c, err := spec.LoadOrDefault(o.ContractPath)
	if err != nil {
		return conformance.BuiltinInstance{}, err
	}
	cfg := reference.Config{
		Addr: "127.0.0.1:0", JWTSecret: o.JWTSecret, Contract: c,
		PingInterval: builtinPingInterval, PingTimeout: builtinPingTimeout, RateWindow: o.RateWindow,
	}
	if os.Getenv(envReferenceLog) != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if o.RedisAddr != "" {
		host, port, err := net.SplitHostPort(o.RedisAddr)
		if err != nil {
			return conformance.BuiltinInstance{}, err
		}
		p, _ := strconv.Atoi(port)
		cfg.Redis = reference.Redis{Host: host, Port: p, Prefix: o.RedisPrefix, OpTimeout: o.RedisOpTimeout}
	}
	for _, m := range o.Mutations {
		cfg.Mutations = append(cfg.Mutations, reference.Mutation(m))
	}
	srv, err := reference.New(cfg)
	if err != nil {
		return conformance.BuiltinInstance{}, err
	}
	addr, err := srv.Start(ctx)
	if err != nil {
		return conformance.BuiltinInstance{}, err
	}
	return conformance.BuiltinInstance{Addr: addr, Stop: srv.Shutdown}, nil
}

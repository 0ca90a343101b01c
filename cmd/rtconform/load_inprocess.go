package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen"
	"github.com/utalk/rtconform/reference"
)

// startReference starts the reference server in-process on a free loopback port and
// points cfg at it: the load command's target when neither --target, TARGET nor the
// scenario's target.url names one. Tokens are minted with JWT_SECRET when set, else
// with a random secret shared with the server (TOKEN_CMD is not used: its tokens
// would not match). A scenario with limits_raised gets a server without rate limits.
// The server logs to reference.log in the run directory. The returned function shuts
// the server down.
func startReference(ctx context.Context, env environment, cfg *loadgen.Config) (func(), error) {
	secret := env.Getenv("JWT_SECRET")
	secretNote := "JWT_SECRET"
	if secret == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		secret, secretNote = hex.EncodeToString(b), "a random secret"
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(cfg.OutDir, "reference.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	rc := reference.Config{Addr: "127.0.0.1:0", JWTSecret: secret, Contract: cfg.Contract,
		NoRateLimits: cfg.Scenario.LimitsRaised,
		Logger:       slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	srv, err := reference.New(rc)
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("in-process reference server: %w", err)
	}
	addr, err := srv.Start(ctx)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		logFile.Close()
		return nil, fmt.Errorf("in-process reference server: %w", err)
	}
	cfg.Target = "http://" + addr
	cfg.Tokens = token.NewSecret([]byte(secret))
	limits := "the contract's rate limits"
	if rc.NoRateLimits {
		limits = "rate limits off (limits_raised)"
	}
	cfg.TargetStarted = fmt.Sprintf("reference server (rtconform serve) in this process on %s, tokens signed with %s, %s; log %s",
		addr, secretNote, limits, logPath)
	fmt.Fprintln(env.Stderr, "rtconform load: no target given: started the", cfg.TargetStarted)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		logFile.Close()
	}, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/spec"
)

func init() {
	register("serve", "the reference server (PORT, JWT_SECRET, CORS_ORIGIN, REDIS_* ...)", runServe)
}

// runServe runs the reference server until ctx is cancelled (SIGINT, SIGTERM),
// then shuts it down gracefully.
func runServe(ctx context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	reference.FlagOutput = env.Stderr
	cfg, err := reference.ConfigFromEnv(env.Getenv, args)
	switch {
	case reference.IsHelp(err):
		return exit.Pass
	case err != nil:
		fmt.Fprintf(env.Stderr, "rtconform serve: %v\n", err)
		return exit.Usage
	}
	level := slog.LevelInfo
	if strings.EqualFold(env.Getenv("LOG_LEVEL"), "debug") {
		level = slog.LevelDebug
	}
	var h slog.Handler = slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level})
	if strings.EqualFold(env.Getenv("LOG_FORMAT"), "json") {
		h = slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level})
	}
	cfg.Logger = slog.New(h)
	srv, err := reference.New(cfg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rtconform serve: %v\n", err)
		if errors.Is(err, reference.ErrInvalidConfig) || errors.Is(err, reference.ErrMissingJWTSecret) {
			return exit.Usage
		}
		return exit.Unreachable
	}
	addr, err := srv.Start(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rtconform serve: %v\n", err)
		_ = srv.Shutdown(context.Background())
		return exit.Unreachable
	}
	fmt.Fprintf(env.Stdout, "reference server on http://%s (Socket.IO %s)\n", addr, srv.Contract().Transport.Path)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform serve: shutdown: %v\n", err)
		return exit.Unreachable
	}
	return exit.Pass
}

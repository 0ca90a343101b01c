package reference

import (
	"errors"
	"io"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	FlagOutput = io.Discard
	cfg, err := ConfigFromEnv(env(map[string]string{"JWT_SECRET": "s", "PORT": "4000", "REDIS_HOST": "r", "REDIS_PORT": "6380",
		"CHANNEL_NUMBERS": "+14155550100=tenantA/ws1, +14155550101=tenantB/ws2", "CORS_ORIGIN": "http://a, http://b"}),
		[]string{"--ping-interval", "1s", "--rate-limit-scale", "10", "--rate-window", "3s", "--pprof"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":4000" || cfg.Redis.Addr() != "r:6380" || len(cfg.Channels) != 2 || cfg.Channels[1].TenantID != "tenantB" ||
		len(cfg.CORSOrigins) != 2 || cfg.PingInterval != time.Second || cfg.RateLimitScale != 10 || cfg.RateWindow != 3*time.Second || !cfg.Pprof ||
		cfg.GCPercent != DefaultServeGCPercent {
		t.Fatalf("config %+v", cfg)
	}
	cfg, err = ConfigFromEnv(env(map[string]string{"JWT_SECRET": "s", "PORT": "4000"}), []string{"--port", "5000", "--jwt-secret", "t"})
	if err != nil || cfg.Addr != ":5000" || cfg.JWTSecret != "t" {
		t.Fatalf("flags over env: %+v %v", cfg, err)
	}
	if cfg.Redis.Host != "" || len(cfg.CORSOrigins) != 2 {
		t.Fatalf("defaults: %+v", cfg)
	}
	if cfg, err := ConfigFromEnv(env(map[string]string{"JWT_SECRET": "s", "GOGC": "50"}), nil); err != nil || cfg.GCPercent != 0 {
		t.Fatalf("GOGC set: GCPercent %d, %v; want 0 (the runtime's)", cfg.GCPercent, err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want error
	}{
		{"no secret", map[string]string{}, nil, ErrMissingJWTSecret},
		{"bad port", map[string]string{"JWT_SECRET": "s", "PORT": "http"}, nil, ErrInvalidConfig},
		{"bad channel", map[string]string{"JWT_SECRET": "s", "CHANNEL_NUMBERS": "14155550100=a/b"}, nil, ErrInvalidConfig},
		{"bad redis port", map[string]string{"JWT_SECRET": "s", "REDIS_HOST": "r", "REDIS_PORT": "x"}, nil, ErrInvalidConfig},
		{"missing contract", map[string]string{"JWT_SECRET": "s", "CONTRACT": "/nonexistent.yaml"}, nil, ErrInvalidConfig},
		{"negative scale", map[string]string{"JWT_SECRET": "s"}, []string{"--rate-limit-scale", "-1"}, ErrInvalidConfig},
		{"stray argument", map[string]string{"JWT_SECRET": "s"}, []string{"extra"}, ErrInvalidConfig},
		{"negative gc percent", map[string]string{"JWT_SECRET": "s"}, []string{"--gc-percent", "-5"}, ErrInvalidConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ConfigFromEnv(env(tc.env), tc.args); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := ConfigFromEnv(env(nil), []string{"--help"}); !IsHelp(err) {
		t.Fatalf("--help: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrMissingJWTSecret) {
		t.Fatalf("no secret: %v", err)
	}
	if _, err := New(Config{JWTSecret: "s", Mutations: []Mutation{"bogus"}}); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("unknown mutation: %v", err)
	}
}

package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr bool
		check   func(t *testing.T, c Config)
	}{
		{name: "empty is the built-in target", env: map[string]string{}, check: func(t *testing.T, c Config) {
			if !c.Builtin() || c.ReportDir == "" {
				t.Errorf("Builtin() = %v, ReportDir = %q; want true and a default", c.Builtin(), c.ReportDir)
			}
		}},
		{name: "target trimmed", env: map[string]string{EnvTarget: " https://rt.example.com/ "}, check: func(t *testing.T, c Config) {
			if got, want := c.Target, "https://rt.example.com"; got != want {
				t.Errorf("Target = %q, want %q", got, want)
			}
		}},
		{name: "ws target", env: map[string]string{EnvTarget: "ws://127.0.0.1:3001"}},
		{name: "relative target", env: map[string]string{EnvTarget: "rt.example.com"}, wantErr: true},
		{name: "ftp target", env: map[string]string{EnvTarget: "ftp://rt.example.com"}, wantErr: true},
		{name: "bad control url", env: map[string]string{EnvControlURL: "nope"}, wantErr: true},
		{name: "sio path without slash", env: map[string]string{EnvSIOPath: "socket.io"}, wantErr: true},
		{name: "missing CA file", env: map[string]string{EnvCAFile: "/nonexistent/ca.pem"}, wantErr: true},
		{name: "strict and insecure", env: map[string]string{EnvStrict: "yes", EnvInsecureTLS: "1"}, check: func(t *testing.T, c Config) {
			if !c.Strict || !c.InsecureTLS {
				t.Errorf("Strict = %v, InsecureTLS = %v; want both true", c.Strict, c.InsecureTLS)
			}
		}},
		{name: "instances", env: map[string]string{EnvTarget: "http://a:1", EnvInstances: " http://b:1/ , ,ws://c:1"}, check: func(t *testing.T, c Config) {
			if got, want := c.Instances, []string{"http://b:1", "ws://c:1"}; !reflect.DeepEqual(got, want) {
				t.Errorf("Instances = %q, want %q", got, want)
			}
		}},
		{name: "instances without target", env: map[string]string{EnvInstances: "http://b:1"}, wantErr: true},
		{name: "bad instance", env: map[string]string{EnvTarget: "http://a:1", EnvInstances: "b:1"}, wantErr: true},
		{name: "redis proxy", env: map[string]string{EnvTarget: "http://a:1", EnvRedisProxyListen: "127.0.0.1:6380", EnvRedisUpstream: "127.0.0.1:6379"}, check: func(t *testing.T, c Config) {
			if c.RedisProxyListen != "127.0.0.1:6380" || c.RedisUpstream != "127.0.0.1:6379" {
				t.Errorf("RedisProxyListen, RedisUpstream = %q, %q", c.RedisProxyListen, c.RedisUpstream)
			}
		}},
		{name: "redis proxy without upstream", env: map[string]string{EnvTarget: "http://a:1", EnvRedisProxyListen: "127.0.0.1:6380"}, wantErr: true},
		{name: "redis proxy not host:port", env: map[string]string{EnvTarget: "http://a:1", EnvRedisProxyListen: "6380", EnvRedisUpstream: "127.0.0.1:6379"}, wantErr: true},
		{name: "redis proxy for the built-in target", env: map[string]string{EnvRedisProxyListen: "127.0.0.1:6380", EnvRedisUpstream: "127.0.0.1:6379"}, wantErr: true},
		{name: "bad header", env: map[string]string{EnvHeaders: "X-Ok: 1; broken"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(env(tt.env))
			if got := err != nil; got != tt.wantErr {
				t.Fatalf("ConfigFromEnv error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not wrap ErrConfig", err)
			}
			if err == nil && tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestParseHeaders(t *testing.T) {
	h, err := ParseHeaders(" X-Api-Key: k1 ; X-Tenant:t ;; X-Api-Key: k2")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Values("X-Api-Key"), []string{"k1", "k2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("X-Api-Key = %q, want %q", got, want)
	}
	if got, want := h.Get("X-Tenant"), "t"; got != want {
		t.Errorf("X-Tenant = %q, want %q", got, want)
	}
}

func TestSettingsHideSecrets(t *testing.T) {
	c, err := ConfigFromEnv(env(map[string]string{"JWT_SECRET": "s3cret", EnvControlToken: "tok", EnvHeaders: "Authorization: Bearer x"}))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	for k, v := range s {
		if v == "s3cret" || v == "tok" || v == "Bearer x" {
			t.Errorf("Settings()[%s] = %q: a secret is stamped on the reports", k, v)
		}
	}
	if got, want := s["JWT_SECRET"], "(set)"; got != want {
		t.Errorf("Settings()[JWT_SECRET] = %q, want %q", got, want)
	}
}

func writeWaivers(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadWaivers(t *testing.T) {
	known := func(id string) bool { return id == "dedup.cross-instance" }
	tests := []struct {
		name    string
		body    string
		wantN   int
		wantErr bool
	}{
		{name: "one waiver", body: "waivers:\n  - clause: dedup.cross-instance\n    reason: UT-1\n    expires: 2026-09-30\n", wantN: 1},
		{name: "empty file", body: "", wantN: 0},
		{name: "unknown clause", body: "waivers:\n  - clause: dedup.nope\n    reason: UT-1\n    expires: 2026-09-30\n", wantErr: true},
		{name: "no reason", body: "waivers:\n  - clause: dedup.cross-instance\n    expires: 2026-09-30\n", wantErr: true},
		{name: "bad date", body: "waivers:\n  - clause: dedup.cross-instance\n    reason: UT-1\n    expires: 30/09/2026\n", wantErr: true},
		{name: "unknown field", body: "waivers:\n  - clause: dedup.cross-instance\n    reason: UT-1\n    expires: 2026-09-30\n    owner: me\n", wantErr: true},
		{name: "not YAML", body: "waivers: [", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := LoadWaivers(writeWaivers(t, tt.body), known)
			if got := err != nil; got != tt.wantErr {
				t.Fatalf("LoadWaivers error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not wrap ErrConfig", err)
			}
			if got := len(ws); err == nil && got != tt.wantN {
				t.Errorf("len(waivers) = %d, want %d", got, tt.wantN)
			}
		})
	}
	if ws, err := LoadWaivers("", known); err != nil || ws != nil {
		t.Errorf("LoadWaivers(\"\") = %v, %v; want no waivers and no error", ws, err)
	}
	if _, err := LoadWaivers(filepath.Join(t.TempDir(), "missing.yaml"), known); !errors.Is(err, ErrConfig) {
		t.Errorf("missing file: error %v, want ErrConfig", err)
	}
}

func TestWaiverExpired(t *testing.T) {
	ws, err := LoadWaivers(writeWaivers(t, "waivers:\n  - clause: x\n    reason: r\n    expires: 2026-09-30\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	day := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tt := range []struct {
		now  string
		want bool
	}{
		{"2026-09-29T12:00:00Z", false},
		{"2026-09-30T23:59:59Z", false}, // it holds through its expiry day
		{"2026-10-01T00:00:00Z", true},
	} {
		if got := w.Expired(day(tt.now)); got != tt.want {
			t.Errorf("Expired(%s) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

package token_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/utalk/rtconform/internal/token"
)

var claims = token.Claims{Sub: "agent_1", Role: "agent", TenantID: "t1", WorkspaceID: "w1", TTL: time.Minute}

func parse(t *testing.T, tok string, key []byte) (jwt.MapClaims, error) {
	t.Helper()
	m := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, m, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"HS256"}))
	return m, err
}

func TestSecret(t *testing.T) {
	key := []byte("s3cret")
	s := token.NewSecret(key)
	tok, err := s.Token(context.Background(), claims)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(t, tok, key)
	if err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
	for k, want := range map[string]string{"sub": "agent_1", "role": "agent", "tenantId": "t1", "workspaceId": "w1"} {
		if m[k] != want {
			t.Errorf("claim %s = %v, want %s", k, m[k], want)
		}
	}
	bad, _ := s.SignedWith([]byte("other"), claims)
	if _, err := parse(t, bad, key); err == nil {
		t.Error("token signed with another key verified")
	}
	none, _ := s.Unsigned(claims)
	if _, err := parse(t, none, key); err == nil {
		t.Error("alg none token verified")
	}
	expired := claims
	expired.TTL = -time.Minute
	old, _ := s.Token(context.Background(), expired)
	if _, err := parse(t, old, key); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Errorf("expired token: got %v, want ErrTokenExpired", err)
	}
	if _, err := s.Token(context.Background(), token.Claims{Sub: "x"}); err == nil {
		t.Error("missing claims accepted")
	}
}

func TestCommand(t *testing.T) {
	c := token.Command{Cmd: `printf 'tok-%s-%s-%s-%s-%s' "$UTALK_SUB" "$UTALK_ROLE" "$UTALK_TENANT" "$UTALK_WORKSPACE" "$UTALK_TTL"`}
	expired := claims
	expired.TTL = -30 * time.Second
	got, err := c.Token(context.Background(), expired)
	if err != nil {
		t.Fatal(err)
	}
	if want := "tok-agent_1-agent-t1-w1--30"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := (token.Command{Cmd: "echo two words"}).Token(context.Background(), claims); err == nil || !strings.Contains(err.Error(), "one token") {
		t.Errorf("two words on stdout: got %v", err)
	}
	if _, err := (token.Command{Cmd: "echo boom >&2; exit 3"}).Token(context.Background(), claims); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("failing command: got %v, want its stderr", err)
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := token.FromEnv(env(nil)); !errors.Is(err, token.ErrNoSource) {
		t.Errorf("no env: got %v", err)
	}
	s, _ := token.FromEnv(env(map[string]string{"JWT_SECRET": "x", "TOKEN_CMD": "y"}))
	if !s.CanForge() {
		t.Error("JWT_SECRET must win over TOKEN_CMD")
	}
	c, _ := token.FromEnv(env(map[string]string{"TOKEN_CMD": "y"}))
	if c.CanForge() {
		t.Error("TOKEN_CMD source cannot forge")
	}
}

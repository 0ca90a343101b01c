package reference

import (
	"context"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

func TestHandshakeRefusals(t *testing.T) {
	h := start(t)
	u := agent("ana")
	ctx := context.Background()
	otherKey, _ := h.tokens.SignedWith([]byte("another-secret"), u.claims(time.Minute))
	unsigned, _ := h.tokens.Unsigned(u.claims(time.Minute))
	noTenant, _ := h.tokens.WithoutClaim("tenantId", u.claims(time.Minute))
	expired, _ := h.tokens.Token(ctx, u.claims(-time.Minute))
	bot, _ := h.tokens.Token(ctx, user{id: "bot1", role: "bot", tenant: "ten_a", ws: "ws_1"}.claims(time.Minute))
	tests := []struct {
		name string
		auth map[string]any
		ns   string
		want spec.Code
	}{
		{"no token", map[string]any{}, "/app", spec.CodeAuthenticationFailed},
		{"no auth at all", nil, "/app", spec.CodeAuthenticationFailed},
		{"token not a string", map[string]any{"token": 42}, "/app", spec.CodeAuthenticationFailed},
		{"garbage", map[string]any{"token": "not.a.jwt"}, "/app", spec.CodeAuthenticationFailed},
		{"bad signature", map[string]any{"token": otherKey}, "/app", spec.CodeAuthenticationFailed},
		{"alg none", map[string]any{"token": unsigned}, "/app", spec.CodeAuthenticationFailed},
		{"missing claim", map[string]any{"token": noTenant}, "/app", spec.CodeAuthenticationFailed},
		{"expired", map[string]any{"token": expired}, "/app", spec.CodeTokenExpired},
		{"role not on namespace", map[string]any{"token": bot}, "/agent", spec.CodeAccessDenied},
		{"main namespace", map[string]any{"token": h.token(u, time.Minute)}, "/", spec.CodeAccessDenied},
	}
	for _, tc := range tests { // not t.Run: the harness reports on the parent test
		if got := h.refused(tc.auth, tc.ns); got != string(tc.want) {
			t.Errorf("%s: connect_error code %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestConnectionLimit(t *testing.T) {
	h := start(t)
	u := agent("ana")
	limit := h.c.Limits.MaxConnectionsPerUser
	var open []*client
	for i := 0; i < limit; i++ {
		ns := []string{"/app", "/agent"}[i%2] // per user across namespaces
		open = append(open, h.connect(u, ns))
	}
	if got := h.refused(map[string]any{"token": h.token(u, time.Minute)}, "/app"); got != string(spec.CodeConnectionLimitExceeded) {
		t.Fatalf("socket %d: %q, want CONNECTION_LIMIT_EXCEEDED", limit+1, got)
	}
	_ = open[0].conn.Close()
	waitUntil(t, func() bool { return h.srv.localSockets() == limit-1 })
	h.connect(u, "/app") // a freed slot can be used again
}

func TestExpiryInSession(t *testing.T) {
	h := start(t)
	tok, _ := h.tokens.Token(context.Background(), agent("ana").claims(1500*time.Millisecond))
	c, err := h.dial(map[string]any{"token": tok}, "/app")
	if err != nil {
		t.Fatal(err)
	}
	c.wait(spec.TokenExpired, nil)
	select {
	case <-c.conn.Done():
	case <-time.After(waitFor):
		t.Fatal("not disconnected after token:expired")
	}
	if r := c.conn.CloseReason(); r != sioconn.ReasonServerDisconnect {
		t.Fatalf("close reason %q, want %q", r, sioconn.ReasonServerDisconnect)
	}
	if got := h.refused(map[string]any{"token": tok}, "/app"); got != string(spec.CodeTokenExpired) {
		t.Fatalf("reconnect with the expired token: %q", got)
	}
}

func TestAuthRefresh(t *testing.T) {
	h := start(t)
	u := agent("ana")
	c := h.connect(u, "/app")
	ev, d := c.ack(spec.AuthRefresh, map[string]any{"token": h.token(u, time.Hour)})
	if ev != h.name(spec.AuthRefreshed) || d["userId"] != "ana" {
		t.Fatalf("refresh: %s %v", ev, d)
	}
	other := h.token(agent("beto"), time.Hour)
	if ev, d := c.ack(spec.AuthRefresh, map[string]any{"token": other}); ev != h.name(spec.AuthFailed) || d["code"] != string(spec.CodeAuthenticationFailed) {
		t.Fatalf("refresh with another user's token: %s %v", ev, d)
	}
	expired, _ := h.tokens.Token(context.Background(), u.claims(-time.Minute))
	if ev, d := c.ack(spec.AuthRefresh, map[string]any{"token": expired}); ev != h.name(spec.AuthFailed) || d["code"] != string(spec.CodeTokenExpired) {
		t.Fatalf("refresh with an expired token: %s %v", ev, d)
	}
	c.barrier() // still connected
}

func TestRefreshMovesTheDeadline(t *testing.T) {
	h := start(t)
	u := agent("ana")
	tok, _ := h.tokens.Token(context.Background(), u.claims(1500*time.Millisecond))
	c, err := h.dial(map[string]any{"token": tok}, "/app")
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := c.ack(spec.AuthRefresh, map[string]any{"token": h.token(u, time.Hour)}); ev != h.name(spec.AuthRefreshed) {
		t.Fatalf("refresh: %s", ev)
	}
	time.Sleep(2 * time.Second) // past the first token's exp: there is no event to await
	c.barrier()
	if n := c.count(spec.TokenExpired, nil); n != 0 {
		t.Fatal("token:expired after a refresh")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTokenNotKept: once verified, the token is not kept in the socket's
// handshake for the connection's lifetime (the other auth fields are).
func TestTokenNotKept(t *testing.T) {
	h := start(t)
	c, err := h.dial(map[string]any{"token": h.token(agent("ana"), time.Minute), "pid": "p1"}, "/app")
	if err != nil {
		t.Fatal(err)
	}
	defer c.conn.Close()
	n := 0
	h.srv.sessions.Range(func(_, v any) bool {
		n++
		auth := v.(*session).sock.Handshake().Auth
		if _, ok := auth[h.c.Handshake.AuthField]; ok {
			t.Errorf("the handshake still holds the token: %v", auth)
		}
		if auth["pid"] != "p1" {
			t.Errorf("the other auth fields went too: %v", auth)
		}
		return true
	})
	if n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
}

package reference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

const (
	testSecret = "test-secret"
	waitFor    = 5 * time.Second
)

// harness is one reference server on a free loopback port, with its stores from
// the backend the test run selected (memory, or Redis with REFERENCE_STORE=redis).
type harness struct {
	t      testing.TB
	srv    *Server
	url    string
	c      *spec.Contract
	tokens *token.Secret
}

func start(t testing.TB, mods ...func(*Config)) *harness {
	t.Helper()
	cfg := Config{JWTSecret: testSecret, Addr: "127.0.0.1:0", Stores: testStores(t),
		DeliveredDelay: 50 * time.Millisecond, ReadDelay: 100 * time.Millisecond, PingInterval: time.Second,
		PingTimeout: 2 * time.Second, Instance: "test-" + randomHex(3)}
	if os.Getenv("REFERENCE_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	for _, m := range mods {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	addr, err := srv.Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return &harness{t: t, srv: srv, url: "http://" + addr, c: srv.Contract(), tokens: token.NewSecret([]byte(testSecret))}
}

// user is a test user.
type user struct {
	id, role, tenant, ws string
}

func agent(id string) user { return user{id: id, role: "agent", tenant: "ten_a", ws: "ws_1"} }

func (u user) claims(ttl time.Duration) token.Claims {
	return token.Claims{Sub: u.id, Role: u.role, TenantID: u.tenant, WorkspaceID: u.ws,
		Email: u.id + "@example.com", TTL: ttl}
}

func (h *harness) token(u user, ttl time.Duration) string {
	h.t.Helper()
	tok, err := h.tokens.Token(context.Background(), u.claims(ttl))
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// name is the wire name of the event of role r.
func (h *harness) name(r spec.Role) string {
	e := h.c.ByRole(r)
	if e == nil {
		h.t.Fatalf("contract has no event of role %s", r)
	}
	return e.Name
}

// received is one event a client got.
type received struct {
	name string
	data map[string]any
	raw  json.RawMessage
}

// client is a test socket: it records every event and validates each payload
// against the contract (failures are reported when the test ends).
type client struct {
	h    *harness
	conn *sioconn.Conn
	mu   sync.Mutex
	got  []received
	used []bool
	wake chan struct{}
	bad  []string
}

func (h *harness) dial(auth map[string]any, ns string) (*client, error) {
	c := &client{h: h, wake: make(chan struct{}, 1)}
	conn, err := sioconn.Dial(context.Background(), sioconn.Options{
		URL: h.url, Namespace: ns, Auth: auth, ConnectTimeout: waitFor, OnEvent: c.record,
	})
	if err != nil {
		return nil, err
	}
	c.conn = conn
	h.t.Cleanup(func() {
		_ = conn.Close()
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, b := range c.bad {
			h.t.Errorf("server sent an invalid payload: %s", b)
		}
	})
	return c, nil
}

// connect opens a socket for u on ns with a 15-minute token.
func (h *harness) connect(u user, ns string) *client {
	h.t.Helper()
	c, err := h.dial(map[string]any{"token": h.token(u, 15*time.Minute)}, ns)
	if err != nil {
		h.t.Fatalf("connect %s to %s: %v", u.id, ns, err)
	}
	return c
}

// refused dials and returns the connect_error code.
func (h *harness) refused(auth map[string]any, ns string) string {
	h.t.Helper()
	c, err := h.dial(auth, ns)
	if err == nil {
		_ = c.conn.Close()
		h.t.Fatalf("connect to %s succeeded, want a connect_error", ns)
	}
	var ce *sioconn.ConnectError
	if !errors.As(err, &ce) {
		h.t.Fatalf("connect to %s: %v, want a connect_error", ns, err)
	}
	return ce.Code
}

func (c *client) record(name string, args []json.RawMessage) {
	r := received{name: strings.Clone(name)}
	if len(args) > 0 {
		r.raw = append(json.RawMessage(nil), args[0]...)
		_ = json.Unmarshal(r.raw, &r.data)
	}
	var bad string
	if c.h.c.Event(r.name) == nil {
		bad = "unknown event " + r.name
	} else if err := c.h.c.Validate(r.name, r.raw); err != nil {
		bad = fmt.Sprintf("%s %s: %v", r.name, r.raw, err)
	}
	c.mu.Lock()
	c.got = append(c.got, r)
	c.used = append(c.used, false)
	if bad != "" {
		c.bad = append(c.bad, bad)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// emit sends the event of role r without an ack.
func (c *client) emit(r spec.Role, p any) {
	c.h.t.Helper()
	if err := c.conn.Emit(c.h.name(r), p); err != nil {
		c.h.t.Fatalf("emit %s: %v", r, err)
	}
}

// call sends a raw event name with an ack and returns the ack's {event, data}.
func (c *client) call(name string, p any) (string, map[string]any) {
	c.h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	raw, err := c.conn.EmitWithAck(ctx, name, p)
	if err != nil {
		c.h.t.Fatalf("%s with ack: %v", name, err)
	}
	var args []struct {
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &args); err != nil || len(args) != 1 {
		c.h.t.Fatalf("%s: ack %s: want one {event, data} argument", name, raw)
	}
	if err := c.h.c.Validate(args[0].Event, args[0].Data); err != nil {
		c.h.t.Errorf("%s: ack data of %s does not validate: %v", name, args[0].Event, err)
	}
	var data map[string]any
	_ = json.Unmarshal(args[0].Data, &data)
	return args[0].Event, data
}

// ack sends the event of role r with an ack and returns the answer.
func (c *client) ack(r spec.Role, p any) (string, map[string]any) {
	c.h.t.Helper()
	return c.call(c.h.name(r), p)
}

// wait returns the first not yet taken event of role r for which match holds (nil
// matches any), waiting up to waitFor.
func (c *client) wait(r spec.Role, match func(map[string]any) bool) map[string]any {
	c.h.t.Helper()
	name := c.h.name(r)
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for {
		if d, ok := c.take(name, match); ok {
			return d
		}
		select {
		case <-c.wake:
		case <-c.conn.Done():
			if d, ok := c.take(name, match); ok {
				return d
			}
			c.h.t.Fatalf("waiting for %s: connection closed (%s)", name, c.conn.CloseReason())
		case <-deadline.C:
			c.h.t.Fatalf("no %s within %v; got %s", name, waitFor, c.names())
		}
	}
}

func (c *client) take(name string, match func(map[string]any) bool) (map[string]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range c.got {
		if !c.used[i] && r.name == name && (match == nil || match(r.data)) {
			c.used[i] = true
			return r.data, true
		}
	}
	return nil, false
}

// count is how many events of role r for which match holds arrived.
func (c *client) count(r spec.Role, match func(map[string]any) bool) int {
	name := c.h.name(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, g := range c.got {
		if g.name == name && (match == nil || match(g.data)) {
			n++
		}
	}
	return n
}

func (c *client) names() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.got {
		out = append(out, r.name)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// barrier returns once the server processed everything this socket sent before
// and this socket received everything the server queued for it before: an
// unknown event is answered in order on the same connection.
func (c *client) barrier() {
	c.h.t.Helper()
	if ev, _ := c.call("test:barrier", map[string]any{}); ev != c.h.name(spec.GenericError) {
		c.h.t.Fatalf("barrier answered by %s", ev)
	}
}

// settle is barrier on each client in turn: first the one that acted, then the
// observers.
func settle(cs ...*client) {
	for _, c := range cs {
		c.barrier()
	}
}

func field(k string, v any) func(map[string]any) bool {
	return func(m map[string]any) bool { return fmt.Sprint(m[k]) == fmt.Sprint(v) }
}

func errCode(d map[string]any) string {
	if e, ok := d["error"].(map[string]any); ok {
		return fmt.Sprint(e["code"])
	}
	return fmt.Sprint(d["code"])
}

func conv(customer string) string { return "conv_" + customer + "_+14155550100" }

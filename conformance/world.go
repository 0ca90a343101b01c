package conformance

import (
	"context"
	"sync"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// User is a test user: the claims of its tokens.
type User struct {
	ID        string
	Role      string
	Tenant    string
	Workspace string
}

// World is the set of unique ids and open clients of one spec: its own tenant and
// workspace, so specs never see each other's traffic, even under ginkgo -p.
type World struct {
	T         *Target
	Rec       *Record
	C         *spec.Contract
	Tenant    string
	Workspace string

	mu      sync.Mutex
	clients []*Client
}

// NewWorldFor makes a world on target t that writes to rec.
func NewWorldFor(t *Target, rec *Record) *World {
	return &World{T: t, Rec: rec, C: t.Contract, Tenant: UniqueID("t"), Workspace: UniqueID("w")}
}

// Sibling returns a world of another workspace in the same tenant.
func (w *World) Sibling() *World {
	return &World{T: w.T, Rec: w.Rec, C: w.C, Tenant: w.Tenant, Workspace: UniqueID("w")}
}

// Foreign returns a world of another tenant.
func (w *World) Foreign() *World { return NewWorldFor(w.T, w.Rec) }

// User returns a new user of the world with the given role.
func (w *World) User(role string) User {
	return User{ID: UniqueID(role), Role: role, Tenant: w.Tenant, Workspace: w.Workspace}
}

// Token mints a token for u that lives ttl (negative: already expired).
func (w *World) Token(ctx context.Context, u User, ttl time.Duration) (string, error) {
	return w.T.Tokens.Token(ctx, claims(u, ttl))
}

func claims(u User, ttl time.Duration) token.Claims {
	return token.Claims{Sub: u.ID, Role: u.Role, TenantID: u.Tenant, WorkspaceID: u.Workspace, TTL: ttl}
}

// Forger returns the token source when it can forge bad tokens (JWT_SECRET), else nil.
func (w *World) Forger() *token.Secret {
	s, _ := w.T.Tokens.(*token.Secret)
	return s
}

// Claims returns the token claims of u with lifetime ttl.
func (w *World) Claims(u User, ttl time.Duration) token.Claims { return claims(u, ttl) }

// WaitTimeout is how long a wait for an answer or an event lasts: the contract's
// replyTimeoutMs.
func (w *World) WaitTimeout() time.Duration {
	if d := w.C.Limits.ReplyTimeout(); d > 0 {
		return d
	}
	return 10 * time.Second
}

func (w *World) track(c *Client) {
	w.mu.Lock()
	w.clients = append(w.clients, c)
	w.mu.Unlock()
}

// Close closes every client the world opened.
func (w *World) Close() {
	w.mu.Lock()
	cs := w.clients
	w.clients = nil
	w.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
}

package token

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Claims are the claims of one test user's token.
type Claims struct {
	Sub         string
	Role        string
	TenantID    string
	WorkspaceID string
	Email       string
	Name        string
	// TTL is the lifetime from now; a negative TTL gives an already expired token.
	TTL time.Duration
	// NoIssuedAt leaves the iat claim out.
	NoIssuedAt bool
}

// Source mints tokens.
type Source interface {
	// Token returns a token for the claims.
	Token(ctx context.Context, c Claims) (string, error)
	// CanForge reports whether the source can also make deliberately bad tokens
	// (another secret, alg none), which only a Secret can.
	CanForge() bool
}

// ErrNoSource is returned by FromEnv when neither JWT_SECRET nor TOKEN_CMD is set.
var ErrNoSource = errors.New("no token source: set JWT_SECRET (HS256 secret of the target) or TOKEN_CMD (a command that prints a token)")

// FromEnv returns a Secret when JWT_SECRET is set, else a Command when TOKEN_CMD is set.
func FromEnv(getenv func(string) string) (Source, error) {
	if s := getenv("JWT_SECRET"); s != "" {
		return NewSecret([]byte(s)), nil
	}
	if c := getenv("TOKEN_CMD"); c != "" {
		return Command{Cmd: c}, nil
	}
	return nil, ErrNoSource
}

func (c Claims) check() error {
	if c.Sub == "" || c.Role == "" || c.TenantID == "" || c.WorkspaceID == "" {
		return fmt.Errorf("token claims: sub, role, tenantId and workspaceId are required (got %+v)", c)
	}
	return nil
}

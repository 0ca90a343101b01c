package token

import (
	"context"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Secret mints HS256 tokens with a shared secret.
type Secret struct {
	key []byte
	now func() time.Time
}

// NewSecret returns a Secret for key.
func NewSecret(key []byte) *Secret { return &Secret{key: key, now: time.Now} }

// Token signs the claims with the secret.
func (s *Secret) Token(_ context.Context, c Claims) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, s.mapClaims(c)).SignedString(s.key)
}

// CanForge is true: a Secret can make deliberately bad tokens.
func (s *Secret) CanForge() bool { return true }

// SignedWith signs the claims with another key: a token with a bad signature.
func (s *Secret) SignedWith(key []byte, c Claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, s.mapClaims(c)).SignedString(key)
}

// Unsigned returns the claims as an "alg: none" token, which servers must refuse.
func (s *Secret) Unsigned(c Claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodNone, s.mapClaims(c)).SignedString(jwt.UnsafeAllowNoneSignatureType)
}

// WithoutClaim signs the claims with one claim removed (for example "tenantId").
func (s *Secret) WithoutClaim(name string, c Claims) (string, error) {
	m := s.mapClaims(c)
	delete(m, name)
	return jwt.NewWithClaims(jwt.SigningMethodHS256, m).SignedString(s.key)
}

func (s *Secret) mapClaims(c Claims) jwt.MapClaims {
	now := s.now()
	m := jwt.MapClaims{
		"sub": c.Sub, "role": c.Role, "tenantId": c.TenantID, "workspaceId": c.WorkspaceID,
		"exp": now.Add(c.TTL).Unix(),
	}
	if !c.NoIssuedAt {
		m["iat"] = now.Unix()
	}
	if c.Email != "" {
		m["email"] = c.Email
	}
	if c.Name != "" {
		m["name"] = c.Name
	}
	return m
}

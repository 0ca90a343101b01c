package reference

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/utalk/rtconform/spec"
)

// identity is who a verified token says the user is.
type identity struct {
	UserID      string
	Role        string
	TenantID    string
	WorkspaceID string
	Email       string
	Name        string
	IssuedAt    time.Time // zero when the token has no iat
	ExpiresAt   time.Time
}

// authError is a refused token: Code is the contract's code, Message the text the
// client sees.
type authError struct {
	Code    spec.Code
	Message string
}

func (e *authError) Error() string { return string(e.Code) + ": " + e.Message }

// ErrToken is wrapped by every authError, so callers can match a refused token.
var ErrToken = errors.New("token refused")

func (e *authError) Unwrap() error { return ErrToken }

var (
	userIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:@+-]{1,128}$`)
	scopePattern  = regexp.MustCompile(`^[^\x00-\x1f]{1,128}$`)
)

// verifier checks the users' HS256 tokens.
type verifier struct {
	secret []byte
	parser *jwt.Parser
	now    func() time.Time
}

// newVerifier checks tokens signed with secret; acceptExpired (the negative control
// MutationAcceptExpired) skips the exp check, the signature is still checked.
func newVerifier(secret string, acceptExpired bool) *verifier {
	// Only HS256: a token signed otherwise, or unsigned (alg none), is refused.
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()}
	if acceptExpired {
		opts = append(opts, jwt.WithoutClaimsValidation())
	}
	return &verifier{secret: []byte(secret), parser: jwt.NewParser(opts...), now: time.Now}
}

// verify parses and checks a token: AUTHENTICATION_FAILED for a missing, malformed,
// badly signed or incomplete token, TOKEN_EXPIRED for one past its exp.
func (v *verifier) verify(raw any) (identity, error) {
	tok, ok := raw.(string)
	if !ok || tok == "" {
		return identity{}, &authError{spec.CodeAuthenticationFailed, "Token de autenticación requerido"}
	}
	claims := jwt.MapClaims{}
	_, err := v.parser.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return v.secret, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return identity{}, &authError{spec.CodeTokenExpired, "El token ha expirado"}
	case err != nil:
		return identity{}, &authError{spec.CodeAuthenticationFailed, "Token inválido"}
	}
	return identityOf(claims)
}

func identityOf(c jwt.MapClaims) (identity, error) {
	str := func(name string) string { s, _ := c[name].(string); return s }
	id := identity{UserID: str("sub"), Role: str("role"), TenantID: str("tenantId"),
		WorkspaceID: str("workspaceId"), Email: str("email"), Name: str("name")}
	missing := func(claim string) error {
		return &authError{spec.CodeAuthenticationFailed, fmt.Sprintf("Token inválido: falta el claim %s", claim)}
	}
	switch {
	case !userIDPattern.MatchString(id.UserID):
		return identity{}, missing("sub")
	case id.Role == "":
		return identity{}, missing("role")
	case !scopePattern.MatchString(id.TenantID):
		return identity{}, missing("tenantId")
	case !scopePattern.MatchString(id.WorkspaceID):
		return identity{}, missing("workspaceId")
	}
	exp, err := c.GetExpirationTime()
	if err != nil || exp == nil {
		return identity{}, missing("exp")
	}
	id.ExpiresAt = exp.Time
	if iat, err := c.GetIssuedAt(); err == nil && iat != nil {
		id.IssuedAt = iat.Time
	}
	if !validEmail(id.Email) {
		id.Email = ""
	}
	if len(id.Name) > 200 {
		id.Name = id.Name[:200]
	}
	return id, nil
}

// sameUser reports whether a refresh token names the same user, tenant, workspace
// and role as the socket's.
func (id identity) sameUser(o identity) bool {
	return id.UserID == o.UserID && id.TenantID == o.TenantID &&
		id.WorkspaceID == o.WorkspaceID && id.Role == o.Role
}

// expelledBy reports whether an expulsion at t refuses this token: issued at or
// before it, or without iat.
func (id identity) expelledBy(t time.Time) bool {
	return id.IssuedAt.IsZero() || id.IssuedAt.Unix() <= t.Unix()
}

// displayName is the name shown for an agent.
func (id identity) displayName() string {
	if id.Name != "" {
		return id.Name
	}
	return id.UserID
}

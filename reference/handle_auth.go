package reference

import (
	"errors"
	"time"

	"github.com/utalk/rtconform/spec"
)

type tokenExpired struct {
	ExpiredAt string `json:"expiredAt" msgpack:"expiredAt"`
	Message   string `json:"message" msgpack:"message"`
}

func tokenExpiredPayload(at time.Time) tokenExpired {
	return tokenExpired{ExpiredAt: stamp(at), Message: "El token ha expirado"}
}

type authRefreshed struct {
	UserID    string `json:"userId" msgpack:"userId"`
	ExpiresAt string `json:"expiresAt" msgpack:"expiresAt"`
}

// handleAuthRefresh puts a new token in force on the socket when it verifies and
// names the same user, tenant, workspace and role; otherwise auth:failed, and the
// socket keeps its old token.
func (r *request) handleAuthRefresh() {
	s := r.srv
	next, err := s.auth.verify(r.p["token"])
	var ae *authError
	if errors.As(err, &ae) {
		r.fail(ae.Code, ae.Message, nil)
		return
	}
	if !r.id.sameUser(next) {
		r.fail(spec.CodeAuthenticationFailed, "El token no corresponde a esta sesión", nil)
		return
	}
	ctx, cancel := s.storeCtx()
	defer cancel()
	if at, expelled, err := s.st.Expulsions.ExpelledAt(ctx, next.TenantID, next.UserID); err == nil && expelled && next.expelledBy(at) {
		r.fail(spec.CodeAuthenticationFailed, "Usuario expulsado: inicie sesión de nuevo", nil)
		return
	}
	r.ss.mu.Lock()
	r.ss.id = next
	r.ss.mu.Unlock()
	r.ss.armExpiry()
	r.reply(authRefreshed{UserID: next.UserID, ExpiresAt: stamp(next.ExpiresAt)})
}

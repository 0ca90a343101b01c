package reference

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// request is one client event that passed the checks, on its way through a handler.
type request struct {
	srv   *Server
	ss    *session
	id    identity
	e     *spec.Event
	p     map[string]any // the validated payload
	ack   socket.Ack
	start time.Time
	corr  string // the correlation field's value, if readable
	// conv is the conversation named by the event's access field, when it exists.
	conv *store.Conversation
	ctx  context.Context
}

// onEvent runs the contract's check order on one client event and hands an event
// that passes every check to its handler. A check that fails answers and stops:
// the event is never processed.
func (s *Server) onEvent(ss *session, args []any) {
	r := &request{srv: s, ss: ss, start: time.Now()}
	var cancel context.CancelFunc
	r.ctx, cancel = s.storeCtx()
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			s.panics.Add(1)
			s.log.Error("handler panic", "panic", v, "stack", string(debug.Stack()))
			r.fail(spec.CodeInternalError, "Error interno del servidor", nil)
		}
	}()
	if n := len(args); n > 0 {
		if ack, ok := args[n-1].(socket.Ack); ok {
			r.ack, args = ack, args[:n-1]
		}
	}
	var name string
	if len(args) > 0 {
		name, _ = args[0].(string)
		args = args[1:]
	}
	r.id = ss.who()
	// allow-list
	e := s.c.ClientEvent(ss.ns, name)
	if e == nil || !e.Allows(r.id.Role) {
		s.m.event("unknown")
		r.invalidEvent(name)
		return
	}
	r.e = e
	s.m.event(e.Name)
	var payload any
	if len(args) > 0 {
		payload = args[0]
	}
	r.p, _ = payload.(map[string]any)
	if e.Correlation != "" {
		r.corr, _ = r.p[e.Correlation].(string)
	}
	// session
	if ss.expired(r.start) {
		s.emitTo(ss, spec.TokenExpired, tokenExpiredPayload(r.id.ExpiresAt))
		r.callAck(spec.TokenExpired, tokenExpiredPayload(r.id.ExpiresAt))
		ss.sock.Disconnect(false)
		return
	}
	// rate limit
	if !s.cfg.NoRateLimits && !s.mut.on(MutationNoRateLimit) {
		limit, window := s.rateLimit(e)
		if ok, resetAt := ss.limiter.allow(e.Role, limit, window, r.start); !ok {
			r.fail(spec.CodeRateLimitExceeded, "Límite excedido para evento: "+e.Name, map[string]any{
				"limit": limit, "windowMs": window.Milliseconds(), "resetAt": stamp(resetAt)})
			return
		}
	}
	// payload size
	if size := jsonSize(args); size > s.c.Limits.MaxPayloadBytes {
		r.fail(spec.CodePayloadTooLarge, fmt.Sprintf("El evento ocupa %d bytes; el máximo es %d", size, s.c.Limits.MaxPayloadBytes),
			map[string]any{"limit": s.c.Limits.MaxPayloadBytes, "size": size})
		return
	}
	// schema
	if err := s.validate(e, payload); err != nil {
		r.validationError(err)
		return
	}
	// access
	if e.Access != nil && !r.checkAccess() {
		return
	}
	h := s.handlers[e.Role]
	if h == nil {
		r.fail(spec.CodeInternalError, "Evento sin implementación: "+e.Name, nil)
		return
	}
	h(r)
}

// checkAccess loads the conversation the event names and checks it belongs to the
// socket's tenant (the store is keyed by tenant) and workspace. A missing one is
// fine under create-or-member (the handler creates it) and refused under member,
// so that ids cannot be probed.
func (r *request) checkAccess() bool {
	id, _ := r.p[r.e.Access.Field].(string)
	c, err := r.srv.st.Conversations.Get(r.ctx, r.id.TenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if r.e.Access.Mode == spec.AccessCreateOrMember {
			return true
		}
	case err != nil:
		r.internal(err)
		return false
	case c.WorkspaceID == r.id.WorkspaceID:
		r.conv = c
		return true
	}
	r.fail(spec.CodeAccessDenied, "No tienes acceso a esta conversación", nil)
	return false
}

// rateLimit is the limit and window in force for e.
func (s *Server) rateLimit(e *spec.Event) (int, time.Duration) {
	limit, window := e.RateLimit.Limit, e.RateLimit.Window
	if s.cfg.RateWindow > 0 {
		window = s.cfg.RateWindow
	}
	if s.cfg.RateLimitScale != 1 {
		limit = max(1, int(float64(limit)*s.cfg.RateLimitScale+0.5))
	}
	return limit, window
}

func (r *request) validationError(err error) {
	var ve *spec.ValidationError
	if !errors.As(err, &ve) {
		r.fail(spec.CodeValidationError, "Datos inválidos", nil)
		return
	}
	first := ve.First()
	fields := make([]map[string]any, 0, min(len(ve.Fields), 10))
	for _, f := range ve.Fields[:min(len(ve.Fields), 10)] {
		fields = append(fields, map[string]any{"field": f.Field, "rule": f.Rule, "message": truncate(f.Message, 300)})
	}
	r.fail(spec.CodeValidationError, truncate("Datos inválidos: "+displayField(first.Field)+": "+first.Message, 1000),
		map[string]any{"field": first.Field, "rule": first.Rule, "errors": fields})
}

func (r *request) internal(err error) {
	r.srv.log.Error("event failed", "event", r.e.Name, "err", err)
	r.fail(spec.CodeInternalError, "Error interno del servidor; reintente con el mismo identificador", nil)
}

func displayField(f string) string {
	if f == "" {
		return "(payload)"
	}
	return f
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n]
}

package reference

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/spec"
)

// connectError is the connect_error a refused handshake gets: message for humans,
// data {code, message, details?} for code (facts note: always send data).
func (s *Server) connectError(code spec.Code, message string, details map[string]any) *socket.ExtendedError {
	s.m.error(string(code))
	data := map[string]any{"code": string(code), "message": message}
	if details != nil {
		data["details"] = details
	}
	return socket.NewExtendedError(message, data)
}

// refuseAll is the middleware of the main namespace (and of any namespace the
// contract marks refuses): every connection is refused, naming the ones to use.
func (s *Server) refuseAll(sock *socket.Socket, next func(*socket.ExtendedError)) {
	var paths []string
	for _, ns := range s.c.Namespaces {
		if !ns.Refuses {
			paths = append(paths, ns.Path)
		}
	}
	msg := fmt.Sprintf("El namespace %s no acepta conexiones: use %s", sock.Nsp().Name(), strings.Join(paths, ", "))
	next(s.connectError(spec.CodeAccessDenied, msg, map[string]any{"namespaces": paths}))
}

// authenticate is the handshake middleware of a namespace: the JWT, the role, the
// expulsion list and the per-user connection limit, in that order. On success the
// socket's session is attached to it and its presence recorded.
func (s *Server) authenticate(ns *spec.Namespace) socket.NamespaceMiddleware {
	return func(sock *socket.Socket, next func(*socket.ExtendedError)) {
		if s.draining.Load() {
			next(s.connectError(spec.CodeAccessDenied, "El servidor se está deteniendo", nil))
			return
		}
		var raw any
		if hs := sock.Handshake(); hs != nil && hs.Auth != nil {
			raw = hs.Auth[s.c.Handshake.AuthField]
			// The library keeps the handshake for the socket's lifetime and never
			// reads the token again; nor do we (auth:refresh brings its own). Not
			// keeping it saves a few hundred bytes per connection, and a token in
			// memory for hours.
			delete(hs.Auth, s.c.Handshake.AuthField)
		}
		id, err := s.auth.verify(raw)
		var ae *authError
		if errors.As(err, &ae) {
			next(s.connectError(ae.Code, ae.Message, nil))
			return
		}
		if !ns.Admits(id.Role) {
			next(s.connectError(spec.CodeAccessDenied,
				fmt.Sprintf("El rol %q no tiene acceso al namespace %s", id.Role, ns.Path), nil))
			return
		}
		ctx, cancel := s.storeCtx()
		defer cancel()
		at, expelled, err := s.st.Expulsions.ExpelledAt(ctx, id.TenantID, id.UserID)
		if err != nil {
			s.log.Warn("expulsion lookup failed", "err", err)
			next(s.connectError(spec.CodeAuthenticationFailed, "No se pudo verificar la sesión", nil))
			return
		}
		if expelled && id.expelledBy(at) {
			next(s.connectError(spec.CodeUserExpelled, "Usuario expulsado: inicie sesión de nuevo", nil))
			return
		}
		ss := newSession(s, sock, ns.Path, id)
		first, count, err := s.st.Presence.Add(ctx, ss.presenceEntry(), string(sock.Id()), s.cfg.Instance)
		if err != nil {
			s.log.Warn("presence add failed", "err", err)
			next(s.connectError(spec.CodeAuthenticationFailed, "No se pudo registrar la sesión", nil))
			return
		}
		if limit := s.c.Limits.MaxConnectionsPerUser; limit > 0 && count > limit {
			_, _ = s.st.Presence.Remove(ctx, id.TenantID, id.UserID, string(sock.Id()))
			next(s.connectError(spec.CodeConnectionLimitExceeded,
				fmt.Sprintf("Límite de %d conexiones por usuario alcanzado", limit), map[string]any{"limit": limit}))
			return
		}
		ss.first = first
		sock.SetData(ss)
		// Rooms are joined before the CONNECT packet goes out, so that a broadcast
		// right after the client saw the connection reaches it.
		sock.Join(s.rooms.user(id.TenantID, id.UserID), s.rooms.workspace(id.TenantID, id.WorkspaceID),
			s.rooms.role(id.TenantID, id.Role), s.rooms.tenant(id.TenantID))
		s.sessions.Store(sock.Id(), ss)
		if g := s.gate(sock); g != nil {
			g.open(ns.Path)
		}
		// The transport may close before the namespace connects (no "disconnect"
		// then): release the presence entry in that case too.
		_ = sock.Conn().Once("close", func(...any) { s.release(ss) })
		next(nil)
	}
}

// onConnection runs once a socket passed the middleware: rooms, expiry, the check
// pipeline for its events, presence.
func (s *Server) onConnection(args ...any) {
	sock, ok := args[0].(*socket.Socket)
	if !ok {
		return
	}
	ss, ok := sock.Data().(*session)
	if !ok {
		sock.Disconnect(false)
		return
	}
	id := ss.who()
	ss.mu.Lock()
	ss.connected = true
	ss.mu.Unlock()
	s.m.connections.WithLabelValues(ss.ns).Inc()
	ss.armExpiry()
	defer s.gateDone(ss)
	// The pipeline runs as the socket's only packet middleware and never calls
	// next: nothing else sees an event, so a rejected one cannot be processed.
	sock.Use(func(ev []any, _ func(error)) { s.onEvent(ss, ev) })
	_ = sock.On("disconnect", func(...any) { s.release(ss) })
	if ss.first {
		s.announcePresence(ss, true)
	}
	s.log.Debug("socket connected", "ns", ss.ns, "sid", sock.Id(), "user", id.UserID, "tenant", id.TenantID)
}

// release forgets a socket once: timers, typing, presence.
func (s *Server) release(ss *session) {
	ss.released.Do(func() {
		s.gateDone(ss)
		ss.mu.Lock()
		connected := ss.connected
		ss.mu.Unlock()
		s.sessions.Delete(ss.sock.Id())
		if connected {
			s.m.connections.WithLabelValues(ss.ns).Dec()
		}
		for _, conv := range ss.stopAll() {
			s.typingBroadcast(ss, conv, false)
		}
		id := ss.who()
		ctx, cancel := s.storeCtx()
		defer cancel()
		last, err := s.st.Presence.Remove(ctx, id.TenantID, id.UserID, string(ss.sock.Id()))
		if err != nil {
			s.log.Warn("presence remove failed", "err", err)
			return
		}
		if last && connected {
			s.announcePresence(ss, false)
		}
	})
}

func (s *Server) gate(sock *socket.Socket) *connectGate {
	if g, ok := s.gates.Load(sock.Conn().Id()); ok {
		return g.(*connectGate)
	}
	return nil
}

// gateDone releases the packets the connect gate holds for this socket.
func (s *Server) gateDone(ss *session) {
	if g := s.gate(ss.sock); g != nil {
		g.done(ss.ns)
	}
}

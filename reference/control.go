package reference

import (
	"net/http"
	"strings"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/spec"
)

// checkPayload validates a payload the control surface is about to send as event
// r; a failure is answered 400 naming the field (as the request's JSON name).
func (s *Server) checkPayload(w http.ResponseWriter, r spec.Role, payload any) bool {
	e := s.c.ByRole(r)
	if e == nil {
		httpError(w, http.StatusNotImplemented, codeNotFound, "El contrato no tiene este evento", nil)
		return false
	}
	err := e.Validate(asJSON(payload))
	if err == nil {
		return true
	}
	f := spec.FieldError{Message: err.Error()}
	if ve, ok := err.(*spec.ValidationError); ok {
		f = ve.First()
	}
	httpError(w, http.StatusBadRequest, string(spec.CodeValidationError), "Datos inválidos: "+displayField(f.Field)+": "+f.Message,
		map[string]any{"field": f.Field, "rule": f.Rule})
	return false
}

// handleChannels maps a business number to a tenant and workspace.
func (s *Server) handleChannels(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Number      string `json:"number" msgpack:"number"`
		TenantID    string `json:"tenantId" msgpack:"tenantId"`
		WorkspaceID string `json:"workspaceId" msgpack:"workspaceId"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/number", in.Number, "/tenantId", in.TenantID, "/workspaceId", in.WorkspaceID) ||
		!ids(w, "/tenantId", in.TenantID, "/workspaceId", in.WorkspaceID) {
		return
	}
	number := strings.TrimPrefix(in.Number, "whatsapp:")
	if !phoneLoose.MatchString(number) {
		badField(w, "/number", "se esperaba + y 7 a 15 dígitos")
		return
	}
	s.channels.set(ChannelNumber{Number: number, TenantID: in.TenantID, WorkspaceID: in.WorkspaceID})
	w.WriteHeader(http.StatusNoContent)
}

type userExpelled struct {
	Reason     string `json:"reason" msgpack:"reason"`
	Message    string `json:"message" msgpack:"message"`
	ExpelledAt string `json:"expelledAt" msgpack:"expelledAt"`
}

// handleExpel records an expulsion, tells every socket of the user (every
// namespace, every instance) and disconnects them.
func (s *Server) handleExpel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID string `json:"tenantId" msgpack:"tenantId"`
		UserID   string `json:"userId" msgpack:"userId"`
		Reason   string `json:"reason" msgpack:"reason"`
		Message  string `json:"message" msgpack:"message"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/tenantId", in.TenantID, "/userId", in.UserID, "/reason", in.Reason, "/message", in.Message) ||
		!ids(w, "/tenantId", in.TenantID, "/userId", in.UserID) {
		return
	}
	now := time.Now()
	p := userExpelled{Reason: in.Reason, Message: in.Message, ExpelledAt: stamp(now)}
	if !s.checkPayload(w, spec.UserExpelled, p) {
		return
	}
	if err := s.st.Expulsions.Expel(r.Context(), in.TenantID, in.UserID, now, s.c.Limits.ExpulsionTTL()); err != nil {
		s.log.Error("expel failed", "err", err)
		httpError(w, http.StatusInternalServerError, string(spec.CodeInternalError), "No se pudo registrar la expulsión", nil)
		return
	}
	n := s.clusterSum(opCount, in.TenantID, in.UserID, func(t, u string) int { return len(s.localSessions(t, u)) })
	room := s.rooms.user(in.TenantID, in.UserID)
	s.broadcast(spec.UserExpelled, []socket.Room{room}, "", p)
	for _, nsp := range s.nsps {
		nsp.In(room).DisconnectSockets(false)
	}
	s.log.Info("user expelled", "tenant", in.TenantID, "user", in.UserID, "sockets", n)
	writeJSON(w, http.StatusOK, map[string]any{"sockets": n})
}

// handleDrop closes the transport of the matching sockets (not a Socket.IO
// disconnect): their clients see "transport close" and reconnect by themselves.
// It acts on every instance's sockets.
func (s *Server) handleDrop(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID string `json:"tenantId" msgpack:"tenantId"`
		UserID   string `json:"userId" msgpack:"userId"`
	}
	if !decodeBody(w, r, &in) || !ids(w, "/tenantId", in.TenantID, "/userId", in.UserID) {
		return
	}
	n := s.clusterSum(opDrop, in.TenantID, in.UserID, s.dropLocal)
	writeJSON(w, http.StatusOK, map[string]any{"sockets": n})
}

// localSessions lists this instance's sockets of a tenant (all when empty) and
// user (all when empty).
func (s *Server) localSessions(tenant, user string) []*session {
	var out []*session
	s.sessions.Range(func(_, v any) bool {
		ss := v.(*session)
		id := ss.who()
		if (tenant == "" || id.TenantID == tenant) && (user == "" || id.UserID == user) {
			out = append(out, ss)
		}
		return true
	})
	return out
}

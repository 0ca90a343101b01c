package reference

import (
	"errors"
	"net/http"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

type escalationStarted struct {
	ID             string  `json:"id" msgpack:"id"`
	ConversationID string  `json:"conversationId" msgpack:"conversationId"`
	Reason         string  `json:"reason" msgpack:"reason"`
	FromAgent      *string `json:"fromAgent" msgpack:"fromAgent"`
	ToAgent        *string `json:"toAgent" msgpack:"toAgent"`
	Status         string  `json:"status" msgpack:"status"`
	CreatedAt      string  `json:"createdAt" msgpack:"createdAt"`
}

// handleEscalation escalates a conversation: status escalated, a pending
// escalation that a later agent:takeover accepts, escalation:started to the
// workspace and the target agent.
func (s *Server) handleEscalation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID       string `json:"tenantId" msgpack:"tenantId"`
		ConversationID string `json:"conversationId" msgpack:"conversationId"`
		Reason         string `json:"reason" msgpack:"reason"`
		FromAgent      string `json:"fromAgent" msgpack:"fromAgent"`
		ToAgent        string `json:"toAgent" msgpack:"toAgent"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/tenantId", in.TenantID, "/conversationId", in.ConversationID) ||
		!ids(w, "/tenantId", in.TenantID, "/fromAgent", in.FromAgent, "/toAgent", in.ToAgent) {
		return
	}
	now := time.Now()
	p := escalationStarted{ID: newID("escalation_"), ConversationID: in.ConversationID, Reason: in.Reason,
		FromAgent: optional(in.FromAgent), ToAgent: optional(in.ToAgent), Status: "pending", CreatedAt: stamp(now)}
	if !s.checkPayload(w, spec.EscalationStarted, p) {
		return
	}
	c, ok := s.updateConversation(w, r, in.TenantID, in.ConversationID, func(c *store.Conversation) error {
		c.Status, c.EscalationID, c.UpdatedAt = statusEscalated, p.ID, now
		return nil
	})
	if !ok {
		return
	}
	rooms := []socket.Room{s.rooms.workspace(c.TenantID, c.WorkspaceID)}
	if in.ToAgent != "" {
		rooms = append(rooms, s.rooms.user(c.TenantID, in.ToAgent))
	}
	s.broadcast(spec.EscalationStarted, rooms, "", p)
	s.notifyMembers(c, "")
	writeJSON(w, http.StatusCreated, map[string]any{"id": p.ID})
}

// handleAssignment assigns a conversation to an agent.
func (s *Server) handleAssignment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID       string `json:"tenantId" msgpack:"tenantId"`
		ConversationID string `json:"conversationId" msgpack:"conversationId"`
		AgentID        string `json:"agentId" msgpack:"agentId"`
		AgentName      string `json:"agentName" msgpack:"agentName"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/tenantId", in.TenantID, "/conversationId", in.ConversationID) ||
		!ids(w, "/tenantId", in.TenantID, "/agentId", in.AgentID) {
		return
	}
	now := time.Now()
	p := conversationAssigned{ConversationID: in.ConversationID, AgentID: in.AgentID, AgentName: in.AgentName,
		AssignedAt: stamp(now)}
	if !s.checkPayload(w, spec.ConversationAssigned, p) {
		return
	}
	c, ok := s.updateConversation(w, r, in.TenantID, in.ConversationID, func(c *store.Conversation) error {
		c.AssignedAgent, c.AgentName, c.BotEnabled, c.UpdatedAt = in.AgentID, in.AgentName, false, now
		return nil
	})
	if !ok {
		return
	}
	s.broadcast(spec.ConversationAssigned, []socket.Room{s.rooms.workspace(c.TenantID, c.WorkspaceID)}, "", p)
	s.notifyMembers(c, "")
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) updateConversation(w http.ResponseWriter, r *http.Request, tenant, id string,
	fn func(*store.Conversation) error) (*store.Conversation, bool) {
	c, err := s.st.Conversations.Update(r.Context(), tenant, id, fn)
	switch {
	case errors.Is(err, store.ErrNotFound):
		httpError(w, http.StatusNotFound, codeNotFound, "Conversación desconocida: "+id, nil)
		return nil, false
	case err != nil:
		s.log.Error("conversation update failed", "err", err)
		httpError(w, http.StatusInternalServerError, string(spec.CodeInternalError), "Error interno", nil)
		return nil, false
	}
	return c, true
}

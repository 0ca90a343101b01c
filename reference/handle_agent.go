package reference

import (
	"errors"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

const roleAdmin = "admin"

type takeoverAck struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	AgentID        string `json:"agentId" msgpack:"agentId"`
	AssignedAt     string `json:"assignedAt" msgpack:"assignedAt"`
}

type returnAck struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Reason         string `json:"reason" msgpack:"reason"`
	ReturnedAt     string `json:"returnedAt" msgpack:"returnedAt"`
}

type conversationAssigned struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	AgentID        string `json:"agentId" msgpack:"agentId"`
	AgentName      string `json:"agentName" msgpack:"agentName"`
	AssignedAt     string `json:"assignedAt" msgpack:"assignedAt"`
}

type escalationAccepted struct {
	ID             string `json:"id" msgpack:"id"`
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Status         string `json:"status" msgpack:"status"`
	AcceptedAt     string `json:"acceptedAt" msgpack:"acceptedAt"`
	AgentID        string `json:"agentId,omitempty" msgpack:"agentId,omitempty"`
}

type botResumed struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Reason         string `json:"reason" msgpack:"reason"`
	ResumedAt      string `json:"resumedAt" msgpack:"resumedAt"`
}

// errAssigned stops a takeover of a conversation another agent holds.
var errAssigned = errors.New("assigned to another agent")

// handleTakeover assigns the conversation to the agent and disables the bot; a
// conversation held by another agent only an admin may take (ALREADY_ASSIGNED). A
// pending escalation is accepted by it.
func (r *request) handleTakeover() {
	s, now := r.srv, time.Now()
	var holder, escalation string
	c, err := s.st.Conversations.Update(r.ctx, r.id.TenantID, r.conv.ID, func(c *store.Conversation) error {
		if c.AssignedAgent != "" && c.AssignedAgent != r.id.UserID && r.id.Role != roleAdmin {
			holder = c.AssignedAgent
			return errAssigned
		}
		escalation = c.EscalationID
		c.AssignedAgent, c.AgentName, c.BotEnabled, c.EscalationID = r.id.UserID, r.id.displayName(), false, ""
		if c.Status == statusEscalated {
			c.Status = statusOpen
		}
		c.UpdatedAt = now
		return nil
	})
	switch {
	case errors.Is(err, errAssigned):
		r.fail(spec.CodeAlreadyAssigned, "La conversación ya está asignada a otro agente",
			map[string]any{"assignedAgent": holder})
		return
	case err != nil:
		r.internal(err)
		return
	}
	r.reply(takeoverAck{ConversationID: c.ID, AgentID: r.id.UserID, AssignedAt: stamp(now)})
	ws := []socket.Room{s.rooms.workspace(c.TenantID, c.WorkspaceID)}
	s.broadcast(spec.ConversationAssigned, ws, "", conversationAssigned{ConversationID: c.ID,
		AgentID: r.id.UserID, AgentName: r.id.displayName(), AssignedAt: stamp(now)})
	if escalation != "" {
		s.broadcast(spec.EscalationAccepted, ws, "", escalationAccepted{ID: escalation, ConversationID: c.ID,
			Status: "accepted", AcceptedAt: stamp(now), AgentID: r.id.UserID})
	}
	s.notifyMembers(c, "")
}

// handleReturn hands the conversation back to the bot: by the assigned agent or an
// admin (ACCESS_DENIED otherwise).
func (r *request) handleReturn() {
	s, now := r.srv, time.Now()
	reason, _ := r.p["reason"].(string)
	c, err := s.st.Conversations.Update(r.ctx, r.id.TenantID, r.conv.ID, func(c *store.Conversation) error {
		if c.AssignedAgent != "" && c.AssignedAgent != r.id.UserID && r.id.Role != roleAdmin {
			return errAssigned
		}
		c.AssignedAgent, c.AgentName, c.BotEnabled, c.UpdatedAt = "", "", true, now
		return nil
	})
	switch {
	case errors.Is(err, errAssigned):
		r.fail(spec.CodeAccessDenied, "Solo el agente asignado o un administrador puede devolver la conversación", nil)
		return
	case err != nil:
		r.internal(err)
		return
	}
	r.reply(returnAck{ConversationID: c.ID, Reason: reason, ReturnedAt: stamp(now)})
	s.broadcast(spec.BotResumed, []socket.Room{s.rooms.conversation(c.TenantID, c.ID)}, "",
		botResumed{ConversationID: c.ID, Reason: "agent_returned", ResumedAt: stamp(now)})
	s.notifyMembers(c, "")
}

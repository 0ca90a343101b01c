package reference

import (
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// deliveryFailed is the DELIVERY_FAILED reasons of the contract.
const (
	reasonInvalidPhone = "invalid_phone_number"
)

// simulateDelivery plays the WhatsApp channel for an outbound message (D16): a
// customer number that is not E.164 fails at once (message:error DELIVERY_FAILED
// to the sender, after message:sent); otherwise message:delivered and
// message:read follow after the configured delays.
func (s *Server) simulateDelivery(r *request, conv *store.Conversation, m *store.Message) {
	customer, _, _ := whatsAppParties(conv.ID)
	if !phoneStrict.MatchString(customer) {
		if _, _, err := s.st.Messages.SetStatus(r.ctx, m.TenantID, m.ID, "failed", time.Now()); err != nil {
			s.log.Warn("set status failed", "id", m.ID, "err", err)
		}
		s.emitTo(r.ss, spec.MessageError, deliveryFailed(s, m, reasonInvalidPhone))
		s.m.error(string(spec.CodeDeliveryFailed))
		return
	}
	s.timers.after(s.cfg.DeliveredDelay, func() { s.advanceStatus(m, "delivered") })
	s.timers.after(max(s.cfg.ReadDelay, s.cfg.DeliveredDelay), func() { s.advanceStatus(m, "read") })
}

// advanceStatus moves a message forward and, when it moved, tells its conversation.
func (s *Server) advanceStatus(m *store.Message, status string) {
	ctx, cancel := s.storeCtx()
	defer cancel()
	now := time.Now()
	got, changed, err := s.st.Messages.SetStatus(ctx, m.TenantID, m.ID, status, now)
	if err != nil {
		s.log.Warn("set status failed", "id", m.ID, "status", status, "err", err)
		return
	}
	if !changed {
		return
	}
	room := []socket.Room{s.rooms.conversation(got.TenantID, got.ConversationID)}
	p := messageStatus{ID: got.ID, MessageID: clientMessageID(got), ConversationID: got.ConversationID, Status: status}
	switch status {
	case "delivered":
		p.DeliveredAt = stamp(now)
		s.broadcast(spec.MessageDelivered, room, "", p)
	case "read":
		p.ReadAt = stamp(now)
		s.broadcast(spec.MessageRead, room, "", p)
	}
}

func deliveryFailed(s *Server, m *store.Message, reason string) messageError {
	name := ""
	if e := s.c.ByRole(spec.SendMessage); e != nil {
		name = e.Name
	}
	return messageError{MessageID: clientMessageID(m), ConversationID: m.ConversationID, Error: envelope{
		Code: string(spec.CodeDeliveryFailed), Message: "No se pudo entregar el mensaje",
		Details: map[string]any{"reason": reason}, Event: name, CorrelationID: correlationID(clientMessageID(m))}}
}

package reference

import (
	"errors"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

type conversationRef struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
}

type joined struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	LastSeq        int64  `json:"lastSeq" msgpack:"lastSeq"`
}

type typingAck struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Typing         bool   `json:"typing" msgpack:"typing"`
}

type typingUpdate struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	UserID         string `json:"userId" msgpack:"userId"`
	Typing         bool   `json:"typing" msgpack:"typing"`
	ExpiresAt      string `json:"expiresAt,omitempty" msgpack:"expiresAt,omitempty"`
}

type readAck struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	MessageID      string `json:"messageId" msgpack:"messageId"`
	UnreadCount    int64  `json:"unreadCount" msgpack:"unreadCount"`
	ReadAt         string `json:"readAt" msgpack:"readAt"`
}

// handleJoin makes the user a member and the socket part of the room; lastSeq
// tells the client where its live stream starts.
func (r *request) handleJoin() {
	convID, _ := r.p["conversationId"].(string)
	conv, _, ok := r.ensureConversation(convID)
	if !ok || !r.join(conv) {
		return
	}
	r.reply(joined{ConversationID: conv.ID, LastSeq: conv.LastSeq})
}

// handleLeave takes the socket out of the room and the user out of the members.
func (r *request) handleLeave() {
	c := r.conv
	r.ss.sock.Leave(r.srv.rooms.conversation(c.TenantID, c.ID))
	if err := r.srv.st.Conversations.RemoveMember(r.ctx, c.TenantID, c.ID, r.id.UserID); err != nil {
		r.internal(err)
		return
	}
	r.reply(conversationRef{ConversationID: c.ID})
}

// handleRead moves the reader's read mark to the message and answers the
// reader's new unread count; the reader's other sockets get conversation:updated.
func (r *request) handleRead() {
	c := r.conv
	msgID, _ := r.p["messageId"].(string)
	m, err := r.srv.st.Messages.ByID(r.ctx, c.TenantID, msgID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.ConversationID != c.ID) {
		r.fail(spec.CodeValidationError, "Datos inválidos: /messageId: el mensaje no está en la conversación",
			map[string]any{"field": "/messageId", "rule": "exists", "errors": []map[string]any{{
				"field": "/messageId", "rule": "exists", "message": "no message with this id in the conversation"}}})
		return
	}
	if err != nil {
		r.internal(err)
		return
	}
	unread, err := r.srv.st.Conversations.MarkRead(r.ctx, c.TenantID, c.ID, r.id.UserID, m.Seq)
	if err != nil {
		r.internal(err)
		return
	}
	r.reply(readAck{ConversationID: c.ID, MessageID: m.ID, UnreadCount: unread, ReadAt: stamp(time.Now())})
	if cur, err := r.srv.st.Conversations.Get(r.ctx, c.TenantID, c.ID); err == nil {
		c = cur
	}
	r.srv.broadcast(spec.ConversationUpdated, []socket.Room{r.srv.rooms.user(c.TenantID, r.id.UserID)},
		r.ss.sock.Id(), conversationUpdatedOf(c, unread))
}

// handleTyping answers typing:start and typing:stop and relays typing:update to
// the other members; typing stops by itself after the typing timeout.
func (r *request) handleTyping(on bool) {
	s, c := r.srv, r.conv
	r.reply(typingAck{ConversationID: c.ID, Typing: on})
	if !on {
		r.ss.clearTyping(c.ID)
		s.typingBroadcast(r.ss, c.ID, false)
		return
	}
	ss, id := r.ss, c.ID
	r.ss.setTyping(id, s.cfg.TypingTimeout, func() { s.typingBroadcast(ss, id, false) })
	s.typingBroadcast(r.ss, c.ID, true)
}

func (s *Server) typingBroadcast(ss *session, conv string, on bool) {
	id := ss.who()
	p := typingUpdate{ConversationID: conv, UserID: id.UserID, Typing: on}
	if on {
		p.ExpiresAt = stamp(time.Now().Add(s.cfg.TypingTimeout))
	}
	s.broadcast(spec.TypingUpdate, []socket.Room{s.rooms.conversation(id.TenantID, conv)}, ss.sock.Id(), p)
}

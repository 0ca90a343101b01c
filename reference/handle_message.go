package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// handleSend stores a message (deduplicated per tenant by messageId), answers
// message:sent, and tells the conversation: message:new to the room (not the
// sending socket), conversation:updated to each member. Per conversation, the
// store's append and the broadcast run under one lock, so members see seq order.
func (r *request) handleSend() {
	s := r.srv
	convID, _ := r.p["conversationId"].(string)
	unlock := s.convMu.lock(r.id.TenantID + "\x00" + convID)
	defer unlock()
	conv, _, ok := r.ensureConversation(convID)
	if !ok || !r.join(conv) {
		return
	}
	m := r.newMessage(conv)
	stored, dup, err := s.append(conv, m)
	switch {
	case errors.Is(err, store.ErrConflict):
		details := map[string]any{}
		if id := conflictID(stored, err); id != "" {
			details["id"] = id
		}
		r.fail(spec.CodeIdempotencyConflict, "El messageId ya se usó con otro contenido", details)
		return
	case err != nil:
		r.internal(err)
		return
	}
	r.reply(messageSentOf(stored, dup))
	if dup {
		return
	}
	room := s.rooms.conversation(conv.TenantID, conv.ID)
	if s.mut.on(MutationNoSeqOrder) {
		s.timers.after(time.Duration(rand.IntN(30))*time.Millisecond, func() {
			s.broadcast(spec.MessageNew, []socket.Room{room}, r.ss.sock.Id(), s.messageNewOf(stored))
		})
	} else {
		s.broadcast(spec.MessageNew, []socket.Room{room}, r.ss.sock.Id(), s.messageNewOf(stored))
	}
	if _, err := s.st.Conversations.MarkRead(r.ctx, conv.TenantID, conv.ID, r.id.UserID, stored.Seq); err != nil {
		s.log.Warn("mark read failed", "conversation", conv.ID, "err", err)
	}
	if c, err := s.st.Conversations.Get(r.ctx, conv.TenantID, conv.ID); err == nil {
		conv = c
	}
	s.notifyMembers(conv, "")
	if conv.Channel == channelWhatsApp {
		s.simulateDelivery(r, conv, stored)
	}
}

// newMessage builds the message to store from the validated payload.
func (r *request) newMessage(conv *store.Conversation) *store.Message {
	p := r.p
	typ, _ := p["type"].(string)
	if typ == "" {
		typ = "text"
	}
	m := &store.Message{TenantID: r.id.TenantID, MessageID: r.corr, ConversationID: conv.ID, Type: typ,
		Sender: r.id.UserID, SenderUserID: r.id.UserID, Direction: "outbound", Status: "sent",
		CreatedAt: time.Now()}
	if t, ok := p["text"].(string); ok {
		m.Text = &t
	}
	if id, ok := p["mediaId"].(string); ok {
		m.MediaID = &id
	}
	m.Location, _ = p["location"].(map[string]any)
	m.Metadata, _ = p["metadata"].(map[string]any)
	if conv.Channel == channelWhatsApp {
		m.TwilioSid = newTwilioSid()
	}
	m.Fingerprint = fingerprint(conv.ID, typ, m.Text, m.MediaID, m.Location)
	switch {
	case r.srv.mut.on(MutationNoDedup):
		m.MessageID += "#" + randomHex(8)
	case r.srv.mut.on(MutationDedupPerSocket):
		m.MessageID += "#" + string(r.ss.sock.Id())
	}
	return m
}

// fingerprint identifies what a client sent under one idempotency key (D6): the
// same key with another fingerprint is an IDEMPOTENCY_CONFLICT.
func fingerprint(conv, typ string, text, media *string, loc map[string]any) string {
	b, _ := json.Marshal([]any{conv, typ, text, media, loc})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// append stores m. Under MutationLoseAfterRedisRecovery a message accepted while
// Redis is down is answered and delivered live but never stored, so no sync:state
// can recover it, before or after the recovery.
func (s *Server) append(conv *store.Conversation, m *store.Message) (*store.Message, bool, error) {
	if s.mut.on(MutationLoseAfterRedisRecovery) && s.redisStatus() == "degraded" {
		lost := *m
		lost.ID, lost.Seq = store.NewMessageID(), conv.LastSeq+1
		return &lost, false, nil
	}
	ctx, cancel := s.storeCtx()
	defer cancel()
	return s.st.Messages.Append(ctx, m, s.c.Limits.DedupTTL(), s.cfg.Retention)
}

var storedAs = regexp.MustCompile(`stored as \S*(msg_[A-Za-z0-9_-]{1,64})\)`)

// conflictID is the server id of the message that holds a reused key (D6
// details.id). The stores return no message with ErrConflict, only its id in the
// error text, so it is read from there until they do.
func conflictID(stored *store.Message, err error) string {
	if stored != nil {
		return stored.ID
	}
	if m := storedAs.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}
